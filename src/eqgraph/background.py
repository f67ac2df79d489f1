"""Work in a forked process while the build goes on (`Background`): the graph views, the dumps, a
plan added to many.

A build is Python (rdflib, pySHACL, the extraction) and holds the GIL, so threads would not help; a
forked process inherits what the build has loaded instead of being sent it. Where fork is not
available, or with one core, the work runs in this process when its result is asked for: the same
result either way.

A forked process keeps Python's cyclic collector as the build has it, paused: a collection there
would walk, and so copy page by page, everything it inherited, and the process only lives as long
as its one piece of work.
"""

from __future__ import annotations

from .errors import EqgraphError


class Background:
    """`function(*args)` in a forked process while this one goes on; `result()` waits for its value
    (or raises its error). Where fork is not available, or with one core, it runs here when its result
    is asked for.

    With `inbox`, the function is given one more argument, a callable answering what this process
    `post`s to it later: the process can begin on what is ready and wait for the rest."""

    def __init__(self, function, *args, inbox: bool = False):
        self.name = getattr(function, "__name__", "work").strip("_").replace("_", " ")
        import multiprocessing
        import os

        self._process = self._send_later = self._sending = None
        self._posted: list = []
        if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            self._run_here = (function, args + ((lambda: self._posted[0]),) if inbox else args)
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        receive_later = None
        if inbox:
            receive_later, self._send_later = context.Pipe(duplex=False)
            args = args + (receive_later.recv,)

        def run() -> None:
            try:
                send.send((True, function(*args)))
            except BaseException as error:  # noqa: BLE001 - sent to the parent, which raises it
                send.send((False, error))
            finally:
                send.close()

        self._process = context.Process(target=run, daemon=True)
        self._process.start()
        send.close()
        if receive_later is not None:
            receive_later.close()  # the process's end: posting to a process that stopped then fails at once

    def post(self, value) -> None:
        """What the function's inbox answers (once). Sent by a thread: a value larger than the pipe
        holds waits there until the process asks for it, and this one goes on meanwhile."""
        if self._send_later is None:
            self._posted.append(value)
            return
        import threading

        def send() -> None:
            try:
                self._send_later.send(value)
            except (BrokenPipeError, ConnectionResetError, OSError):
                pass  # the process has stopped already: result() says why
            finally:
                self._send_later.close()

        self._sending = threading.Thread(target=send, name=f"posting to {self.name}", daemon=True)
        self._sending.start()

    def cancel(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()
        if self._sending is not None:
            self._sending.join()

    def result(self):
        if self._process is None:
            function, args = self._run_here
            return function(*args)
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise EqgraphError(f"the process that was to {self.name} stopped (exit {self._process.exitcode})") from None
        self._process.join()
        if self._sending is not None:
            self._sending.join()
        if not ok:
            raise value
        return value
