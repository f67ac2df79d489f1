"""The HTTP server in front of the Flask app: many cheap connections, every client bounded.

Why Hypercorn, and what sits in front of the app. A thread-per-connection server (waitress, gunicorn's
sync and gthread workers) lets a few hundred silent or trickling sockets occupy every thread, and an idle
timer that restarts on every byte never fires for a client that sends one header line every few seconds.
Hypercorn runs connections on asyncio, where an idle socket costs a few kilobytes and no thread, and its
connection timer runs from the moment a connection opens (or finishes a response) until a complete request
head has arrived, however slowly the bytes come: that is the bound on receiving headers. `RequestGuard`, an
ASGI layer between Hypercorn and the WSGI app, adds what Hypercorn leaves open:

* the whole body must arrive within `body_timeout` (408) and be at most `max_body` bytes (413, refused
  from `Content-Length` before a byte of it is read); at most `max_receiving` requests may be sending
  a body at once;
* a request counts in the app only once its body is here: at most `max_requests` at once (a 503 with
  `Retry-After` beyond that, never a silent queue), optionally `max_per_client` per client address;
* the WSGI app runs on a thread only to make its answer; the answer is sent from the event loop, so a
  client that never reads holds no thread, and one it does not read within `send_timeout` ends the
  connection;
* the request bodies and answers held in memory at once (a slow reader keeps its answer) are bounded by
  `max_held` bytes: an answer beyond it is a 503;
* SPARQL protocol queries are answered before the WSGI app by `eqgraph.web.fast`, with the same bounds.

The app runs on a thread pool of `threads` threads; queries run in the worker pools of
`eqgraph.store.pool`, which admit a bounded number, so pages always have threads left.
HTTP/1.1 and cleartext HTTP/2 (h2c) are served; both bound a request head by `max_head`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

log = logging.getLogger("eqgraph.server")
ARRIVED = "eqgraph.arrived"  # WSGI environ key set by RequestGuard: time.monotonic() when the request arrived


@dataclass(frozen=True)
class ServerSettings:
    """How the server bounds its clients. Each is an environment variable too (EQGRAPH_<NAME>)."""

    host: str = "127.0.0.1"
    port: int = 5000
    threads: int = 32  # threads running the app
    header_timeout: float = 10.0  # seconds to receive a request head (and idle time between requests)
    body_timeout: float = 10.0  # seconds to receive a request body, from its first byte to its last
    send_timeout: float = 30.0  # seconds a client may leave an answer unread before it is dropped
    max_body: int = 1 << 20  # bytes of request body (a SPARQL query sent by POST)
    max_head: int = 128 << 10  # bytes of request line and headers (a SPARQL query sent by GET)
    max_requests: int = 512  # requests inside the app at once, across all clients
    max_per_client: int = 0  # requests inside the app at once from one address (0: no limit)
    max_receiving: int = 256  # requests still sending their body, at once
    max_held: int = 256 << 20  # bytes of request bodies and answers held in memory at once, across clients
    fast_sparql: int = 1  # answer protocol queries on the event loop (eqgraph.web.fast); 0: all through Flask

    @classmethod
    def from_env(cls, **overrides) -> "ServerSettings":
        values = {}
        for name, kind in cls.__annotations__.items():
            raw = os.environ.get(f"EQGRAPH_{name.upper()}")
            if raw is not None and name not in ("host", "port"):
                values[name] = (float if kind == "float" else int)(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _plain(status: int, text: str, extra: tuple = ()) -> tuple[dict, dict]:
    from .errors import SECURITY_HEADERS
    from .protocol import CORS

    body = (text + "\n").encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), *extra,
               *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in {**CORS, **SECURITY_HEADERS}.items())]
    return ({"type": "http.response.start", "status": status, "headers": headers},
            {"type": "http.response.body", "body": body, "more_body": False})


class RequestGuard:
    """ASGI middleware: bounded bodies, bounded concurrency, bounded sends, then the WSGI app."""

    def __init__(self, wsgi_app, settings: ServerSettings, fast=None):
        self.settings = settings
        self.wsgi_app = wsgi_app
        self.fast = fast  # answers protocol queries before the WSGI app (eqgraph.web.fast), or None
        self.in_app = 0
        self.receiving = 0
        self.held = 0  # bytes of bodies and answers in memory now
        self.per_client: Counter[str] = Counter()
        self._refusals = _RateLimitedLog()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            await send({"type": "websocket.close"})
            return
        s = self.settings
        client = (scope.get("client") or ("unknown", 0))[0]
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > s.max_body):
            await self._reply(send, 413, f"request bodies are limited to {s.max_body} bytes")
            return
        arrived = time.monotonic()  # deadlines count from here, waiting for a thread included
        if self.receiving >= s.max_receiving:
            await self._refuse(send, scope, client, "too many requests are still sending their body")
            return
        self.receiving += 1
        try:
            body = await self._body(receive, send)
        finally:
            self.receiving -= 1
        if body is None:
            return
        # Counted in the app only once the body is here: slow senders cannot fill the app's places.
        if self.in_app >= s.max_requests or (s.max_per_client and self.per_client[client] >= s.max_per_client):
            self.held -= len(body)
            await self._refuse(send, scope, client, f"{self.in_app} requests in progress")
            return
        self.in_app += 1
        self.per_client[client] += 1
        try:
            bounded = self._bounded(send)
            if self.fast is not None and self.fast.wants(scope):
                if await self.fast(scope, body, bounded, arrived, receive, self):
                    return
            status, headers, chunks = await asyncio.get_running_loop().run_in_executor(
                None, _run_wsgi, self.wsgi_app, scope, body, arrived)
            await self.send_answer(bounded, status, headers, chunks)
        finally:
            self.held -= len(body)
            self.in_app -= 1
            self.per_client[client] -= 1
            if not self.per_client[client]:
                del self.per_client[client]

    async def send_answer(self, send, status: int, headers: list, chunks: list[bytes]) -> None:
        """Send a whole answer; one that would take the memory held past `max_held` is a 503 instead
        (an answer waits here for as long as its client takes to read it)."""
        size = sum(len(c) for c in chunks)
        if self.held + size > self.settings.max_held:
            log.warning("answer of %d bytes refused: %d bytes already held for slow readers", size, self.held)
            await self._reply(send, 503, "the server is busy sending other answers; try again shortly",
                              ((b"retry-after", b"2"),))
            return
        self.held += size
        try:
            await send({"type": "http.response.start", "status": status, "headers": headers})
            for chunk in chunks[:-1]:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": chunks[-1] if chunks else b"", "more_body": False})
        finally:
            self.held -= size

    async def _refuse(self, send, scope, client: str, why: str) -> None:
        self._refusals.warning("refused %s %r from %s: %s", scope["method"], scope["path"], client, why)
        await self._reply(send, 503, "the server is busy; try again shortly", ((b"retry-after", b"2"),))

    async def _body(self, receive, send) -> bytes | None:
        s = self.settings
        chunks, size = [], 0
        try:
            async with asyncio.timeout(s.body_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        self.held -= size
                        return None
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    self.held += len(chunk)
                    if size > s.max_body:
                        self.held -= size
                        await self._reply(send, 413, f"request bodies are limited to {s.max_body} bytes")
                        return None
                    if self.held > s.max_held:
                        self.held -= size
                        await self._reply(send, 503, "the server is busy receiving other requests; try again "
                                                     "shortly", ((b"retry-after", b"2"),))
                        return None
                    chunks.append(chunk)
                    if not message.get("more_body"):
                        return b"".join(chunks)
        except TimeoutError:
            self.held -= size
            await self._reply(send, 408, f"the request body did not arrive within {s.body_timeout:g} s")
            return None
        except BaseException:
            self.held -= size
            raise

    def _bounded(self, send):
        timeout = self.settings.send_timeout

        async def bounded_send(message):
            async with asyncio.timeout(timeout):  # no task per message, unlike wait_for
                await send(message)
        return bounded_send

    @staticmethod
    async def _reply(send, status: int, text: str, extra: tuple = ()) -> None:
        start, body = _plain(status, text, extra)
        await send(start)
        await send(body)


def _run_wsgi(app, scope, body: bytes, arrived: float):
    """Run the WSGI app on a thread and return its whole answer (status, headers, body chunks), so the
    thread is free as soon as the answer is made: sending it, however slowly the client reads, happens
    on the event loop (a thread that sent it would be held by a client that never reads)."""
    from hypercorn.app_wrappers import InvalidPathError, _build_environ

    try:
        environ = _build_environ(scope, body)
    except InvalidPathError:
        return 404, [(b"content-type", b"text/plain; charset=utf-8")], [b"not found\n"]
    environ[ARRIVED] = arrived
    started: list = []

    def start_response(status, headers, exc_info=None):
        started[:] = [int(status.split(" ", 1)[0]),
                      [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]]

    result = app(environ, start_response)
    try:
        chunks = [chunk for chunk in result if chunk]
    finally:
        if hasattr(result, "close"):
            result.close()
    return started[0], started[1], chunks


class _RateLimitedLog:
    """A warning at most once a second, saying how many were left out (a flood is not a log line each)."""

    def __init__(self):
        self.last, self.skipped = -1e9, 0

    def warning(self, message: str, *args) -> None:
        now = time.monotonic()
        if now - self.last < 1.0:
            self.skipped += 1
            return
        skipped, self.last, self.skipped = self.skipped, now, 0
        log.warning(message + (f" (and {skipped} more in the last second)" if skipped else ""), *args)


def _raise_open_files_limit() -> None:
    """Idle connections cost a file descriptor each: take the hard limit, not the shell's soft one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))
        except (ValueError, OSError):
            pass


def hypercorn_config(settings: ServerSettings):
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"{settings.host}:{settings.port}"]
    config.keep_alive_timeout = settings.header_timeout
    config.h11_max_incomplete_size = settings.max_head
    config.h2_max_header_list_size = settings.max_head  # HTTP/2 (cleartext h2c) heads are bounded alike
    config.backlog = 1024
    config.accesslog = None
    config.errorlog = logging.getLogger("hypercorn.error")
    config.include_server_header = False
    return config


def serve(wsgi_app, settings: ServerSettings) -> None:
    """Serve until interrupted."""
    from hypercorn.asyncio import serve as hypercorn_serve

    from .fast import SparqlFastPath

    _raise_open_files_limit()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("hypercorn.error").setLevel(logging.ERROR)
    state = getattr(wsgi_app, "config", {}).get("EQGRAPH")
    if state is not None:
        _prepare(state, settings)

    async def main():
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=settings.threads, thread_name_prefix="eqgraph"))
        fast = SparqlFastPath(state) if state is not None and settings.fast_sparql else None
        await hypercorn_serve(RequestGuard(wsgi_app, settings, fast), hypercorn_config(settings), mode="asgi")

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        if state is not None:
            state.close()


def _prepare(state, settings: ServerSettings) -> None:
    """The address the site is served at, unless configured (EQGRAPH_PUBLIC_URL), and the query
    workers started before the first request rather than by it."""
    from dataclasses import replace

    from ..errors import StoreError

    if not state.web.public_url:
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        state.web = replace(state.web, public_url=f"http://{host}:{settings.port}")
    try:
        state.release
    except StoreError as exc:
        log.warning("%s", exc)
