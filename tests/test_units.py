"""A plan's unit: made from its document alone, in the store's own form."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from eqgraph import resources
from eqgraph.build import load_ontology, load_vocabularies, plan_graph
from eqgraph.buildcache import BuildCache
from eqgraph.extract import Extractor
from eqgraph.ingest import Corrections, ingest_document
from eqgraph.namespaces import Iris
from eqgraph.units import UnitMaker, canonical_lines, unit_key
from eqgraph.validate import load_shapes

BASE = "https://w3id.org/eqgraph/id/"
NEXT = resources.root() / "tests" / "data" / "next-documents"


@pytest.fixture(scope="module")
def maker():
    vocab = load_vocabularies(BASE)
    return UnitMaker(vocab, load_ontology() + vocab, load_shapes("plan"), Iris(BASE),
                     Corrections.load(resources.corrections_file()))


def test_the_graph_checked_is_the_graph_the_store_keeps(maker):
    """Every literal's datatype of the plan graph survives the store (which keeps some derived types
    as their base type), so what the shapes checked is what is served and dumped."""
    path = resources.builtin_documents()[0]
    plan = ingest_document(path, maker.corrections)
    built = plan_graph(plan, maker.extractor.plan(plan), maker.iris)
    lines = canonical_lines(built)
    store = ox.Store()
    store.bulk_load(b"".join(line + b"\n" for line in lines), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.DefaultGraph())
    kept = sorted(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines())
    assert kept == lines
    def types(graph):  # an xsd:string is a plain literal in RDF 1.1
        return {(None if o.datatype == XSD.string else o.datatype, o.language)
                for o in graph.objects() if isinstance(o, Literal)}

    read_back = Graph().parse(data=b"\n".join(lines).decode("utf-8"), format="nt")
    assert types(built) == types(read_back)


def test_a_plan_reads_the_same_whatever_was_read_before(maker):
    """What a plan mints (its council, its units) is its own: reading another council's plan first
    changes nothing in it."""
    kingsmoor, northfield = NEXT / "kingsmoor-2017-18.txt", NEXT / "northfield-2019-20.txt"
    alone = maker.make(northfield, "k")
    maker.make(kingsmoor, "k")
    after = maker.make(northfield, "k")
    assert alone.lines == after.lines and alone.extraction.minted == after.extraction.minted
    assert alone.extraction.minted.units  # it does mint: its units are unknown to every vocabulary


def test_first_plan_gives_the_record_of_what_two_plans_mint(maker, tmp_path):
    kingsmoor = NEXT / "kingsmoor-2017-18.txt"
    other = tmp_path / "kingsmoor-2018-19.txt"
    other.write_text(kingsmoor.read_text(encoding="utf-8").replace("Culture and Libraries", "Culture and libraries"),
                     encoding="utf-8")
    first, second = maker.make(kingsmoor, "k"), maker.make(other, "k")
    _, units = Extractor.merge_minted([first.extraction, second.extraction])
    _, reversed_units = Extractor.merge_minted([second.extraction, first.extraction])
    labels = {str(u.iri): u.label for u in units}
    assert len(units) == len(labels)  # each minted thing once
    assert "Culture and Libraries" in labels.values() and "Culture and libraries" not in labels.values()
    assert "Culture and libraries" in {u.label for u in reversed_units}  # the first plan's record wins


def test_a_units_key_is_its_document_its_entry_and_the_code(tmp_path):
    cache = BuildCache(tmp_path, BASE)
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    data = resources.builtin_documents()[1].read_bytes()
    one.write_bytes(data)
    two.write_bytes(data)
    assert unit_key(cache, one) != unit_key(cache, two)  # another name: another document of the build
    assert unit_key(cache, one) == unit_key(BuildCache(tmp_path, BASE), one)
    one.write_bytes(data + b"\n")
    assert unit_key(cache, one) != unit_key(BuildCache(tmp_path, BASE), two)
