"""The screen before pySHACL (eqgraph.screening) never misses a node: with it, a report is pySHACL's
whole report, on every plan the tests have, on plans damaged on purpose, and on small graphs that
exercise each constraint it reads, passing and failing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF, XSD

from eqgraph import resources
from eqgraph.build import load_ontology, load_vocabularies, new_concepts_graph, new_units_graph, plan_graph
from eqgraph.config import Settings
from eqgraph.ingest import Corrections, ingest_document
from eqgraph.links.reference import reference_graphs
from eqgraph.namespaces import EQG, Iris
from eqgraph.screening import Screen
from eqgraph.units import UnitMaker
from eqgraph.validate import load_shapes, validate

NEXT = resources.root() / "tests" / "data" / "next-documents"
DOCUMENTS = [*resources.builtin_documents(), *sorted(NEXT.glob("*.txt"))]


@pytest.fixture(scope="module")
def maker() -> UnitMaker:
    base = Settings.from_env(home=Path("/nonexistent")).base
    vocab = load_vocabularies(base)
    context = load_ontology() + vocab
    for part in reference_graphs(base).values():
        context += part
    return UnitMaker(vocab, context, load_shapes("plan"), Iris(base), Corrections.load(resources.corrections_file()))


def _plan_data(maker: UnitMaker, path: Path) -> tuple[Graph, Graph]:
    """A plan's graph and what it is checked with (the context and what it minted), as a unit has them."""
    plan = ingest_document(path, maker.corrections, [])
    extraction = maker.extractor.plan(plan)
    minted = new_concepts_graph(extraction.minted.concepts)
    minted += new_units_graph([*extraction.minted.councils, *extraction.minted.units])
    return plan_graph(plan, extraction, maker.iris), maker.context + minted


def _agrees(data: Graph, shapes: Graph) -> list:
    whole = validate(data, shapes, screen=False)
    assert validate(data, shapes) == whole
    return whole.results


def test_the_plan_shapes_can_be_screened():
    assert Screen.of(load_shapes("plan")) is not None


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_plan_gets_pyshacls_whole_report(maker, document):
    graph, context = _plan_data(maker, document)
    assert _agrees(ReadOnlyGraphAggregate([graph, context]), maker.shapes)  # each has findings


def test_a_plans_findings_are_stated_by_the_screen_and_pyshacl_gets_its_plan_node_alone(maker):
    """A built-in plan's findings (no measurable target, no measure, no update) are counts and
    sh:hasValue with the shape's message: the screen states them, and pySHACL is left the one node
    whose SPARQL constraint only it runs (the plan)."""
    from eqgraph.validate import _screen

    graph, context = _plan_data(maker, resources.builtin_documents()[1])
    data = ReadOnlyGraphAggregate([graph, context])
    certain, sent = _screen(maker.shapes).screen(data)
    assert certain and len(certain) == len(validate(data, maker.shapes, screen=False).results)
    assert sent == sorted(graph.subjects(RDF.type, EQG.ActionPlan), key=str) and len(sent) == 1


def _damaged(graph: Graph, rng: random.Random) -> tuple[str, Graph]:
    """The graph with one thing wrong, of the kinds a bug in the build would make."""
    broken = Graph()
    broken += graph
    triples = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    s, p, o = rng.choice(triples)
    kind = rng.choice(["drop", "ill-typed", "wrong type", "second value", "retyped", "literal for IRI",
                       "negative", "html", "empty"])
    if kind == "drop":
        broken.remove((s, p, o))
    elif kind == "ill-typed":
        broken.remove((s, p, o))
        broken.add((s, p, Literal("not a number", datatype=XSD.integer)))
    elif kind == "wrong type":
        broken.remove((s, p, o))
        broken.add((s, p, Literal(3.5)))
    elif kind == "second value":
        broken.add((s, p, Literal("another") if isinstance(o, Literal) else URIRef(str(o) + "-other")))
    elif kind == "retyped":
        node = rng.choice(sorted(set(graph.subjects(RDF.type, None)), key=str))
        for cls in list(broken.objects(node, RDF.type)):
            broken.remove((node, RDF.type, cls))
        broken.add((node, RDF.type, EQG.Theme))
    elif kind == "literal for IRI":
        broken.remove((s, p, o))
        broken.add((s, p, Literal(str(o))))
    elif kind == "negative":
        broken.remove((s, p, o))
        broken.add((s, p, Literal(-1)))
    elif kind == "html":
        broken.remove((s, p, o))
        broken.add((s, p, Literal("<b>bold</b> &amp; more")))
    else:
        broken.remove((s, p, o))
        broken.add((s, p, Literal("")))
    return f"{kind} at {s} {p}", broken


def test_plans_damaged_on_purpose_get_pyshacls_whole_report(maker):
    graph, context = _plan_data(maker, resources.builtin_documents()[0])
    rng = random.Random(17)
    found = 0
    for _ in range(24):
        what, broken = _damaged(graph, rng)
        whole = validate(ReadOnlyGraphAggregate([broken, context]), maker.shapes, screen=False)
        screened = validate(ReadOnlyGraphAggregate([broken, context]), maker.shapes)
        assert screened == whole, what
        found += len(whole.violations)
    assert found  # the damage was seen


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix ex: <urn:ex:> .
ex:Thing a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:title ; sh:datatype rdf:langString ; sh:message "A title in a language." ] ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ;
                  sh:minLength 2 ; sh:maxLength 10 ; sh:pattern "^a" ; sh:flags "i" ; sh:message "One name." ] ;
    sh:property [ sh:path ex:size ; sh:datatype xsd:integer ; sh:minExclusive 0 ; sh:maxInclusive 9 ;
                  sh:lessThan ex:limit ] ;
    sh:property [ sh:path ex:share ; sh:minInclusive 0.5 ; sh:maxExclusive 1 ; sh:lessThanOrEquals ex:limit ] ;
    sh:property [ sh:path ex:kind ; sh:in ( ex:big ex:small ) ; sh:nodeKind sh:IRI ; sh:maxCount 1 ] ;
    sh:property [ sh:path ex:part ; sh:class ex:Part ; sh:node ex:PartShape ] ;
    sh:property [ sh:path [ sh:inversePath ex:holds ] ; sh:maxCount 1 ; sh:hasValue ex:box ;
                  sh:severity sh:Info ; sh:message "In the box alone."@en ] .
ex:PartShape a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "A named part." ] .
ex:Labelled a sh:NodeShape ; sh:targetClass ex:Part ; sh:property [ sh:path ex:label ; sh:uniqueLang true ] ;
    sh:property [ sh:path ex:label ; sh:minCount 1 ; sh:message "A label."@en, "Ein Etikett."@de ] .
ex:Fixed a sh:NodeShape ; sh:targetNode ex:root ; sh:hasValue ex:root ; sh:nodeKind sh:IRI ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "Name the root." ] .
ex:Objects a sh:NodeShape ; sh:targetObjectsOf ex:part ; sh:nodeKind sh:BlankNodeOrIRI .
ex:Subjects a sh:NodeShape ; sh:targetSubjectsOf ex:size ; sh:class ex:Thing .
ex:Sub rdfs:subClassOf ex:Part .
"""

GOOD = """
@prefix ex: <urn:ex:> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:SubPart rdfs:subClassOf ex:Part .
ex:root ex:name "root" .
ex:box ex:holds ex:t1 .
ex:t1 a ex:Thing ; ex:title "Apple"@en ; ex:name "Apple" ; ex:size 3 ; ex:limit 5 ; ex:share 0.75 ; ex:kind ex:big ; ex:part ex:p1 .
ex:p1 a ex:SubPart ; ex:name "part" ; ex:label "part"@en, "Teil"@de, "part" .
"""

# Each breaks the good graph in one way (or in none: the last two conform too).
CHANGES = [
    ('ex:name "Apple"', 'ex:name "Pear"'), ('ex:name "Apple"', 'ex:name "A"'),
    ('ex:name "Apple"', 'ex:name "Apple", "apricot"'), ('ex:name "Apple"', 'ex:name "apple and more"'),
    ("ex:size 3", "ex:size 0"), ("ex:size 3", "ex:size 10"), ("ex:size 3", "ex:size 7 ; ex:limit 6"),
    ("ex:size 3", 'ex:size "3"'), ("ex:share 0.75", "ex:share 1.0"), ("ex:share 0.75", "ex:share 6"),
    ("ex:share 0.75", 'ex:share "high"'), ("ex:kind ex:big", "ex:kind ex:huge"), ("ex:kind ex:big", 'ex:kind "big"'),
    ("ex:p1 a ex:SubPart", "ex:p1 a ex:Other"), ('ex:p1 a ex:SubPart ; ex:name "part"', "ex:p1 a ex:SubPart"),
    ("ex:box ex:holds ex:t1", "ex:crate ex:holds ex:t1"), ("ex:box ex:holds ex:t1", "ex:box ex:holds ex:t1 . ex:bin ex:holds ex:t1"),
    ('ex:root ex:name "root" .', ""), ("ex:t1 a ex:Thing", "ex:t1 a ex:Widget"),
    ("ex:part ex:p1", "ex:part ex:p1, _:b1"), ('"Teil"@de', '"piece"@EN'),
    # a count with the shape's message beside a failure only pySHACL states, on one node
    ('ex:name "Apple" ; ex:size 3', 'ex:name "Apple", "apricot" ; ex:size 0'),
    # a node whose certain finding pySHACL states too, since another node's sh:node shape reaches it
    ('ex:label "part"@en, "Teil"@de, "part" .', 'ex:label "part"@en, "Teil"@de, "part" . ex:t1 ex:part ex:p2 . ex:p2 a ex:Part .'),
    ('ex:label "part"@en, "Teil"@de, "part"', 'ex:note "no label"'),  # a count with two messages
    ("ex:kind ex:big", "ex:kind ex:big, ex:small"),  # a count in pySHACL's words (no message)
    ('ex:title "Apple"@en', 'ex:title "Apple"'), ('ex:title "Apple"@en', 'ex:title "Apple"^^<http://www.w3.org/2001/XMLSchema#string>'),
    ('ex:title "Apple"@en', "ex:title ex:apple"),
    ("ex:size 3", "ex:size 3"), ("ex:share 0.75", "ex:share 0.5"),
]


def test_each_constraint_it_reads_agrees_with_pyshacl_passing_and_failing():
    shapes = Graph().parse(data=SHAPES, format="turtle")
    assert Screen.of(shapes) is not None
    failing = 0
    for old, new in CHANGES:
        assert old in GOOD
        data = Graph().parse(data=GOOD.replace(old, new, 1), format="turtle")
        failing += bool(_agrees(data, shapes))
    assert failing == len(CHANGES) - 2


@pytest.mark.parametrize("construct", [
    "sh:or ( [ sh:datatype xsd:string ] [ sh:datatype xsd:integer ] )",
    "sh:path ( ex:a ex:b )",
    "sh:equals ex:other",
    "sh:qualifiedValueShape [ sh:class ex:Part ] ; sh:qualifiedMinCount 1",
])
def test_shapes_it_cannot_read_are_run_whole(construct):
    text = SHAPES.replace("ex:PartShape a sh:NodeShape ;", f"ex:PartShape a sh:NodeShape ; sh:property [ sh:path ex:name ; {construct} ] ;")
    if construct.startswith("sh:path"):
        text = text.replace("sh:property [ sh:path ex:name ; sh:path", "sh:property [ sh:path")
    shapes = Graph().parse(data=text, format="turtle")
    assert Screen.of(shapes) is None
    data = Graph().parse(data=GOOD.replace('ex:name "Apple"', 'ex:name "Pear"'), format="turtle")
    assert _agrees(data, shapes)


@pytest.mark.parametrize("extra", [
    # focus nodes from elsewhere than the four target predicates
    'ex:Shaped a rdfs:Class, sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "Named." ] .',
    'ex:Advanced a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this ?p ?o }" ] ; '
    'sh:property [ sh:path ex:gone ; sh:minCount 1 ] .',
    # counts pySHACL refuses to load, and a severity it picks at random
    'ex:Counted a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:name ; sh:minCount "1"^^xsd:int ; sh:message "Named." ] .',
    "ex:Counted a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:name ; sh:minCount 1, 2 ] .",
    'ex:Severe a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:gone ; sh:minCount 1 ; '
    'sh:severity sh:Warning, sh:Info ; sh:message "Gone." ] .',
])
def test_targets_counts_and_severities_it_cannot_read_are_not_screened(extra):
    shapes = Graph().parse(data=SHAPES + extra, format="turtle")
    assert Screen.of(shapes) is None
    if extra.startswith("ex:Shaped"):  # its instances are its targets: pySHACL finds the one unnamed
        data = Graph().parse(data=GOOD + "ex:s1 a ex:Shaped .", format="turtle")
        assert [r.focus for r in _agrees(data, shapes)] == ["urn:ex:s1"]


def test_the_description_and_its_damage_get_pyshacls_whole_report(built):
    """The dataset's VoID/DCAT description is checked screened too: as it is built, and damaged."""
    from eqgraph.publish import DESCRIPTION
    from eqgraph.store import graph_iri, open_current

    settings, _ = built
    lines = open_current(settings.home).graph_lines(graph_iri(settings.base, DESCRIPTION))
    description = Graph().parse(data=b"\n".join(lines).decode("utf-8"), format="nt")
    shapes = load_shapes("description")
    assert Screen.of(shapes) is not None
    _agrees(description, shapes)
    rng = random.Random(5)
    for _ in range(12):
        what, broken = _damaged(description, rng)
        assert validate(broken, shapes) == validate(broken, shapes, screen=False), what


def test_the_vocabularies_and_what_spans_plans_get_pyshacls_whole_report(built):
    """The vocabulary shapes (run on the vocabularies, the links and the continuity part) screened:
    on the built-in release's parts, and on the continuity part damaged."""
    from eqgraph.store import graph_iri, open_current

    settings, _ = built
    store = open_current(settings.home)
    shapes = load_shapes("vocabulary")
    assert Screen.of(shapes) is not None
    parts = {name: Graph().parse(data=b"\n".join(store.graph_lines(graph_iri(settings.base, name))).decode("utf-8"),
                                 format="nt") for name in ("ontology", "vocabularies", "links", "continuity")}
    _agrees(ReadOnlyGraphAggregate(list(parts.values())), shapes)
    rng = random.Random(9)
    for _ in range(12):
        what, broken = _damaged(parts["continuity"], rng)
        data = ReadOnlyGraphAggregate([parts["ontology"], parts["vocabularies"], broken])
        assert validate(data, shapes) == validate(data, shapes, screen=False), what
