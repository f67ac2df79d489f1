"""The dataset's VoID and DCAT description: in its own named graph, valid against its shapes, its
counts those of the store (every graph but its own), its sources' terms read from the graph, its
addresses from the public-URL setting, and nothing in it from the clock."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from eqgraph.config import Settings
from eqgraph.errors import InputError
from eqgraph.links.targets import load_link_tables
from eqgraph.namespaces import EQG, VOID
from eqgraph.publish import DESCRIPTION, dataset_iri, describe, load_dataset_info
from eqgraph.store import ReleaseFiles, graph_iri
from eqgraph.validate import load_shapes, validate


@pytest.fixture(scope="module")
def description(store, built) -> Graph:
    """The description graph as the store holds it."""
    return Graph().parse(data=store.serialize("nt", graph=graph_iri(built[0].base, DESCRIPTION)), format="nt")


@pytest.fixture(scope="module")
def dataset(built) -> URIRef:
    return URIRef(dataset_iri(built[0].base))


def _int(graph: Graph, subject, predicate) -> int:
    (value,) = list(graph.objects(subject, predicate))
    assert value.datatype == XSD.integer
    return int(value)


def _others(built, quads: set) -> set:
    """The store's distinct triples outside the description graph."""
    name = URIRef(graph_iri(built[0].base, DESCRIPTION))
    return {(s, p, o) for s, p, o, g in quads if g != name}


def test_it_passes_its_shapes(description):
    report = validate(description, load_shapes("description"))
    assert report.violations == [] and report.warnings == []


def test_a_description_without_a_licence_or_with_a_bad_count_fails_its_shapes(description, dataset):
    broken = Graph()
    for triple in description:
        broken.add(triple)
    broken.remove((dataset, DCTERMS.license, None))
    broken.set((dataset, VOID.triples, Literal("many")))
    paths = {v.path for v in validate(broken, load_shapes("description")).violations}
    assert {"dcterms:license", "void:triples"} <= paths


def test_it_has_no_blank_nodes_and_every_node_is_under_the_dataset(description, built):
    nodes = set(description.subjects())
    assert all(isinstance(node, URIRef) for node in nodes)
    own = {n for n in nodes if str(n).startswith(dataset_iri(built[0].base))}
    others = nodes - own  # the sources it states the terms of, and the licence
    assert all(str(n).startswith((built[0].base + "document/", "https://creativecommons.org/")) for n in others)


def test_its_counts_are_the_stores(description, dataset, built, store_quads):
    triples = _others(built, store_quads)
    assert _int(description, dataset, VOID.triples) == len(triples)
    assert _int(description, dataset, VOID.distinctSubjects) == len({s for s, _, _ in triples})
    assert _int(description, dataset, VOID.distinctObjects) == len({o for _, _, o in triples})
    properties = {}
    for _, p, _ in triples:
        properties[p] = properties.get(p, 0) + 1
    classes = {}
    for s, p, o in triples:
        if p == RDF.type:
            classes.setdefault(o, set()).add(s)
    assert _int(description, dataset, VOID.properties) == len(properties)
    assert _int(description, dataset, VOID.classes) == len(classes)
    described_properties = {description.value(part, VOID.property): _int(description, part, VOID.triples)
                            for part in description.objects(dataset, VOID.propertyPartition)}
    assert described_properties == properties
    described_classes = {description.value(part, VOID["class"]): _int(description, part, VOID.entities)
                         for part in description.objects(dataset, VOID.classPartition)}
    assert described_classes == {c: len(members) for c, members in classes.items()}
    assert described_classes[EQG.Action] == 132


def test_one_linkset_per_target_counts_its_link_triples(description, dataset, built, store_quads):
    base = built[0].base
    links = URIRef(graph_iri(base, "links"))
    tables = load_link_tables()
    relations = {URIRef(r.iri) for r in tables.relations.values()}
    expected: dict[str, int] = {}
    for s, p, o, g in store_quads:
        if g == links and p in relations and str(s).startswith(base):
            target = tables.target_of(str(o))
            if target is not None:
                expected[target.name] = expected.get(target.name, 0) + 1
    found = {}
    for linkset in description.subjects(RDF.type, VOID.Linkset):
        assert description.value(linkset, VOID.subjectsTarget) == dataset
        target = description.value(linkset, VOID.objectsTarget)
        assert str(target).startswith(base + "dataset/")
        # The target dataset is the node the links graph describes (title, homepage, uriSpace).
        assert (target, RDF.type, VOID.Dataset, links) in store_quads
        assert set(description.objects(linkset, VOID.linkPredicate)) <= relations
        found[str(target).rsplit("/", 1)[-1]] = _int(description, linkset, VOID.triples)
    assert found == expected and set(found) == {"ons", "wikidata", "govuk", "opendatacommunities", "legislation"}
    assert (dataset, VOID.subset, URIRef(base + "dataset/linkset/wikidata")) in description


def test_it_names_its_licence_sources_and_their_terms(description, dataset, store_quads, built):
    info = load_dataset_info()
    assert description.value(dataset, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert description.value(dataset, DCTERMS.issued) == Literal(info.issued.isoformat(), datatype=XSD.date)
    sources = set(description.objects(dataset, DCTERMS.source))
    files = {s for s, p, o, g in store_quads if p == RDF.type and o == EQG.ReferenceFile}
    documents = {s for s, p, o, g in store_quads if p == RDF.type and o == EQG.SourceDocument}
    assert len(files) == 7 and len(documents) == 2 and sources == files | documents
    for document in documents:  # the council's documents state no licence, and the description says so
        assert "states no licence" in str(description.value(document, DCTERMS.rights))
        assert description.value(document, DCTERMS.publisher) == URIRef(built[0].base + "org/merton-council")
    attribution = str(description.value(dataset, EQG.attribution))
    for file in files:  # each reference file's attribution, as its own node gives it
        (own,) = [o for s, p, o, g in store_quads if s == file and p == EQG.attribution]
        assert str(own) in attribution


def test_its_addresses_come_from_the_public_url_setting(description, dataset, store, built):
    public = built[0].public_url
    assert description.value(dataset, VOID.sparqlEndpoint) == URIRef(public + "/sparql")
    dumps = sorted(str(u) for u in description.objects(dataset, VOID.dataDump))
    assert dumps == sorted(f"{public}/dumps/{d['file']}" for d in ReleaseFiles(built[1].release).dumps)
    for distribution in description.objects(dataset, DCAT.distribution):
        assert str(description.value(distribution, DCAT.downloadURL)) in dumps
    elsewhere = describe(store, dataclasses.replace(built[0], public_url="https://eqgraph.example.org"))
    assert {str(u) for u in elsewhere.objects(dataset, VOID.dataDump)} == \
        {u.replace(public, "https://eqgraph.example.org") for u in dumps}


def test_a_bad_dataset_file_is_a_clear_error(tmp_path):
    path = tmp_path / "dataset.yaml"
    path.write_text("title: x\nissued: soon\n", encoding="utf-8")
    with pytest.raises(InputError, match="issued"):
        load_dataset_info(path)
    path.write_text("[not, a, mapping]\n", encoding="utf-8")
    with pytest.raises(InputError, match="mapping"):
        load_dataset_info(path)
    assert isinstance(load_dataset_info().issued, datetime.date)


def test_the_public_url_setting_is_checked(monkeypatch):
    monkeypatch.setenv("EQGRAPH_PUBLIC_URL", "https://eqgraph.example.org/")
    assert Settings.from_env().public_url == "https://eqgraph.example.org"
    monkeypatch.setenv("EQGRAPH_PUBLIC_URL", "javascript:alert(1)")
    with pytest.raises(Exception, match="EQGRAPH_PUBLIC_URL"):
        Settings.from_env()
