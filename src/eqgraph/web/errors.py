"""Errors as helpful pages, never stack traces, negotiated like every answer (eqgraph.formats).

A browser gets the error page; a client that prefers JSON the envelope `{"ok": false, "error",
"status"}`; a client that prefers anything else this site writes (SPARQL results, RDF, CSV, text/plain,
graph view files) one line of `text/plain; charset=utf-8`: the reason. Where the Accept header states
no preference (missing, or only `*/*`), the format the route chose for the request decides (a `.csv`
download, `/sparql`: text; `.json`: the envelope), and otherwise the page.
"""

from __future__ import annotations

import logging

from flask import Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .. import formats
from ..errors import EqgraphError, StoreError, one_line

log = logging.getLogger("eqgraph.web")

SECURITY_HEADERS = {  # on every answer, pages and protocol alike
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
HINTS = {
    404: "That page does not exist. The questions, plans and graph views are linked from the home page.",
    400: "The request could not be understood.",
    405: "That method is not allowed here.",
    503: "The service could not answer in time.",
}


def error_kind(prefer: formats.Format | None = None) -> str:
    """'html', 'json' or 'text': how to answer this request's error."""
    first = prefer or g.get("eqgraph_format")
    if first is None:
        first = formats.JSON if request.args.get("format") == "json" else formats.HTML
    offered = (first, *(f for f in (formats.HTML, formats.JSON, *formats.FORMATS) if f is not first))
    found = formats.negotiate(request.headers.get("Accept"), offered, first)
    return "html" if found is formats.HTML else "json" if found is formats.JSON else "text"


def error_response(status: int, message: str, prefer: formats.Format | None = None) -> Response:
    kind = error_kind(prefer)
    if kind == "json":
        response = jsonify({"ok": False, "error": message, "status": status})
        response.status_code = status
    elif kind == "text":
        response = Response(one_line(message) + "\n", status=status, content_type="text/plain; charset=utf-8")
    else:
        response = Response(render_template("error.html", title=f"{status} error", status=status, message=message,
                                            hint=HINTS.get(status, "")), status=status, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response


def register(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_response(error.code or 500, error.description or error.name)

    @app.errorhandler(StoreError)
    def no_graph(error: StoreError):
        return error_response(503, str(error))

    @app.errorhandler(EqgraphError)
    def domain_error(error: EqgraphError):
        return error_response(getattr(error, "status", 400), str(error))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unexpected error")
        return error_response(500, "Something went wrong on our side; the error was logged.")

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        _relative_location(response)
        return response


def _relative_location(response) -> None:
    """A redirect to this site says where by path alone: the host in an absolute Location would be
    whatever the request's Host header claimed."""
    from urllib.parse import urlsplit

    from flask import request

    location = response.headers.get("Location")
    if location and location.startswith(request.host_url):
        parts = urlsplit(location)
        response.headers["Location"] = parts.path + (f"?{parts.query}" if parts.query else "")
