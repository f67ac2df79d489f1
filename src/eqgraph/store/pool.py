"""Query worker pools: every query the web app runs is bounded in time, memory and admission.

A Python thread cannot be stopped and pyoxigraph has no cancellation, so a query that must be bounded runs
in a worker process that can be killed. A `Pool` owns a few such workers over one store directory:

* **admission**: at most `workers + queue` requests are admitted at once; one more gets `Busy` at once
  (the web answers 503 with `Retry-After`), never a silent wait; optionally `per_client` per address;
* **one deadline per request**, from admission: time spent waiting for a worker counts, so an answer
  (or a timeout) always comes within `timeout` plus the time to kill a process;
* **memory**: each worker limits its own writable memory (`RLIMIT_DATA`) to what it holds after opening
  the store plus `memory_mb`; a query that needs more dies in its worker, and the caller is told so;
* **replacement**: a killed or dead worker is replaced in the background, so the caller's answer is
  not delayed by a process start;
* **a log line** for every refused or stopped query (what, why, how long), and counters for `/health`.

The web app keeps two pools with separate capacity: `sparql` for the public endpoint's ad-hoc queries
(niced, so they yield the CPU to pages) and `pages` for saved queries and page lookups, so pages never
wait behind a flood of runaway SPARQL.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Busy, OutOfMemory, QueryFailed, QueryTimeout, WorkerCrashed

log = logging.getLogger("eqgraph.queries")


STARTUP_TIMEOUT = 60.0  # seconds a new worker may take to open the store
MIN_LEFT = 0.05  # seconds a job must have left to be worth sending to a worker

# What happens to a job, as counted for /health: answered, or refused / stopped and why.
OUTCOMES = ("answered", "busy", "timeout", "memory", "crash", "refused", "malformed", "error", "abandoned")


@dataclass(frozen=True)
class PoolLimits:
    workers: int = 2
    queue: int = 4  # admitted requests waiting for a worker, beyond those running
    timeout: float = 5.0  # seconds from admission to answer
    memory_mb: int = 512  # writable memory a worker may add to what it holds after opening the store
    per_client: int = 0  # admitted requests per client address (0: no limit)
    nice: int = 0  # scheduling priority offset of the workers (higher yields the CPU to others)
    in_memory: int = 0  # a store of at most this many quads is copied into each worker's memory


# --- inside a worker ---------------------------------------------------------------------------------

def _vm_data() -> int:
    """Bytes of writable private memory this process holds (what RLIMIT_DATA counts)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def _limit_memory(extra_mb: int) -> None:
    import resource

    try:
        limit = _vm_data() + extra_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (OSError, ValueError):
        pass


def _worker_main(store_path: str, connection, task, memory_mb: int, nice: int, in_memory: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops the workers
    from .oxigraph import OxigraphStore

    if nice:
        os.nice(nice)
    store = OxigraphStore.open(Path(store_path), in_memory)
    store.query("ASK { ?s ?p ?o }")  # warm the store before the memory baseline is taken
    _limit_memory(memory_mb)
    connection.send(("ready", None))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            return
        job = message[1]
        try:
            connection.send(("ok", task(store, job)))
        except SyntaxError as exc:
            connection.send(("syntax", str(exc)))
        except QueryFailed as exc:
            connection.send(("refused", (type(exc).__name__, exc.status, str(exc))))
        except MemoryError:
            connection.send(("memory", ""))
        except Exception as exc:  # noqa: BLE001 - reported as a query error, never a trace
            # The engine's message is not passed on: it may quote what a remote server returned.
            connection.send(("error", type(exc).__name__))


# --- the pool --------------------------------------------------------------------------------------

@dataclass
class _Worker:
    process: multiprocessing.Process
    connection: object
    # Two threads may kill one worker at once (the one replacing it after a failed query, and the pool
    # closing): its pipe is closed once, or the second close could hit a descriptor number since reused.
    _closing: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _closed: bool = field(default=False, repr=False, compare=False)

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=5)
        finally:
            with self._closing:
                if not self._closed:
                    self._closed = True
                    self.connection.close()


@dataclass
class Pool:
    """Worker processes over one store directory running `task(store, job)` for each job."""

    name: str
    store_path: Path
    task: object  # a module-level function (it is sent to a spawned process)
    limits: PoolLimits = field(default_factory=PoolLimits)

    def __post_init__(self):
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue = queue.Queue()
        self._waiters: deque = deque()  # (loop, future) of coroutines waiting for a worker
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        self._admitted = 0
        self._clients: Counter[str] = Counter()
        self._closed = False
        self._busy_logged_at, self._busy_unlogged = -1e9, 0
        self.stats: Counter[str] = Counter()
        for _ in range(self.limits.workers):
            self._start()

    def _start(self) -> None:
        """Start a worker; it joins the idle ones once it has opened the store (off the caller's thread,
        so no request's deadline pays for a process start)."""
        def work():
            try:
                worker = self._spawn()
                if not worker.connection.poll(STARTUP_TIMEOUT) or worker.connection.recv()[0] != "ready":
                    raise OSError(f"the worker did not start within {STARTUP_TIMEOUT} s")
            except (OSError, EOFError) as exc:
                if not self._closed:
                    log.error("%s pool could not start a worker: %s", self.name, exc)
                return
            with self._lock:
                closed = self._closed
            if closed:
                worker.kill()
            else:
                self._give(worker)
        threading.Thread(target=work, daemon=True, name=f"eqgraph-{self.name}-start").start()

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main, daemon=True, name=f"eqgraph-{self.name}",
            args=(str(self.store_path), child, self.task, self.limits.memory_mb, self.limits.nice,
                  self.limits.in_memory))
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start its successor off the caller's thread."""
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

        def work():
            try:
                worker.kill()
            except OSError:
                pass
            if not self._closed:
                self._start()
        threading.Thread(target=work, daemon=True, name=f"eqgraph-{self.name}-respawn").start()

    def status(self) -> dict:
        with self._lock:
            return {"workers": self.limits.workers, "admitted": self._admitted,
                    "capacity": self.limits.workers + self.limits.queue, "idle": self._idle.qsize(),
                    "timeout_s": self.limits.timeout, **{kind: self.stats[kind] for kind in OUTCOMES}}

    def run(self, job, client: str = "", describe: str = "", arrived: float | None = None):
        """Run one job; raises `Busy`, `QueryTimeout`, `OutOfMemory`, `WorkerCrashed` or `QueryFailed`.

        `arrived` (a `time.monotonic()` reading, when the request reached the server) starts the deadline
        earlier than admission, so time spent waiting for a server thread counts too."""
        started = self._admit(client, describe, arrived)
        try:
            deadline = started + self.limits.timeout
            worker = self._take(client, describe, started, deadline)
            try:
                worker.connection.send(("job", job))
                ready = worker.connection.poll(max(0.0, deadline - time.monotonic()))
            except (EOFError, OSError):
                ready = True  # the worker is gone: receiving says how
            except BaseException:  # interrupted while the worker works: it cannot be reused
                self._replace(worker)
                raise
            return self._collect(worker, ready, client, describe, started)
        finally:
            self._leave(client)

    async def run_async(self, job, client: str = "", describe: str = "", arrived: float | None = None):
        """`run` for an asyncio caller: the answer is awaited on the event loop (no thread waits on the
        worker's pipe) when a worker is idle; otherwise the wait for one happens on a thread."""
        import asyncio

        started = self._admit(client, describe, arrived)
        try:
            deadline = started + self.limits.timeout
            worker = await self._take_async(client, describe, started, deadline)
            try:
                worker.connection.send(("job", job))
                ready = await _readable(worker.connection, deadline - time.monotonic())
            except (EOFError, OSError):
                ready = True
            except BaseException:  # cancelled (the client left) while the worker works: replace it
                self._replace(worker)
                self._note("abandoned", client, describe, started, "the client left")
                raise
            return self._collect(worker, ready, client, describe, started)
        finally:
            self._leave(client)

    async def _take_async(self, client: str, describe: str, started: float, deadline: float) -> _Worker:
        """`_take` for the event loop: an idle worker now, or the next one handed back (handed straight
        to the longest-waiting coroutine, no thread involved), until the deadline."""
        import asyncio

        if deadline - time.monotonic() >= MIN_LEFT:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            loop = asyncio.get_running_loop()
            handed = loop.create_future()
            with self._lock:
                self._waiters.append((loop, handed))
            try:
                async with asyncio.timeout(max(0.0, deadline - time.monotonic() - MIN_LEFT)):
                    return await handed
            except (TimeoutError, asyncio.CancelledError):
                with self._lock:
                    if (loop, handed) in self._waiters:
                        self._waiters.remove((loop, handed))
                if handed.done() and not handed.cancelled():
                    self._give(handed.result())  # handed over just as the wait ended: pass it on
                elif not handed.done():
                    handed.cancel()
                if asyncio.current_task().cancelling():
                    raise
        self._note("timeout", client, describe, started, "no worker became free")
        raise QueryTimeout(f"the query could not start within {self.limits.timeout:g} s (the server is "
                           "busy) and was abandoned")

    def _give(self, worker: _Worker) -> None:
        """A worker is free: to the longest-waiting coroutine if one waits, else to the idle ones."""
        while True:
            with self._lock:
                waiter = self._waiters.popleft() if self._waiters else None
            if waiter is None:
                self._idle.put(worker)
                return
            loop, handed = waiter
            try:
                loop.call_soon_threadsafe(self._hand, handed, worker)
                return
            except RuntimeError:  # that loop has closed: try the next waiter
                continue

    def _hand(self, handed, worker: _Worker) -> None:
        if handed.done():  # its wait ended meanwhile
            self._give(worker)
        else:
            handed.set_result(worker)

    def _admit(self, client: str, describe: str, arrived: float | None) -> float:
        """Count the request in, or refuse it at once (`Busy`); returns when its deadline started."""
        now = time.monotonic()
        started = now if arrived is None else min(now, arrived)
        limits = self.limits
        with self._lock:
            full = self._admitted >= limits.workers + limits.queue
            client_full = bool(limits.per_client and client and self._clients[client] >= limits.per_client)
            if not (full or client_full):
                self._admitted += 1
                self._clients[client] += 1
        if full or client_full:
            self._note("busy", client, describe, started)
            who = "this client has too many queries running" if client_full else "every query worker is busy"
            raise Busy(f"{who}; try again shortly")
        return started

    def _leave(self, client: str) -> None:
        with self._lock:
            self._admitted -= 1
            self._clients[client] -= 1
            if self._clients[client] <= 0:
                del self._clients[client]

    def _take(self, client: str, describe: str, started: float, deadline: float) -> _Worker:
        """An idle worker, waiting for one until the deadline (and not when too little time is left
        to use it: a worker given a job it must be killed for at once is a worker lost for nothing)."""
        try:
            left = deadline - time.monotonic() - MIN_LEFT
            if left <= 0:  # the request waited (nearly) its whole deadline before it got here
                raise queue.Empty
            worker = self._idle.get(timeout=left)
            if deadline - time.monotonic() < MIN_LEFT:
                self._give(worker)
                raise queue.Empty
            return worker
        except queue.Empty:
            self._note("timeout", client, describe, started, "no worker became free")
            raise QueryTimeout(f"the query could not start within {self.limits.timeout:g} s (the server is "
                               "busy) and was abandoned") from None

    def _collect(self, worker: _Worker, ready: bool, client: str, describe: str, started: float):
        """The job's answer from a worker that has it (`ready`), or the stop, death or refusal, said."""
        timeout = self.limits.timeout
        if not ready:
            self._replace(worker)
            self._note("timeout", client, describe, started, "killed")
            raise QueryTimeout(f"the query did not finish within {timeout:g} s and was stopped")
        try:
            outcome, payload = worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=1)
            code = worker.process.exitcode
            self._replace(worker)
            if code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL):
                self._note("memory", client, describe, started, f"worker exit {code}")
                raise OutOfMemory(f"the query needed more than the {self.limits.memory_mb} MB of memory a query "
                                  "may use and was stopped") from None
            self._note("crash", client, describe, started, f"worker exit {code}")
            raise WorkerCrashed("the query worker stopped unexpectedly; the query was abandoned") from None
        except BaseException:
            self._replace(worker)
            raise
        self._give(worker)
        if outcome == "ok":
            self.stats["answered"] += 1
            return payload
        if outcome == "memory":
            self._note("memory", client, describe, started, "MemoryError")
            raise OutOfMemory(f"the query needed more than the {self.limits.memory_mb} MB of memory a query may "
                              "use and was stopped")
        if outcome == "syntax":
            self.stats["malformed"] += 1
            raise QueryFailed(f"malformed query: {payload}")
        if outcome == "refused":
            kind, status, message = payload
            self._note("refused", client, describe, started, kind)
            error = QueryFailed(message)
            error.status = status
            raise error
        self._note("error", client, describe, started, payload)
        raise QueryFailed(f"the query could not be evaluated ({payload})")

    def _note(self, what: str, client: str, describe: str, started: float, detail: str = "") -> None:
        """Count it, and log it: every stop and failure; refusals when full at most once a second (a
        flood of them is one line a second saying how many, not a disk filled with lines)."""
        self.stats[what] += 1
        if what == "busy":
            now = time.monotonic()
            with self._lock:
                self._busy_unlogged += 1
                if now - self._busy_logged_at < 1.0:
                    return
                count, self._busy_unlogged, self._busy_logged_at = self._busy_unlogged, 0, now
            if count > 1:
                detail = f"{count} refused since the last line, the last:"
        log.warning("%s query %s: client=%s after=%.0fms %s query=%r", self.name, what, client or "-",
                    (time.monotonic() - started) * 1000, detail, describe[:200])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), []
        for worker in workers:
            try:
                worker.connection.send(("stop",))
            except (OSError, BrokenPipeError):
                pass
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.kill()


async def _readable(connection, timeout: float) -> bool:
    """Wait on the event loop until the worker's pipe has data (True) or the time is up (False)."""
    import asyncio

    if connection.poll(0):
        return True
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    fd = connection.fileno()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
    try:
        async with asyncio.timeout(max(0.0, timeout)):
            await ready
        return True
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
