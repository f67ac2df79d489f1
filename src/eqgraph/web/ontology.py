"""The ontology, documented where its terms point: `/ontology`, one entry per term (`/ontology#OnTrack`).

The terms' IRIs (`https://w3id.org/eqgraph/ontology#OnTrack`) name them but lead nowhere off this site,
so every page links them here instead (`render.safe_href`). The page lists each class, property and
value (named individual, such as a progress status) the ontology describes, with its label, comment,
domain and range, what it specialises, and what the graph holds of it: a class's instances (how many,
and the first few, linked), a property's triples, a value's uses. Terms the graph uses in the
ontology's namespace that the ontology does not describe are listed too, so no link from a page
misses its anchor. Counts come from the dataset's description (its class and property partitions),
computed at build time.

RDF clients get the ontology graph itself in any RDF syntax of the formats table, by Accept,
`?format=` or a `.ext` twin (`/ontology.ttl`), like every other page.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, request

from .. import formats
from ..formats import HTML, ON_ONTOLOGY
from ..publish import DESCRIPTION
from ..store import IRI, graph_iri
from .render import chosen, link, per_release, render, state

bp = Blueprint("ontology", __name__)

NS = "https://w3id.org/eqgraph/ontology#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
CLASS_TYPES = {OWL + "Class": "class", RDFS + "Class": "class"}
PROPERTY_TYPES = {OWL + "ObjectProperty": "object property", OWL + "DatatypeProperty": "datatype property",
                  OWL + "AnnotationProperty": "annotation property", RDF + "Property": "property",
                  OWL + "FunctionalProperty": "functional", OWL + "TransitiveProperty": "transitive",
                  OWL + "SymmetricProperty": "symmetric"}
EXAMPLES = 3  # instances linked per class

TERMS = """SELECT ?s ?p ?o WHERE { GRAPH {O} { ?s ?p ?o } FILTER (STRSTARTS(STR(?s), "{NS}") || ?s = {ONTOLOGY}) }
ORDER BY ?s ?p ?o"""
LABELS = """SELECT ?s ?label WHERE { GRAPH {O} { ?s <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?label } }
ORDER BY ?s ?label"""
PARTITIONS = """SELECT ?term ?n ?kind WHERE { GRAPH {D} {
  { ?part <http://rdfs.org/ns/void#class> ?term ; <http://rdfs.org/ns/void#entities> ?n BIND ("class" AS ?kind) }
  UNION { ?part <http://rdfs.org/ns/void#property> ?term ; <http://rdfs.org/ns/void#triples> ?n BIND ("property" AS ?kind) }
} FILTER (STRSTARTS(STR(?term), "{NS}")) } ORDER BY ?term"""
LABEL = ("OPTIONAL { ?x <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>"
         "|<http://purl.org/dc/terms/title> ?label }")


def anchor(iri: str) -> str:
    """The id of a term's entry: what `render.ontology_path` puts after `#`."""
    return quote(iri[len(NS):], safe="-._~")


def _fill(sparql: str, base: str) -> str:
    return (sparql.replace("{O}", str(IRI(graph_iri(base, "ontology"))))
            .replace("{D}", str(IRI(graph_iri(base, DESCRIPTION)))).replace("{NS}", NS)
            .replace("{ONTOLOGY}", str(IRI(NS.rstrip("#")))))


def _examples(store, classes: list[str]) -> dict[str, list[dict]]:
    """The first few instances of each class (by IRI), with a label where they have one: one query."""
    if not classes:
        return {}
    branches = " UNION ".join(
        f"{{ {{ SELECT ?x WHERE {{ ?x a {IRI(c)} FILTER (isIRI(?x)) }} ORDER BY ?x LIMIT {EXAMPLES} }} "
        f"BIND ({IRI(c)} AS ?class) }}" for c in classes)
    found: dict[str, dict[str, str | None]] = {}
    for row in store.query(f"SELECT ?class ?x ?label WHERE {{ {branches} {LABEL} }} ORDER BY ?class ?x ?label"):
        per = found.setdefault(row["class"].value, {})
        if per.get(row["x"].value) is None:
            per[row["x"].value] = row["label"].value if row["label"] is not None else None
    return {c: [link(iri, label) for iri, label in per.items()] for c, per in found.items()}


def _uses(store, values: list[str]) -> dict[str, int]:
    """How many triples name each value (a named individual) as their object."""
    if not values:
        return {}
    listed = " ".join(str(IRI(v)) for v in values)
    return {row["o"].value: int(row["n"].value) for row in store.query(
        f"SELECT ?o (COUNT(*) AS ?n) WHERE {{ VALUES ?o {{ {listed} }} ?s ?p ?o }} GROUP BY ?o")}


def _describe(release) -> dict:
    """The page's data from the release's ontology graph and description (once per release)."""
    base = state().settings.base
    store = release.store
    labels: dict[str, str] = {}
    for row in store.query(_fill(LABELS, base)):
        labels.setdefault(row["s"].value, row["label"].value)
    about: dict[str, dict[str, list[str]]] = {}
    for row in store.query(_fill(TERMS, base)):
        about.setdefault(row["s"].value, {}).setdefault(row["p"].value, []).append(row["o"].value)
    counts: dict[str, tuple[str, int]] = {row["term"].value: (row["kind"].value, int(row["n"].value))
                                          for row in store.query(_fill(PARTITIONS, base))}

    def links(values: list[str]) -> list[dict]:
        return [link(v, labels.get(v)) for v in values]

    ontology = about.pop(NS.rstrip("#"), {})
    sections: dict[str, list[dict]] = {"class": [], "property": [], "value": []}
    for iri, props in about.items():
        types = props.get(RDF + "type", [])
        kinds = [CLASS_TYPES.get(t) or PROPERTY_TYPES.get(t) for t in types if t in CLASS_TYPES or t in PROPERTY_TYPES]
        section = "class" if any(t in CLASS_TYPES for t in types) else \
            "property" if any(t in PROPERTY_TYPES for t in types) else "value"
        term = {
            "iri": iri, "name": iri[len(NS):], "anchor": anchor(iri), "kinds": kinds,
            "label": (props.get(RDFS + "label") or props.get(SKOS + "prefLabel") or [None])[0],
            "comment": (props.get(RDFS + "comment") or props.get(SKOS + "definition") or [None])[0],
            "types": links([t for t in types if t not in CLASS_TYPES and t not in PROPERTY_TYPES]),
            "parents": links(props.get(RDFS + "subClassOf", []) + props.get(RDFS + "subPropertyOf", [])),
            "domain": links(props.get(RDFS + "domain", [])), "range": links(props.get(RDFS + "range", [])),
            "see_also": links(props.get(RDFS + "seeAlso", [])),
            "count": counts.get(iri, (None, 0))[1], "examples": [],
        }
        sections[section].append(term)
    examples = _examples(store, [t["iri"] for t in sections["class"] if t["count"]])
    for term in sections["class"]:
        term["examples"] = examples.get(term["iri"], [])
    uses = _uses(store, [t["iri"] for t in sections["value"]])
    for term in sections["value"]:
        term["count"] = uses.get(term["iri"], 0)
    undescribed = [{"iri": iri, "name": iri[len(NS):], "anchor": anchor(iri), "kind": kind, "count": n}
                   for iri, (kind, n) in counts.items() if iri not in about]
    first = lambda key: (ontology.get(key) or [None])[0]  # noqa: E731
    return {"ontology": {"iri": NS.rstrip("#"), "namespace": NS, "title": first(DCTERMS + "title"),
                         "description": first(DCTERMS + "description"), "version": first(OWL + "versionInfo")},
            "classes": sections["class"], "properties": sections["property"], "values": sections["value"],
            "undescribed": undescribed}


@bp.route("/ontology")
@bp.route("/ontology.<ext>")
def ontology(ext: str | None = None):
    if ext is not None:
        fmt = formats.resolve(ext, ON_ONTOLOGY)
        if fmt is None:
            abort(404, f"no /ontology.{ext[:20]}; try {formats.tokens(ON_ONTOLOGY)}")
    elif request.args.get("format"):
        fmt = formats.resolve(request.args["format"], ON_ONTOLOGY)
        if fmt is None:
            abort(400, f"unknown format {request.args['format'][:20]!r}; use {formats.tokens(ON_ONTOLOGY)}")
    else:
        fmt = formats.negotiate(request.headers.get("Accept"), ON_ONTOLOGY, HTML)
    chosen(fmt)
    if fmt.kind == "graph":
        store = state().release.store
        name = str(IRI(graph_iri(state().settings.base, "ontology")))
        triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}")
        body = store.serialize_triples(triples, fmt.writer, state().prefixes)
        return Response(body, content_type=fmt.content_type,
                        headers={"Vary": "Accept", "Access-Control-Allow-Origin": "*"})
    data = per_release("ontology-page", _describe)
    title = data["ontology"]["title"] or "Ontology"
    twins = {f.label: f"/ontology.{f.extension}" for f in ON_ONTOLOGY if f is not HTML}
    return render("ontology.html", {"title": title, **data, "formats": twins}, fmt.name)
