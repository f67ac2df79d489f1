"""The SPARQL endpoint's fast path: protocol queries answered on the server's event loop.

A query through Flask crosses threads four times (Hypercorn's WSGI adapter) and pays the framework's
request machinery, which on a small machine costs more than the query. So the server hands
`GET /sparql?query=...` and `POST /sparql` straight to `SparqlFastPath`: it reads the request with the
same functions as the Flask view (`protocol`), runs the query in the same pool with the same bounds
(awaiting the worker's pipe on the event loop), and answers with the same headers (CORS, security,
ETag and gzip as `caching` makes them). Anything else (the editor page for a browser, OPTIONS, a request
the protocol refuses before a query runs) goes on to Flask, which answers it as before; tests run the
W3C protocol suite against both.
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header, parse_options_header

from ..errors import QueryFailed, StoreError
from . import caching
from .errors import SECURITY_HEADERS
from .protocol import CORS, answer_headers, choose, make_request, plain_error, read_operation, retry_after

PATHS = frozenset({"/sparql", "/sparql/"})
_FIXED = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in {**CORS, **SECURITY_HEADERS}.items()]


class SparqlFastPath:
    def __init__(self, state):
        self.state = state  # the app's AppState: settings, current release and its pools

    def wants(self, scope) -> bool:
        return scope["path"] in PATHS and scope["method"] in ("GET", "POST")

    async def __call__(self, scope, body: bytes, send, arrived: float) -> bool:
        """Answer the request and return True, or return False (having sent nothing) for Flask."""
        headers: dict[str, str] = {}
        for name, value in scope["headers"]:
            headers[name.decode("latin-1").lower()] = value.decode("latin-1")
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
            answer = await release.store.answer_async(job, client=client, arrived=arrived)
        except QueryFailed as error:
            content_type, text = plain_error(error.status, str(error), accept, results)
            extra = [(b"retry-after", retry_after(web).encode())] if error.status == 503 else []
            await _send(send, error.status, [(b"content-type", content_type.encode()),
                                             (b"vary", b"Accept, Accept-Encoding"), *extra], text)
            return True
        out = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer_headers(answer)]
        out = [h for h in out if h[0] != b"vary"]
        body = answer.body
        encoding = ""
        vary = b"Accept"
        if caching.compressible(answer.content_type):
            vary = b"Accept, Accept-Encoding"
            if parse_accept_header(headers.get("accept-encoding"), MIMEAccept)["gzip"] > 0:
                zipped = caching.gzipped(body)
                if zipped is not None:
                    body, encoding = zipped, headers.get("accept-encoding", "")
                    out.append((b"content-encoding", b"gzip"))
        out.append((b"vary", vary))
        if scope["method"] == "GET":
            full_path = scope["path"] + "?" + scope["query_string"].decode("latin-1")  # as Flask's full_path
            etag = '"' + caching.tag(release.path.name, full_path, accept or "", encoding) + '"'
            out.append((b"etag", etag.encode("ascii")))
            if etag in [t.strip() for t in headers.get("if-none-match", "").split(",")]:
                await _send(send, 304, [h for h in out if h[0] in (b"etag", b"vary")], b"")
                return True
        await _send(send, 200, out, body)
        return True


async def _send(send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [*headers, *_FIXED, (b"content-length", str(len(body)).encode("ascii"))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
