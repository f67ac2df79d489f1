"""One view builds one data dict; HTML and JSON both render it (the Datasette convention)."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request


def state():
    return current_app.config["EQGRAPH"]


def wants_json(fmt: str | None = None) -> bool:
    if fmt == "json" or request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes["application/json"] > \
        request.accept_mimetypes["text/html"]


def render(template: str, data: dict, fmt: str | None = None, status: int = 200):
    if wants_json(fmt):
        response = jsonify({"ok": True, **data})
        response.status_code = status
        return response
    return render_template(template, **data), status


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
