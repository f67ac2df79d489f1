"""The embedded store: named graphs, each triple once, the union by default, datasets chosen by FROM."""

from __future__ import annotations

import pytest

from eqgraph.catalogue import Catalogue, load_catalogue
from eqgraph.store import IRI, Literal, Solutions, Triple, Triples, graph_iri, open_current
from eqgraph.store.oxigraph import OxigraphStore

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store(built):
    return open_current(built[0].home)


def count(store, sparql) -> int:
    (row,) = store.query(sparql)
    return int(row["n"].value)


def test_every_part_has_its_named_graph(store, built):
    settings, result = built
    graphs = dict(store.graphs())
    expected = {graph_iri(settings.base, part) for part in
                ("ontology", "vocabularies", "continuity", "catalogue", "plan/merton-2013-14", "plan/merton-2017-18",
                 "reference/merton", "reference/shared", "links", "description")}
    assert set(graphs) == expected
    assert all(n > 0 for n in graphs.values())
    assert sum(graphs.values()) == store.triple_count() == result.triples


def test_each_triple_is_in_exactly_one_graph_and_the_union_counts_it_once(store):
    shared = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o } FILTER(?a != ?b) }"
    assert count(store, shared) == 0
    assert count(store, COUNT) == store.triple_count()
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }") == \
        store.triple_count()


def test_from_selects_one_plan(store, built):
    plan = graph_iri(built[0].base, "plan/merton-2013-14")
    graphs = dict(store.graphs())
    assert count(store, f"SELECT (COUNT(*) AS ?n) FROM <{plan}> WHERE {{ ?s ?p ?o }}") == graphs[plan]
    named = store.query(f"SELECT DISTINCT ?g FROM NAMED <{plan}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert [row["g"].value for row in named] == [plan]


def test_the_catalogue_answers_as_it_did_from_one_default_graph(store, built, tmp_path):
    """Every saved query gives the same rows from the named graphs as from all triples in one graph."""
    flat = OxigraphStore.create(tmp_path / "flat", store.serialize("nt"))  # N-Triples: all in the default graph
    before, after = Catalogue(flat), Catalogue(store)
    checked = 0
    for name, query in load_catalogue().items():
        values = {p.name: p.example for p in query.params if p.required and p.example}
        if any(p.required and not p.example for p in query.params):
            continue
        old, new = before.run(name, values), after.run(name, values)
        assert (old.variables, old.plain_rows()) == (new.variables, new.plain_rows()), name
        checked += 1
    assert checked >= 20


def test_results_are_plain_values(store):
    rows = store.query("SELECT ?a ?ref ?missing WHERE { ?a <https://w3id.org/eqgraph/ontology#ref> ?ref } LIMIT 2")
    assert isinstance(rows, Solutions) and rows.variables == ["a", "ref", "missing"] and not rows.truncated
    assert isinstance(rows[0]["a"], IRI) and isinstance(rows[0][1], Literal) and rows[0]["missing"] is None
    assert store.query("ASK { ?s ?p ?o }") is True
    triples = store.query("CONSTRUCT { ?a a ?t } WHERE { ?a a ?t } LIMIT 3")
    assert isinstance(triples, Triples) and len(triples) == 3 and all(isinstance(t, Triple) for t in triples)


def test_a_limit_cuts_and_says_so(store):
    cut = store.query("SELECT ?s WHERE { ?s ?p ?o }", limit=5)
    assert len(cut) == 5 and cut.truncated
    assert store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", limit=5).truncated


def test_dataset_formats_keep_the_graphs(store, built):
    quads = store.serialize("nq").decode("utf-8").splitlines()
    assert len(quads) == store.triple_count()
    assert all(line.endswith(">" + " .") and "/graph/" in line.rsplit(" ", 2)[-2] for line in quads[:50])
    trig = store.serialize("trig", prefixes={"eqg": "https://w3id.org/eqgraph/ontology#"}).decode("utf-8")
    assert graph_iri(built[0].base, "plan/merton-2017-18") in trig and "{" in trig
    one = store.serialize("nt", graph=graph_iri(built[0].base, "catalogue")).decode("utf-8").splitlines()
    assert len(one) == dict(store.graphs())[graph_iri(built[0].base, "catalogue")]


def test_a_graph_is_loaded_and_replaced_atomically(tmp_path):
    from eqgraph.errors import StoreError

    store = OxigraphStore.create(tmp_path / "s", b"")
    g = "http://example.org/graph/links"
    assert store.load(b"<http://e/a> <http://e/p> <http://e/b> .\n<http://e/a> <http://e/p> <http://e/c> .\n", "nt", g) == 2
    assert store.graphs() == [(g, 2)]
    store.replace_graph(g, b'<http://e/x> <http://e/p> "new"@en .\n', "nt")
    assert store.graphs() == [(g, 1)] and store.query("ASK { <http://e/x> ?p ?o }") is True
    with pytest.raises(StoreError, match="cannot load"):
        store.replace_graph(g, b"<http://e/x> <http://e/p> broken", "nt")
    assert store.graphs() == [(g, 1)]  # bad data changed nothing


def test_a_small_store_is_answered_from_memory_with_the_same_answers(store):
    """`in_memory_up_to` copies a store no larger than the bound into memory; a larger one stays on disk."""
    quads = store.triple_count()
    in_memory = OxigraphStore.open(store.path, in_memory_up_to=quads)
    on_disk = OxigraphStore.open(store.path, in_memory_up_to=quads - 1)
    assert in_memory.path == on_disk.path == store.path
    assert in_memory.graphs() == on_disk.graphs() == store.graphs()
    for sparql in (COUNT, "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } "
                          "ORDER BY ?s ?label"):
        assert [dict(row) for row in in_memory.query(sparql)] == [dict(row) for row in on_disk.query(sparql)]
    # The copy is a real in-memory store: writing to it leaves the release on disk untouched.
    in_memory.load(b"<urn:a> <urn:b> <urn:c> .", "nt", "urn:g")
    assert OxigraphStore.open(store.path).triple_count() == quads


def test_a_derived_store_is_the_old_one_with_graphs_dropped_added_and_revised(tmp_path):
    """derive copies a store, drops graphs, adds new ones and revises changed ones line by line:
    the result holds exactly what a store made from scratch would."""
    g = "urn:g:"

    def lines(*names: str) -> list[bytes]:
        return sorted(f"<urn:s:{n}> <urn:p> \"{n}\" .".encode("utf-8") for n in names)

    def quads(graphs: dict[str, list[bytes]]) -> bytes:
        return b"".join(line[:-1] + f"<{g}{name}> .\n".encode("utf-8") for name, found in graphs.items() for line in found)

    before = {"kept": lines("a", "b"), "gone": lines("c"), "changed": lines("d", "e", "f")}
    old = OxigraphStore.create(tmp_path / "old", quads(before))
    old.flush()
    del old
    after = {"kept": lines("a", "b"), "changed": lines("e", "f", "g"), "new": lines("h")}
    for held in (None, {g + "changed": before["changed"]}):  # read from the old store, or told
        target = tmp_path / ("told" if held else "read")
        derived = OxigraphStore.derive(tmp_path / "old", target, [g + "gone"], quads({"new": after["new"]}),
                                       {g + "changed": after["changed"]}, held)
        for name, found in after.items():
            assert derived.graph_lines(g + name) == found
            assert derived.graph_size(g + name) == len(found)
        assert derived.graph_lines(g + "gone") == []
        assert derived.triple_count() == 6
        del derived
    reopened = OxigraphStore.open(tmp_path / "old")
    assert reopened.graph_lines(g + "changed") == before["changed"]  # the old store is only read
