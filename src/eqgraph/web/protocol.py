"""The SPARQL 1.1 Protocol, read and answered as plain functions of the request's parts.

No web framework here: the Flask view (`endpoint`) and the server's fast path (`fast`) both call these,
so the endpoint reads a request and shapes an answer one way whichever of them serves it.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from .. import formats
from ..errors import one_line
from ..formats import GRAPHS, HTML, JSON, ON_SPARQL, ON_SPARQL_GRAPHS, ON_SPARQL_RESULTS, RESULTS, Format
from ..sparql import Answer, EndpointError, Request, UpdateRefused

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": "X-Eqgraph-Truncated",
    "Access-Control-Max-Age": "86400",
}


class BadRequest(EndpointError):
    status = 400


class QueryTooLarge(EndpointError):
    status = 413


def choose(accept: str | None, override: str | None) -> tuple[Format, Format, bool]:
    """(results format, graph format, editor page wanted), from `format=` or else Accept."""
    if override:
        results, graphs = formats.resolve(override, ON_SPARQL_RESULTS), formats.resolve(override, ON_SPARQL_GRAPHS)
        if results is None and graphs is None:
            raise BadRequest(f"unknown format {override!r}; use one of {formats.tokens(ON_SPARQL_RESULTS)}, "
                             f"{formats.tokens(GRAPHS)}")
        if HTML in (results, graphs):
            return RESULTS[0], GRAPHS[0], True
        return results or RESULTS[0], graphs or GRAPHS[0], False
    # The editor page only for a client that prefers text/html to every format it names: `Accept: */*`
    # (curl, python-requests) gets SPARQL results, not the page.
    html = formats.negotiate(accept, ON_SPARQL) is HTML
    return formats.negotiate(accept, RESULTS, RESULTS[0]), formats.negotiate(accept, GRAPHS, GRAPHS[0]), html


def read_operation(method: str, query_string: str, mimetype: str, charset: str | None,
                   body: bytes) -> tuple[str | None, dict[str, list[str]]]:
    """The query text and the protocol parameters, read as the SPARQL 1.1 Protocol says."""
    params = parse_qs(query_string, keep_blank_values=True)
    if method in ("GET", "HEAD"):
        if "update" in params:
            raise EndpointError("updates are not accepted by GET, and this endpoint is read-only")
        queries = params.get("query", [])
    else:
        content_type = (mimetype or "").lower()
        charset = (charset or "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise BadRequest(f"request bodies must be UTF-8, not {charset}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("request body is not valid UTF-8") from None
        if content_type == "application/x-www-form-urlencoded":
            form = parse_qs(text, keep_blank_values=True)
            if "update" in form:
                raise refused()
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
            queries = params.get("query", [])
        elif content_type == "application/sparql-query":
            queries = params.get("query", []) + [text]
        elif content_type == "application/sparql-update":
            raise refused()
        else:
            raise BadRequest("POST a query as application/x-www-form-urlencoded (query=...) or as "
                             f"application/sparql-query, not {content_type or 'a body without a media type'}")
    if "update" in params:
        raise refused()
    if len(queries) > 1:
        raise BadRequest("exactly one query per request, please")
    return (queries[0] if queries else None), params


def refused() -> UpdateRefused:
    return UpdateRefused("this endpoint is read-only: SPARQL updates are refused")


def make_request(query: str, params: dict[str, list[str]], results: Format, graphs: Format, html: bool,
                 web) -> Request:
    """The job for a query worker, with this site's bounds; a query text over the limit is a 413."""
    if len(query) > web.max_query:
        raise QueryTooLarge(f"the query is {len(query):,} characters long; this endpoint accepts at most "
                            f"{web.max_query:,}")
    return Request(query, RESULTS[0].media_type if html else results.media_type, graphs.media_type,
                   tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", [])),
                   web.max_rows, web.endpoint_url, web.max_bytes, web.service_allowlist)


def content_type(media: str) -> str:
    """The Content-Type of an answer in a format of the table (charset named for text formats)."""
    fmt = formats.resolve(media, RESULTS) or formats.resolve(media, GRAPHS)
    return fmt.content_type if fmt is not None else media


def answer_headers(answer: Answer) -> list[tuple[str, str]]:
    headers = [("Content-Type", content_type(answer.content_type)), ("Vary", "Accept")]
    if answer.truncated:
        headers.append(("X-Eqgraph-Truncated", "true"))
    return headers


def retry_after(web) -> str:
    return str(max(1, round(web.query_timeout)))


def plain_error(status: int, message: str, accept: str | None, first: Format) -> tuple[str, bytes]:
    """(Content-Type, body) of an error for a protocol client: the JSON envelope if it prefers JSON,
    else one line of text (the editor page's users never reach here: they get the page)."""
    offered = (first, *(f for f in (JSON, *formats.FORMATS) if f is not first and f is not HTML))
    if formats.negotiate(accept, offered, first) is JSON:
        envelope = {"ok": False, "error": message, "status": status}  # as Flask's jsonify writes it
        return "application/json", (json.dumps(envelope, separators=(",", ":"), sort_keys=True) + "\n").encode()
    return "text/plain; charset=utf-8", (one_line(message) + "\n").encode("utf-8")
