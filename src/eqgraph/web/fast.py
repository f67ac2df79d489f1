"""The SPARQL endpoint's fast path: protocol queries answered on the server's event loop.

A query through Flask pays the framework's request machinery and a thread, which on a small machine
cost more than the query. So the server hands `GET /sparql?query=...` and `POST /sparql` straight to
`SparqlFastPath`: it reads the request with the same functions as the Flask view (`protocol`), runs the
query in the same pool with the same bounds (awaiting the worker's pipe on the event loop, and stopping
the query if the client leaves), and answers with the same headers (CORS, security, ETag and gzip as
`caching` makes them) through the server's memory budget. Anything else (the editor page for a
browser, OPTIONS, a request the protocol refuses before a query runs) goes on to Flask, which answers it
as before; tests run the W3C protocol suite against both.
"""

from __future__ import annotations

import asyncio
import re

from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header, parse_etags, parse_options_header

from ..errors import QueryFailed, StoreError
from . import caching
from .errors import SECURITY_HEADERS
from .protocol import CORS, answer_headers, choose, make_request, plain_error, read_operation, retry_after

PATHS = frozenset({"/sparql", "/sparql/"})
_SLASHES = re.compile(r"/{2,}")
_FIXED = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in {**CORS, **SECURITY_HEADERS}.items()]
WATCH_AFTER = 0.05  # seconds a query runs before its client's disconnect is watched for
_GZIP_ON_LOOP = 64 << 10  # bytes: larger answers are compressed on a thread, not on the event loop


class SparqlFastPath:
    def __init__(self, state):
        self.state = state  # the app's AppState: settings, current release and its pools

    def wants(self, scope) -> bool:
        # Werkzeug's routing merges slashes (`//sparql` is the endpoint too): so does this.
        return _SLASHES.sub("/", scope["path"]) in PATHS and scope["method"] in ("GET", "POST")

    async def __call__(self, scope, body: bytes, send, arrived: float, receive, guard) -> bool:
        """Answer the request and return True, or return False (having sent nothing) for Flask."""
        headers: dict[str, str] = {}
        for name, value in scope["headers"]:  # repeated headers joined, as WSGI does
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[key] = f"{headers[key]},{text}" if key in headers else text
        accept = headers.get("accept")
        try:
            mimetype, options = parse_options_header(headers.get("content-type", ""))
            query, params = read_operation(scope["method"], scope["query_string"].decode("utf-8", "replace"),
                                           mimetype, options.get("charset"), body)
            results, graphs, html = choose(accept, params.get("format", [None])[0])
            if html or query is None:
                return False
            web = self.state.web
            job = make_request(query, params, results, graphs, False, web)
            release = self.state.release
        except (QueryFailed, StoreError):
            return False  # Flask reads it again and answers the refusal in kind
        client = (scope.get("client") or ("", 0))[0]
        try:
            answer = await _unless_client_leaves(release.store.answer_async(job, client=client, arrived=arrived),
                                                 receive)
        except QueryFailed as error:
            content_type, text = plain_error(error.status, str(error), accept, results)
            extra = [(b"retry-after", retry_after(web).encode())] if error.status == 503 else []
            await guard.send_answer(send, error.status, _with_fixed(
                [(b"content-type", content_type.encode()), (b"vary", b"Accept, Accept-Encoding"), *extra], text), [text])
            return True
        if answer is None:  # the client left: its query was stopped, nobody to answer
            return True
        out = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer_headers(answer) if k != "Vary"]
        body, vary = answer.body, b"Accept"
        if caching.compressible(answer.content_type):
            vary = b"Accept, Accept-Encoding"
            if parse_accept_header(headers.get("accept-encoding"), Accept)["gzip"] > 0:
                zipped = (caching.gzipped(body) if len(body) < _GZIP_ON_LOOP else
                          await asyncio.get_running_loop().run_in_executor(None, caching.gzipped, body))
                if zipped is not None:
                    body = zipped
                    out.append((b"content-encoding", b"gzip"))
        out.append((b"vary", vary))
        if scope["method"] == "GET":
            # An answer's tag is a digest of its bytes and release: a query whose answer changes from one
            # run to the next (RAND(), NOW()) never revalidates to a stale answer.
            etag = caching.answer_tag(release.path.name, body)
            out.append((b"etag", f'"{etag}"'.encode("ascii")))
            wanted = headers.get("if-none-match")
            if wanted and parse_etags(wanted).contains_weak(etag):
                await guard.send_answer(send, 304, [h for h in out if h[0] in (b"etag", b"vary")] + _FIXED, [])
                return True
        await guard.send_answer(send, 200, _with_fixed(out, body), [body])
        return True


async def _unless_client_leaves(work, receive):
    """The answer of `work`, or None (with `work` cancelled, so its worker is freed) if the client
    disconnects first. Most queries answer within milliseconds: the disconnect is watched for only
    once one has run for `WATCH_AFTER` seconds, so they pay nothing for it."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work)
    state = {"left": False, "watcher": None}

    async def watch():
        while True:
            message = await receive()
            if message.get("type") == "http.disconnect":
                state["left"] = True
                task.cancel()
                return

    def start_watching():
        if not task.done():
            state["watcher"] = asyncio.ensure_future(watch())

    timer = loop.call_later(WATCH_AFTER, start_watching)
    try:
        return await task
    except asyncio.CancelledError:
        if state["left"] and not asyncio.current_task().cancelling():
            return None
        raise
    finally:
        timer.cancel()
        if state["watcher"] is not None and not state["watcher"].done():
            state["watcher"].cancel()
        if not task.done():
            task.cancel()


def _with_fixed(headers: list, body: bytes) -> list:
    return [*headers, *_FIXED, (b"content-length", str(len(body)).encode("ascii"))]

