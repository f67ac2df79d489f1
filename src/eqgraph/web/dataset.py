"""The graph as a linked dataset: its description, its dumps and the page that shows both.

* `/about` (and `/about.json`): the dataset page — title, licence and attribution, sources with their
  own licences, "Download the whole graph" (each dump with its size), the SPARQL endpoint, the link
  sets with their counts, and the build summary.
* `/.well-known/void` (RFC 8615's well-known place for a VoID description): the `description` graph,
  with what it points to (the link targets, the sources' licences), in any RDF syntax of the formats
  table by Accept, `?format=` or a `.ext` twin, Turtle when the client states no preference; a browser
  (which prefers text/html) gets the dataset page.
* `/dumps/<file>`: a dump the build wrote, as a gzip file (`application/gzip`, so a download keeps its
  `.gz` name and decompresses to the RDF file; an RDF type with `Content-Encoding: gzip` would have
  browsers decompress it under a `.gz` name). With an ETag (its digest), ranges, and CORS for
  scripts on other sites. Any other name is a 404: the name must be one the build recorded.

Everything is read through the release (`ReleaseFiles` for the dumps, the pages pool for the graph), so
a store with no release directory can serve it too. The page's queries run once per release.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, send_file

from .. import formats
from ..formats import GZIP, ON_DATASET
from ..publish import DESCRIPTION, dataset_iri
from ..store import IRI, graph_iri
from .render import chosen, link, per_release, render, safe_href, state

bp = Blueprint("dataset", __name__)

PREFIXES = """PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX eqg: <https://w3id.org/eqgraph/ontology#>
"""
# Placeholders {D} (the description's graph) and {X} (the dataset) are filled with checked IRIs.
DATASET = PREFIXES + """SELECT ?p ?o ?label WHERE {
  GRAPH {D} { {X} ?p ?o FILTER (?p NOT IN (void:classPartition, void:propertyPartition)) }
  OPTIONAL { ?o rdfs:label|foaf:name|skos:prefLabel|dcterms:title ?label }
} ORDER BY ?p ?o ?label"""
LINKSETS = PREFIXES + """SELECT ?linkset ?target ?targetTitle ?homepage ?predicate ?triples WHERE {
  GRAPH {D} { ?linkset a void:Linkset ; void:objectsTarget ?target ; void:linkPredicate ?predicate ;
                       void:triples ?triples }
  OPTIONAL { ?target dcterms:title ?targetTitle } OPTIONAL { ?target foaf:homepage ?homepage }
} ORDER BY ?linkset ?predicate"""
DOCUMENTS = PREFIXES + """SELECT ?doc ?name ?planTitle ?rights ?publisher ?publisherName WHERE {
  GRAPH {D} { {X} dcterms:source ?doc . ?doc dcterms:rights ?rights OPTIONAL { ?doc dcterms:publisher ?publisher } }
  ?doc a eqg:SourceDocument .
  OPTIONAL { ?doc rdfs:label ?name }
  OPTIONAL { ?plan a eqg:ActionPlan ; prov:wasDerivedFrom ?doc ; dcterms:title ?planTitle }
  OPTIONAL { ?publisher skos:prefLabel|rdfs:label ?publisherName }
} ORDER BY ?doc ?planTitle"""
REFERENCES = PREFIXES + """SELECT ?file ?title ?licence ?licenceLabel ?rights ?attribution ?source WHERE {
  GRAPH {D} { {X} dcterms:source ?file }
  ?file a eqg:ReferenceFile .
  OPTIONAL { ?file dcterms:title ?title }
  OPTIONAL { ?file dcterms:license ?licence OPTIONAL { ?licence rdfs:label ?licenceLabel } }
  OPTIONAL { ?file dcterms:rights ?rights }
  OPTIONAL { ?file eqg:attribution ?attribution }
  OPTIONAL { ?file dcterms:source ?source }
} ORDER BY ?file"""
# The description and what it points to that a VoID reader wants in hand: the link targets' own
# descriptions and the sources' licences, rights and publishers (from the graphs that hold them).
VOID_GRAPH = PREFIXES + """CONSTRUCT { ?s ?p ?o } WHERE {
  { GRAPH {D} { ?s ?p ?o } }
  UNION { GRAPH {D} { ?linkset void:objectsTarget ?s } ?s ?p ?o }
  UNION { GRAPH {D} { {X} dcterms:source ?s } ?s ?p ?o
          FILTER (?p IN (rdfs:label, dcterms:title, dcterms:license, dcterms:rights, eqg:attribution, dcterms:source,
                         dcterms:identifier)) }
  UNION { GRAPH {D} { {X} dcterms:license ?s } ?s rdfs:label ?o BIND (rdfs:label AS ?p) }
}"""


def _fill(sparql: str, base: str) -> str:
    return sparql.replace("{D}", str(IRI(graph_iri(base, DESCRIPTION)))).replace("{X}", str(IRI(dataset_iri(base))))


def _size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _text(row, name: str) -> str | None:
    return row[name].value if row[name] is not None else None


def _describe(release) -> dict:
    """The page's data from the release's description graph and its dumps (once per release)."""
    base = state().settings.base
    query = release.store.query
    fields: dict[str, dict[str, str | None]] = {}  # property's local name -> value -> its label
    for row in query(_fill(DATASET, base)):
        values = fields.setdefault(row["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], {})
        if values.get(row["o"].value) is None:
            values[row["o"].value] = _text(row, "label")

    def one(name: str) -> str | None:
        return next(iter(fields[name])) if name in fields else None

    def number(name: str) -> int | None:
        return int(one(name)) if one(name) is not None else None

    licence = next(iter(fields.get("license", {None: None}).items()))
    dataset = {
        "iri": dataset_iri(base), "href": safe_href(dataset_iri(base)), "described": bool(fields),
        "title": one("title"), "description": one("description"), "issued": one("issued"),
        "publisher": fields["publisher"][one("publisher")] if "publisher" in fields else None,
        "licence": link(licence[0], licence[1]) if licence[0] else None,
        "rights": one("rights"), "attribution": one("attribution"), "uri_space": one("uriSpace"),
        "triples": number("triples"), "subjects": number("distinctSubjects"), "classes": number("classes"),
        "properties": number("properties"),
        "examples": [link(iri, label) for iri, label in fields.get("exampleResource", {}).items()],
        "vocabularies": [link(iri) for iri in fields.get("vocabulary", {})],
        "endpoint": one("sparqlEndpoint"),
    }
    described_urls = {url.rsplit("/", 1)[-1]: url for url in fields.get("dataDump", {})}
    dumps = []
    for entry in release.files.dumps:
        fmt = formats.BY_NAME.get(entry["format"])
        if fmt is None:
            continue
        dumps.append({"file": entry["file"], "format": fmt.name, "label": fmt.label, "media_type": fmt.media_type,
                      "bytes": entry["bytes"], "size": _size(entry["bytes"]), "sha256": entry["sha256"],
                      "href": f"/dumps/{entry['file']}", "url": described_urls.get(entry["file"]),
                      "graphs": fmt.writer in ("nq", "trig", "jsonld")})
    linksets: dict[str, dict] = {}
    for row in query(_fill(LINKSETS, base)):
        entry = linksets.setdefault(row["linkset"].value, {
            **link(row["linkset"].value, _text(row, "targetTitle")), "triples": int(row["triples"].value),
            "target": link(row["target"].value, _text(row, "targetTitle")),
            "homepage": link(row["homepage"].value) if row["homepage"] is not None else None, "predicates": []})
        predicate = link(row["predicate"].value)
        if predicate not in entry["predicates"]:
            entry["predicates"].append(predicate)
    documents: dict[str, dict] = {}
    for row in query(_fill(DOCUMENTS, base)):
        documents.setdefault(row["doc"].value, {
            **link(row["doc"].value, _text(row, "name")), "plan": _text(row, "planTitle"),
            "rights": row["rights"].value,
            "publisher": link(row["publisher"].value, _text(row, "publisherName")) if row["publisher"] else None})
    references: dict[str, dict] = {}
    for row in query(_fill(REFERENCES, base)):
        references.setdefault(row["file"].value, {
            **link(row["file"].value, _text(row, "title")),
            "licence": link(row["licence"].value, _text(row, "licenceLabel")) if row["licence"] else None,
            "rights": _text(row, "rights"), "attribution": _text(row, "attribution"),
            "source": link(row["source"].value) if row["source"] else None})
    return {"dataset": dataset, "dumps": dumps, "linksets": list(linksets.values()),
            "documents": list(documents.values()), "references": list(references.values())}


def _page(fmt: str | None = None):
    release = state().release
    data = per_release("dataset-page", _describe)
    title = data["dataset"]["title"] or "About this graph"
    return render("about.html", {"title": title, **data, "build": release.info, "base": state().settings.base,
                                 "endpoint": state().web.endpoint_url, "void": "/.well-known/void"}, fmt)


@bp.route("/about")
def about():
    """The dataset page (its JSON twin by Accept, or at /about.json)."""
    return _page()


@bp.route("/about.json")
def about_json():
    return _page("json")


@bp.route("/.well-known/void")
@bp.route("/.well-known/void.<ext>")
def void(ext: str | None = None):
    """The VoID description: RDF by default (Turtle first), the dataset page for a browser."""
    if ext is not None:
        fmt = formats.resolve(ext, ON_DATASET)
        if fmt is None:
            abort(404, f"no /.well-known/void.{ext[:20]}; try {formats.tokens(ON_DATASET)}")
    elif request.args.get("format"):
        fmt = formats.resolve(request.args["format"], ON_DATASET)
        if fmt is None:
            abort(400, f"unknown format {request.args['format'][:20]!r}; use {formats.tokens(ON_DATASET)}")
    else:
        fmt = formats.negotiate(request.headers.get("Accept"), ON_DATASET, ON_DATASET[0])
    chosen(fmt)
    if fmt.kind != "graph":
        return _page(fmt.name)
    store = state().release.store
    triples = store.query(_fill(VOID_GRAPH, state().settings.base))
    if not triples:
        abort(404, "this graph was built before it had a description: run `eqgraph build` again")
    unique = sorted(set(triples), key=str)  # each once (a source's label is reached two ways), in a fixed order
    body = store.serialize_triples(unique, fmt.writer, state().prefixes)
    return Response(body, content_type=fmt.content_type,
                    headers={"Vary": "Accept", "Access-Control-Allow-Origin": "*"})


@bp.route("/dumps/<name>")
def dump(name: str):
    """A whole-graph dump, as the gzip file the build wrote."""
    files = state().release.files
    path = files.dump_file(name)
    if path is None:
        known = ", ".join(entry["file"] for entry in files.dumps) or "none: run `eqgraph build` again"
        abort(404, f"no dump called {name[:80]!r}; the dumps are {known}")
    entry = next(e for e in files.dumps if e["file"] == name)
    response = send_file(path, mimetype=GZIP, as_attachment=True, download_name=name, etag=entry["sha256"][:32],
                         conditional=True, max_age=0)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
