"""One view builds one data dict; HTML and JSON both render it (the Datasette convention)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, current_app, g, jsonify, render_template, request

from ..formats import HTML, JSON, Format, negotiate
from ..namespaces import EQG


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
ONTOLOGY_NS = str(EQG)  # https://w3id.org/eqgraph/ontology#
ONTOLOGY_IRI = ONTOLOGY_NS.rstrip("#")  # the owl:Ontology itself


def ontology_path(iri: str) -> str | None:
    """This site's /ontology anchor for a term of eqgraph's ontology (`eqg:OnTrack` -> `/ontology#OnTrack`),
    the page itself for the ontology and its namespace, or None. The w3id.org addresses name the terms
    but lead nowhere yet; every term has its entry on /ontology (eqgraph.web.ontology)."""
    if iri.startswith(ONTOLOGY_NS):
        term = iri[len(ONTOLOGY_NS):]
        return f"/ontology#{quote(term, safe='-._~')}" if term else "/ontology"
    return "/ontology" if iri == ONTOLOGY_IRI else None


def safe_href(iri: str) -> str | None:
    """Where a link to an IRI may point: this site's page for the graph's own IRIs and for the
    ontology's terms, the IRI itself when it is http(s), and nowhere (None: shown as text) for any other
    scheme (javascript:, data:, file:)."""
    own = ontology_path(iri) or local_path(iri)
    if own:
        return own
    return iri if iri.lower().startswith(SAFE_SCHEMES) else None


_PER_RELEASE: dict[tuple, object] = {}
PER_RELEASE_KEPT = 16  # entries: a few pages for the current release and the one before it


def per_release(name: str, compute):
    """`compute(release)`, worked out once per release and process: for pages that depend on nothing
    but the release (its description, its ontology), so their few queries run once, not per request.
    A new release is a new key; the table is emptied when it fills, so it stays small."""
    release = state().release
    key = (str(release.path), state().settings.base, name)
    found = _PER_RELEASE.get(key)
    if found is None:
        found = compute(release)
        if len(_PER_RELEASE) >= PER_RELEASE_KEPT:
            _PER_RELEASE.clear()
        _PER_RELEASE[key] = found
    return found


def link(iri: str, text: str | None = None) -> dict:
    """An IRI as a page shows it: its text (a label, else a prefixed name) and where it may link."""
    return {"iri": iri, "text": text or short(iri), "href": safe_href(iri)}


def short(iri: str) -> str:
    """`eqg:OnTrack` for an IRI in a namespace this site knows, else the IRI."""
    for prefix, namespace in state().prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
