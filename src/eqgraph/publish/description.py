"""The dataset's description in VoID and DCAT, computed at build time from the graph and data/dataset.yaml.

It lives in its own named graph, `<base>graph/description`, and says what a crawler, a data catalogue
or a person needs to find, reuse and cite the graph:

* `<base>dataset`, a void:Dataset and dcat:Dataset: title, description, publisher, issued (a date kept
  in data/dataset.yaml: never the clock, so builds stay reproducible), eqgraph's licence and
  attribution, and its sources (`dcterms:source`): the plans' documents, each with what its publisher
  states about reuse (data/dataset.yaml, by checksum: the Merton documents state no licence, and the
  description says so), and the reference files, whose licence, rights and attribution are those
  their own nodes carry in the `reference/<council>` graphs (read from the graph, never restated);
* where to get it: void:sparqlEndpoint, and per dump a void:dataDump and a dcat:Distribution
  (downloadURL, mediaType, compressFormat), all under the public address (EQGRAPH_PUBLIC_URL, never
  a request's Host);
* what it holds, counted over every graph but the description's own: void:triples,
  void:distinctSubjects, void:distinctObjects, void:properties, void:classes, a void:classPartition
  per class (void:entities) and a void:propertyPartition per property (void:triples); void:uriSpace,
  void:vocabulary and a few void:exampleResource;
* one void:Linkset per external target the `links` graph reaches (data/links/targets.yaml), its
  void:triples the link triples of that graph whose object is in the target's namespace.

Every node has an IRI under `<base>dataset` (the build refuses blank nodes), the same in every build.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD

from .. import resources
from ..errors import InputError
from ..formats import GZIP, ON_DUMPS
from ..links.linkset import target_dataset
from ..links.targets import load_link_tables
from ..namespaces import EQG, PREFIXES, VOID
from ..build import new_graph
from ..store import IRI, graph_iri
from ..store import Literal as StoreLiteral
from .dumps import dump_name
from .statistics import Statistics

DESCRIPTION = "description"  # the part's name: its graph is graph_iri(base, DESCRIPTION)
IANA = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
EXAMPLE_CLASSES = (EQG.Action, EQG.Partner, EQG.Community)  # void:exampleResource: one of each
RESERVED = {"class", "property", "dump", "linkset", "sparql", "publisher"}  # paths under <base>dataset/ used here


# --- data/dataset.yaml ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DatasetInfo:
    """What eqgraph says about its dataset (data/dataset.yaml)."""

    title: str
    description: str
    publisher: str
    issued: datetime.date
    licence_title: str
    licence_url: str
    rights: str
    attribution: str
    documents: dict[str, str]  # sha256 -> what the publisher states about reuse
    unlisted_document: str


def dataset_file() -> Path:
    return resources.data_dir() / "dataset.yaml"


def load_dataset_info(path: Path | None = None) -> DatasetInfo:
    """data/dataset.yaml, checked: a missing field or a bad date names the file and the field."""
    path = path or dataset_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read it: {exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise InputError(path, "not a YAML mapping")

    def text(*keys: str) -> str:
        value = data
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise InputError(path, f"`{'.'.join(keys)}` must be a text")
        return " ".join(value.split())

    issued = data.get("issued")
    if isinstance(issued, str):
        try:
            issued = datetime.date.fromisoformat(issued)
        except ValueError:
            issued = None
    if not isinstance(issued, datetime.date) or isinstance(issued, datetime.datetime):
        raise InputError(path, "`issued` must be a date, e.g. 2026-12-07")
    licence_url = text("licence", "url")
    try:
        IRI(licence_url)
    except ValueError:
        licence_url = ""
    if not licence_url.startswith(("https://", "http://")):
        raise InputError(path, "`licence.url` must be an http(s) address")
    documents = data.get("documents") or {}
    if not isinstance(documents, dict):
        raise InputError(path, "`documents` must map a document's sha256 to what its publisher states")
    rights = {}
    for sha256, entry in documents.items():
        statement = entry.get("rights") if isinstance(entry, dict) else None
        if not isinstance(statement, str) or not statement.strip():
            raise InputError(path, f"`documents.{sha256}.rights` must be a text")
        rights[str(sha256)] = " ".join(statement.split())
    return DatasetInfo(text("title"), text("description"), text("publisher"), issued, text("licence", "title"),
                       licence_url, text("rights"), text("attribution"), rights, text("unlisted_document"))


# --- IRIs -------------------------------------------------------------------------------------------------

def dataset_iri(base: str) -> str:
    return base + "dataset"


def _partition(base: str, kind: str, iri: str) -> URIRef:
    """`<base>dataset/class/eqg/Action`, `<base>dataset/property/dcterms/title`; an IRI in no known
    namespace by a digest of it (stable, and never two IRIs for one)."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        rest = iri[len(namespace):]
        if iri.startswith(namespace) and rest:
            return URIRef(f"{base}dataset/{kind}/{prefix}/{quote(rest, safe='-._~')}")
    return URIRef(f"{base}dataset/{kind}/iri/{hashlib.sha256(iri.encode('utf-8')).hexdigest()[:16]}")


def _namespace(iri: str) -> str:
    """The vocabulary an IRI belongs to: up to its last `#`, else its last `/`."""
    cut = iri.rfind("#")
    return iri[:cut + 1] if cut >= 0 else iri[:iri.rfind("/") + 1]


# --- what the graph holds ----------------------------------------------------------------------------------

def _examples(store) -> list[str]:
    """The first (by IRI) action, partner and community: resources worth looking at first."""
    values = " ".join(str(IRI(str(c))) for c in EXAMPLE_CLASSES)
    found = {row["class"].value: row["first"].value for row in store.query(f"""
        SELECT ?class (MIN(STR(?x)) AS ?first)
        WHERE {{ VALUES ?class {{ {values} }} ?x a ?class FILTER (isIRI(?x)) }} GROUP BY ?class""")}
    return [found[str(c)] for c in EXAMPLE_CLASSES if str(c) in found]


def _documents(store) -> list[dict]:
    """The source documents of the plans: their checksum and their plan's publisher."""
    documents: dict[str, dict] = {}
    for row in store.query(f"""
            SELECT ?doc ?sha ?publisher WHERE {{
              ?doc a {IRI(str(EQG.SourceDocument))} .
              OPTIONAL {{ ?doc {IRI(str(EQG.sha256))} ?sha }}
              OPTIONAL {{ ?plan <http://www.w3.org/ns/prov#wasDerivedFrom> ?doc ; a {IRI(str(EQG.ActionPlan))} ;
                                 <http://purl.org/dc/terms/publisher> ?publisher . FILTER (isIRI(?publisher)) }}
            }} ORDER BY ?doc ?sha ?publisher"""):
        entry = documents.setdefault(row["doc"].value, {"sha256": None, "publisher": None})
        entry["sha256"] = entry["sha256"] or (row["sha"].value if row["sha"] else None)
        entry["publisher"] = entry["publisher"] or (row["publisher"].value if row["publisher"] else None)
    return [{"iri": iri, **entry} for iri, entry in documents.items()]


def _reference_files(store, base: str) -> list[tuple[str, str | None]]:
    """(node, attribution) of every eqg:ReferenceFile of the `reference/<council>` graphs."""
    prefix = graph_iri(base, "reference/")
    found: dict[str, str | None] = {}
    for row in store.query(f"""
            SELECT ?file ?attribution WHERE {{
              GRAPH ?g {{ ?file a {IRI(str(EQG.ReferenceFile))} }}
              FILTER (STRSTARTS(STR(?g), {StoreLiteral(prefix)}))
              OPTIONAL {{ ?file {IRI(str(EQG.attribution))} ?attribution }}
            }} ORDER BY ?file ?attribution"""):
        found.setdefault(row["file"].value, row["attribution"].value if row["attribution"] else None)
    return sorted(found.items())


def _link_counts(store, base: str, tables) -> dict[str, dict[str, int]]:
    """target name -> link predicate -> triples of the `links` graph from this dataset's things to
    that target's namespace with that predicate (the rdf:Statement describing each link is no link)."""
    relations = " ".join(str(IRI(r.iri)) for r in tables.relations.values())
    counts: dict[str, dict[str, int]] = {}
    for row in store.query(f"""
            SELECT ?p ?o WHERE {{ VALUES ?p {{ {relations} }} GRAPH {IRI(graph_iri(base, "links"))} {{ ?s ?p ?o }}
                                  FILTER (isIRI(?o) && STRSTARTS(STR(?s), {StoreLiteral(base)})) }}"""):
        target = tables.target_of(row["o"].value)
        if target is not None:
            per = counts.setdefault(target.name, {})
            per[row["p"].value] = per.get(row["p"].value, 0) + 1
    return counts


def _has_label(store, iri: str) -> bool:
    return bool(store.query(f"ASK {{ {IRI(iri)} <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"))


# --- the description ----------------------------------------------------------------------------------

def describe(store, settings, info: DatasetInfo | None = None, tables=None,
             statistics: Statistics | None = None) -> Graph:
    """The description of what `store` holds (every graph but the description's own), as an rdflib
    graph to validate (shapes/description-shapes.ttl) and then load with `add_description`. Its
    figures are `statistics` when the caller has them (a build counts them from its lines), else the
    store's own count."""
    info = info or load_dataset_info()
    tables = tables or load_link_tables()
    base, public = settings.base, settings.public_url
    without = str(IRI(graph_iri(base, DESCRIPTION)))
    graph = new_graph()
    graph.bind("foaf", FOAF)
    dataset = URIRef(dataset_iri(base))
    add = graph.add

    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal(info.title, lang="en")))
    add((dataset, DCTERMS.description, Literal(info.description, lang="en")))
    add((dataset, DCTERMS.issued, Literal(info.issued.isoformat(), datatype=XSD.date)))
    publisher = URIRef(f"{base}dataset/publisher")
    add((dataset, DCTERMS.publisher, publisher))
    add((publisher, RDF.type, FOAF.Agent))
    add((publisher, FOAF.name, Literal(info.publisher, lang="en")))
    licence = URIRef(info.licence_url)
    add((dataset, DCTERMS.license, licence))
    if not _has_label(store, info.licence_url):
        add((licence, RDFS.label, Literal(info.licence_title, lang="en")))
    add((dataset, DCTERMS.rights, Literal(info.rights, lang="en")))
    add((dataset, DCAT.landingPage, URIRef(f"{public}/about")))

    # Sources: the documents (what their publisher states), the reference files (their own terms).
    for document in _documents(store):
        node = URIRef(document["iri"])
        add((dataset, DCTERMS.source, node))
        add((node, DCTERMS.rights, Literal(info.documents.get(document["sha256"] or "", info.unlisted_document),
                                           lang="en")))
        if document["publisher"]:
            add((node, DCTERMS.publisher, URIRef(document["publisher"])))
    attributions = [info.attribution]
    for node, attribution in _reference_files(store, base):
        add((dataset, DCTERMS.source, URIRef(node)))
        if attribution and attribution not in attributions:
            attributions.append(attribution)
    add((dataset, EQG.attribution, Literal(" ".join(attributions), lang="en")))

    # Access: the endpoint and the dumps.
    endpoint = URIRef(f"{public}/sparql")
    add((dataset, VOID.sparqlEndpoint, endpoint))
    service = URIRef(f"{base}dataset/sparql")
    add((service, RDF.type, DCAT.DataService))
    add((service, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    add((service, DCAT.endpointURL, endpoint))
    add((service, DCAT.servesDataset, dataset))
    add((service, DCTERMS.conformsTo, URIRef(SPARQL_PROTOCOL)))
    for fmt in ON_DUMPS:
        url = URIRef(f"{public}/dumps/{dump_name(fmt)}")
        distribution = URIRef(f"{base}dataset/dump/{fmt.name}")
        add((dataset, VOID.dataDump, url))
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCTERMS.title, Literal(f"The whole graph in {fmt.label}, gzip-compressed", lang="en")))
        add((distribution, DCAT.downloadURL, url))
        add((distribution, DCAT.accessURL, url))
        add((distribution, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
        add((distribution, DCAT.compressFormat, URIRef(IANA + GZIP)))
        add((distribution, DCTERMS.license, licence))

    # What it holds.
    add((dataset, VOID.uriSpace, Literal(base)))
    figures = statistics or Statistics.of_store(store, without)
    classes, properties = list(figures.classes), list(figures.properties)
    for number, predicate in ((figures.triples, VOID.triples), (figures.subjects, VOID.distinctSubjects),
                              (figures.objects, VOID.distinctObjects), (len(properties), VOID.properties)):
        add((dataset, predicate, Literal(number, datatype=XSD.integer)))
    add((dataset, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    for iri, entities in classes:
        part = _partition(base, "class", iri)
        add((dataset, VOID.classPartition, part))
        add((part, VOID["class"], URIRef(iri)))
        add((part, VOID.entities, Literal(entities, datatype=XSD.integer)))
    for iri, triples in properties:
        part = _partition(base, "property", iri)
        add((dataset, VOID.propertyPartition, part))
        add((part, VOID.property, URIRef(iri)))
        add((part, VOID.triples, Literal(triples, datatype=XSD.integer)))
    for namespace in sorted({_namespace(iri) for iri, _ in classes + properties}):
        add((dataset, VOID.vocabulary, URIRef(namespace)))
    for example in _examples(store):
        add((dataset, VOID.exampleResource, URIRef(example)))

    # Links to other datasets.
    links = _link_counts(store, base, tables)
    for target in tables.targets:
        if target.name in RESERVED:
            raise InputError(dataset_file(), f"a link target may not be named {target.name!r}: "
                             f"<base>dataset/{target.name} is a node of the dataset's description")
        per_predicate = links.get(target.name)
        if not per_predicate:
            continue
        linkset = URIRef(f"{base}dataset/linkset/{target.name}")
        add((dataset, VOID.subset, linkset))
        add((linkset, RDF.type, VOID.Linkset))
        add((linkset, DCTERMS.title, Literal(f"Links to {target.label}", lang="en")))
        add((linkset, VOID.subjectsTarget, dataset))
        add((linkset, VOID.objectsTarget, target_dataset(base, target)))
        for predicate in sorted(per_predicate):
            add((linkset, VOID.linkPredicate, URIRef(predicate)))
        add((linkset, VOID.triples, Literal(sum(per_predicate.values()), datatype=XSD.integer)))
    return graph


def add_description(store, description: Graph, base: str) -> int:
    """Load the description into its named graph, leaving out any triple another graph already holds
    (each triple is stored once: the union default graph would count it twice). Returns how many
    triples it added."""
    subjects = sorted({str(s) for s in description.subjects()})
    values = " ".join(str(IRI(s)) for s in subjects)
    held = {(row["s"].value, row["p"].value, str(row["o"])) for row in store.query(
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")} if subjects else set()
    kept = new_graph()
    for s, p, o in description:
        if (str(s), str(p), _shown(o)) not in held:
            kept.add((s, p, o))
    store.load(kept.serialize(format="nt", encoding="utf-8"), "nt", graph_iri(base, DESCRIPTION))
    return len(kept)


def _shown(term) -> str:
    """An rdflib term as `store.terms` prints it (`<iri>`, `"text"@en`, `"1"^^<...#integer>`)."""
    if isinstance(term, Literal):
        return str(StoreLiteral(str(term), datatype=str(term.datatype) if term.datatype else None,
                                language=term.language))
    return str(IRI(str(term)))
