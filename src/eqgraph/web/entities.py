"""Entity pages: every node minted under the graph's base is dereferenceable here.

`/id/<path>` shows the node whose IRI is `<base><path>`: an HTML page for people (label, type,
properties grouped, its identifiers in other datasets ("Elsewhere", each link with its method and
source), inbound links; for actions the source lines, the evidence of each link and the
SHACL findings), its JSON twin, and for machines every RDF syntax of the formats table (Turtle,
N-Triples, JSON-LD, RDF/XML, N-Quads, TriG): by `Accept`, by `?format=` (`turtle`, `ttl`, `xml`, ...),
or as a twin with the format's extension (`/id/partner/network-rail.ttl`, `.json`, `.rdf`). A path
that names a node itself is that node, so an identifier with a dot in it (`action/2.6`) stays whole.
"""

from __future__ import annotations

from collections import OrderedDict

from flask import Blueprint, Response, abort, request, url_for

from ..catalogue import bind_values, internal_query
from ..namespaces import EQG
from ..store import IRI, BlankNode
from .. import formats
from ..formats import HTML, ON_ENTITY, Format
from .render import chosen, render, safe_href, state

bp = Blueprint("entities", __name__)

HIDDEN = {str(EQG.hasEvidence)}
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _wanted(twin: Format | None) -> Format:
    """The format asked for: the `.ext` twin, else `?format=`, else Accept (the page by default)."""
    if twin is not None:
        return chosen(twin)
    token = request.args.get("format")
    if token:
        found = formats.resolve(token, ON_ENTITY)
        if found is None:
            abort(400, f"unknown format {token!r}; use {formats.tokens(ON_ENTITY)}")
        return chosen(found)
    return chosen(formats.negotiate(request.headers.get("Accept"), ON_ENTITY, HTML))


def _properties(rest: str):
    """(IRI, node, its property rows), or None when nothing in the graph has that name."""
    try:
        node = IRI(state().settings.base + rest)
    except ValueError:
        return None
    rows = list(state().release.store.query(bind_values(internal_query("entity-properties"), {"entity": node})))
    return (node.value, node, rows) if rows else None


@bp.route("/id/<path:rest>")
def entity(rest: str):
    found, twin = _properties(rest), None
    stem, dot, extension = rest.rpartition(".")
    if found is None and dot and "/" not in extension:
        twin = formats.resolve(extension, ON_ENTITY)
        found = _properties(stem) if twin is not None else None
    if found is None:
        abort(404, f"nothing in the graph is called {state().settings.base + rest}")
    iri, node, properties = found
    wanted = _wanted(twin)
    headers = {"Vary": "Accept"}
    if wanted.kind == "graph":
        store = state().release.store
        triples = store.query(bind_values(internal_query("entity-graph"), {"entity": node}))
        body = store.serialize_triples(triples, wanted.writer, state().prefixes)
        return Response(body, content_type=wanted.content_type, headers={**headers, "Access-Control-Allow-Origin": "*"})
    data = describe(iri, properties)
    return render("entity.html", data, wanted.name)


def _value(term, label) -> dict:
    if isinstance(term, IRI):
        return {"iri": term.value, "href": safe_href(term.value),
                "text": label.value if label is not None else _short(term.value)}
    if isinstance(term, BlankNode):
        return {"text": "(details)"}
    return {"text": term.value, "lines": term.value.split("\n")}


def _short(iri: str) -> str:
    for prefix, namespace in state().prefixes.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _elsewhere(node: IRI) -> list[dict]:
    """The node's links to other datasets, each an outbound link with how it was made."""
    found = []
    for row in state().release.store.query(bind_values(internal_query("entity-elsewhere"), {"entity": node})):
        target = row["target"].value
        found.append({
            "relation": row["relation"].value, "target": target, "href": safe_href(target),
            "text": row["targetLabel"].value if row["targetLabel"] else target,
            "scheme": row["scheme"].value,
            "how": row["relationLabel"].value if row["relationLabel"] else _short(row["relation"].value),
            "method": row["method"].value, "source": row["source"].value,
            "note": row["note"].value if row["note"] else "",
        })
    return found


def describe(iri: str, properties) -> dict:
    release = state().release
    node = IRI(iri)
    groups: "OrderedDict[str, dict]" = OrderedDict()
    types, label = [], None
    elsewhere = _elsewhere(node)
    shown_elsewhere = {(link["relation"], link["target"]) for link in elsewhere}
    for row in properties:
        prop = row["property"].value
        if prop == TYPE:
            types.append(_value(row["value"], row["valueLabel"]))
            continue
        if prop in HIDDEN or (prop, row["value"].value) in shown_elsewhere:
            continue
        if prop in ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"):
            label = label or row["value"].value
        group = groups.setdefault(prop, {"property": prop, "label": (row["propertyLabel"].value
                                                                      if row["propertyLabel"] else _short(prop)),
                                         "values": []})
        value = _value(row["value"], row["valueLabel"])
        if value not in group["values"]:
            group["values"].append(value)
    inbound = [{"subject": _value(r["subject"], r["subjectLabel"]),
                "property": r["propertyLabel"].value if r["propertyLabel"] else _short(r["property"].value)}
               for r in release.store.query(bind_values(internal_query("entity-inbound"), {"entity": node}))]
    data = {"title": label or _short(iri), "iri": iri, "types": types, "properties": list(groups.values()),
            "inbound": inbound, "elsewhere": elsewhere, "findings": release.report.get(iri, []), "evidence": [],
            "source": None,
            "formats": _twins(iri)}
    is_action = any(t.get("iri") == str(EQG.Action) for t in types)
    if is_action or any(t.get("iri") in (str(EQG.EqualityObjective), str(EQG.PriorityArea)) for t in types):
        for row in release.store.query(bind_values(internal_query("action-source"), {"entity": node})):
            first, last = int(row["first"].value), int(row["last"].value)
            data["source"] = {"document": row["document"].value, "first": first, "last": last,
                              "lines": [{"number": n, "cells": text.split("\t")}
                                        for n, text in release.document_lines(row["document"].value, first, last)]}
    if is_action:
        data["evidence"] = [
            {"property": r["propertyLabel"].value if r["propertyLabel"] else _short(r["property"].value),
             "target": _value(r["target"], r["targetLabel"]), "field": r["field"].value, "words": r["words"].value}
            for r in release.store.query(bind_values(internal_query("action-evidence"), {"entity": node}))]
    return data


def _twins(iri: str) -> dict[str, str]:
    """Links to the node in every other format: its `.ext` twins (label -> path)."""
    path = url_for("entities.entity", rest=iri[len(state().settings.base):])
    return {f.label: f"{path}.{f.extension}" for f in ON_ENTITY if f is not HTML}
