"""Errors as helpful pages (and the JSON envelope `ok: false, error, status`), never stack traces."""

from __future__ import annotations

import logging

from flask import jsonify, render_template
from werkzeug.exceptions import HTTPException

from ..errors import EqgraphError, StoreError
from .render import wants_json

log = logging.getLogger("eqgraph.web")

HINTS = {
    404: "That page does not exist. The saved queries, plans and graph views are linked from the home page.",
    400: "The request could not be understood.",
    405: "That method is not allowed here.",
    503: "The service could not answer in time.",
}


def error_response(status: int, message: str):
    if wants_json():
        response = jsonify({"ok": False, "error": message, "status": status})
        response.status_code = status
        return response
    return render_template("error.html", title=f"{status} error", status=status, message=message,
                           hint=HINTS.get(status, "")), status


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
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
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
