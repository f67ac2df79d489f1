"""HTTP caching and compression for every response, in one place.

* **ETag per release**: a GET answer depends only on the request (path, query string, the negotiated
  headers) and the release it was read from, so its tag is a digest of those; a client revalidating
  with `If-None-Match` gets 304 without the body, and any new build changes every tag.
* **Compression**: text answers over 1 KB are gzipped when the client accepts it (`Vary:
  Accept-Encoding`); SPARQL results and RDF compress 5-10x.

Static files keep Flask's own ETags; error answers, POSTs and streamed bodies are left alone.
"""

from __future__ import annotations

import gzip
import hashlib

from flask import g, request

from .. import formats

_TABLE_TYPES = frozenset(m for f in formats.FORMATS for m in f.media_types)
COMPRESS_AT = 1024  # bytes: below this gzip costs more than it saves


def register(app) -> None:
    app.after_request(_etag)
    app.after_request(_compress)  # runs first: Flask calls after_request functions in reverse order


def answer_tag(release: str, body: bytes) -> str:
    """The ETag of a SPARQL answer: a digest of its bytes (and release), since the same query can
    answer differently from one run to the next (RAND(), NOW(), STRUUID())."""
    return hashlib.sha256(release.encode("utf-8") + b"\n" + body).hexdigest()[:32]


def tag(release: str, full_path: str, accept: str, encoding: str) -> str:
    """The ETag of a GET answer: a digest of what it was read from and how it was asked for."""
    key = "\n".join((release, full_path, accept, encoding))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def compressible(mimetype: str) -> bool:
    """Text is worth compressing: every text/* type, and every format of the table (all are text)."""
    media = (mimetype or "").split(";", 1)[0].strip().lower()
    return media.startswith("text/") or media in _TABLE_TYPES


def gzipped(body: bytes) -> bytes | None:
    """The body gzipped, or None when it is too small to be worth it."""
    return gzip.compress(body, compresslevel=5, mtime=0) if len(body) >= COMPRESS_AT else None


def _etag(response):
    release = g.get("eqgraph_release")
    if (request.method not in ("GET", "HEAD") or response.status_code != 200 or release is None
            or response.direct_passthrough or "ETag" in response.headers):
        return response
    if request.path.rstrip("/").endswith("/sparql"):
        response.set_etag(answer_tag(release.path.name, response.get_data()))
    else:
        encoding = request.headers.get("Accept-Encoding", "") if response.headers.get("Content-Encoding") else ""
        response.set_etag(tag(release.path.name, request.full_path, request.headers.get("Accept", ""), encoding))
    return response.make_conditional(request)


def _compress(response):
    if (response.direct_passthrough or response.status_code < 200 or response.status_code in (204, 304)
            or "Content-Encoding" in response.headers or not compressible(response.mimetype)):
        return response
    response.vary.add("Accept-Encoding")  # what a cache keys on, whether or not this client takes gzip
    if request.accept_encodings["gzip"] <= 0:
        return response
    body = gzipped(response.get_data())
    if body is not None:
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
    return response
