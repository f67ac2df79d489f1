"""One view builds one data dict; HTML and JSON both render it (the Datasette convention)."""

from __future__ import annotations

from flask import Response, current_app, g, jsonify, render_template, request

from ..formats import HTML, JSON, Format, negotiate


def state():
    return current_app.config["EQGRAPH"]


def chosen(fmt: Format) -> Format:
    """Remember the format a route chose for this request (from `.ext`, `?format=` or Accept), so an
    error on the way answers in kind (eqgraph.web.errors)."""
    g.eqgraph_format = fmt
    return fmt


def wants_json(fmt: str | None = None) -> bool:
    """Whether a page answers with its JSON twin: `fmt` (a route's `.json` or `?format=`) says so, or
    the client's Accept prefers application/json to text/html (a tie, and `*/*`, is the page)."""
    if fmt in ("json", JSON) or request.args.get("format") == "json":
        return True
    if fmt in ("html", HTML):
        return False
    return negotiate(request.headers.get("Accept"), (HTML, JSON), HTML) is JSON


def render(template: str, data: dict, fmt: str | None = None, status: int = 200) -> Response:
    """The page, or its JSON twin `{"ok": true, ...data}`; `Vary: Accept` (a page negotiates)."""
    if wants_json(fmt):
        response = jsonify({"ok": True, **data})
    else:
        response = Response(render_template(template, **data), mimetype="text/html")
    response.status_code = status
    response.headers["Vary"] = "Accept"
    return response


def local_path(iri: str) -> str | None:
    """The path of this site that shows an IRI minted under the graph's base, or None."""
    base = state().settings.base
    if iri.startswith(base):
        return "/id/" + iri[len(base):]
    return None


SAFE_SCHEMES = ("http://", "https://")


def safe_href(iri: str) -> str | None:
    """Where a link to an IRI may point: this site's page for the graph's own IRIs, the IRI itself when
    it is http(s), and nowhere (None: shown as text) for any other scheme (javascript:, data:, file:)."""
    own = local_path(iri)
    if own:
        return own
    return iri if iri.lower().startswith(SAFE_SCHEMES) else None
