"""Entity pages: every node minted under the graph's base is dereferenceable here.

`/id/<path>` shows the node whose IRI is `<base><path>`: an HTML page for people (label, type,
properties grouped, inbound links; for actions the source lines, the evidence of each link and the
SHACL findings), and by content negotiation Turtle, JSON-LD, N-Triples or RDF/XML for machines
(`Accept`, or `?format=turtle|jsonld|nt|xml|json`).
"""

from __future__ import annotations

from collections import OrderedDict

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request

from ..catalogue import bind_values, internal_query
from ..namespaces import EQG
from .render import render, safe_href, state

bp = Blueprint("entities", __name__)

RDF_TYPES = OrderedDict([
    ("text/turtle", ("turtle", ox.RdfFormat.TURTLE)),
    ("application/ld+json", ("jsonld", ox.RdfFormat.JSON_LD)),
    ("application/n-triples", ("nt", ox.RdfFormat.N_TRIPLES)),
    ("application/rdf+xml", ("xml", ox.RdfFormat.RDF_XML)),
])
BY_NAME = {name: (media, fmt) for media, (name, fmt) in RDF_TYPES.items()}
HIDDEN = {str(EQG.hasEvidence)}
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _negotiate() -> str | None:
    """'html', 'json', or an RDF media type."""
    fmt = request.args.get("format")
    if fmt == "json":
        return "json"
    if fmt in BY_NAME:
        return BY_NAME[fmt][0]
    if fmt:
        abort(400, f"unknown format {fmt!r}; use html, json, turtle, jsonld, nt or xml")
    offered = ["text/html", "application/json", *RDF_TYPES]
    best = request.accept_mimetypes.best_match(offered, default="text/html")
    return {"text/html": "html", "application/json": "json"}.get(best, best)


@bp.route("/id/<path:rest>")
def entity(rest: str):
    release = state().release
    iri = state().settings.base + rest
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        abort(404, f"{rest!r} is not a valid identifier")
    store = release.store
    properties = list(store.query(bind_values(internal_query("entity-properties"), {"entity": node})))
    if not properties and rest.endswith(".json"):
        return _entity_json(rest[: -len(".json")])
    if not properties:
        abort(404, f"nothing in the graph is called {iri}")
    wanted = _negotiate()
    if wanted not in ("html", "json"):
        triples = store.query(bind_values(internal_query("entity-graph"), {"entity": node}))
        body = ox.serialize(triples, format=RDF_TYPES[wanted][1],
                            **({"prefixes": state().prefixes} if wanted in ("text/turtle", "application/rdf+xml") else {}))
        return Response(body, mimetype=wanted, headers={"Vary": "Accept", "Access-Control-Allow-Origin": "*"})
    data = describe(iri, properties)
    response = render("entity.html", data, "json" if wanted == "json" else None)
    if isinstance(response, tuple):
        body, status = response
        return Response(body, status=status, headers={"Vary": "Accept"})
    response.headers["Vary"] = "Accept"
    return response


def _entity_json(rest: str):
    iri = state().settings.base + rest
    properties = list(state().release.store.query(
        bind_values(internal_query("entity-properties"), {"entity": ox.NamedNode(iri)})))
    if not properties:
        abort(404, f"nothing in the graph is called {iri}")
    return render("entity.html", describe(iri, properties), "json")


def _value(term, label) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"iri": term.value, "href": safe_href(term.value),
                "text": label.value if label is not None else _short(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"text": "(details)"}
    return {"text": term.value, "lines": term.value.split("\n")}


def _short(iri: str) -> str:
    for prefix, namespace in state().prefixes.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def describe(iri: str, properties) -> dict:
    release = state().release
    node = ox.NamedNode(iri)
    groups: "OrderedDict[str, dict]" = OrderedDict()
    types, label = [], None
    for row in properties:
        prop = row["property"].value
        if prop == TYPE:
            types.append(_value(row["value"], row["valueLabel"]))
            continue
        if prop in HIDDEN:
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
            "inbound": inbound, "findings": release.report.get(iri, []), "evidence": [], "source": None,
            "formats": {name: f"?format={name}" for name in ("turtle", "jsonld", "nt", "xml", "json")}}
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
