"""The remote store against real servers (Oxigraph server; Virtuoso 7 where installed): the built graph
loaded through the Graph Store, then every saved query, the protocol answer with its caps, the
read-only and SERVICE checks, named graphs and dumps, compared with the embedded store."""

from __future__ import annotations

import pytest

from eqgraph.catalogue import Catalogue, load_catalogue
from eqgraph.config import Settings
from eqgraph.errors import StoreError
from eqgraph.sparql import EndpointError, Request
from eqgraph.store.portability import differences
from eqgraph.store.remote import RemoteStore

BASE = Settings.from_env().base
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def remote(server, built_nquads):
    nquads, _ = built_nquads
    store = RemoteStore(server.endpoint(), BASE)
    store.publish(nquads)
    return store


def request(query: str, **kwargs) -> Request:
    return Request(query, JSON, "application/n-triples", **kwargs)


def test_graphs_hold_what_the_embedded_store_holds(remote, built_nquads):
    _, embedded = built_nquads
    assert remote.graphs() == embedded.graphs()


def _values(query):
    return {p.name: p.example for p in query.params if p.required or p.example}


@pytest.mark.parametrize("with_examples", [False, True], ids=["defaults", "examples"])
def test_every_saved_query_answers_as_on_the_embedded_store(remote, built_nquads, with_examples):
    _, embedded = built_nquads
    queries = load_catalogue()
    here, there = Catalogue(embedded, queries, limit=100_000), Catalogue(remote, queries, limit=100_000)
    problems = {}
    for name, query in queries.items():
        values = _values(query) if with_examples else {p.name: p.example for p in query.params if p.required}
        expected, found = here.run(name, values), there.run(name, values)
        wrong = differences(expected.sparql, expected.plain_rows(), found.plain_rows())
        if found.variables != expected.variables:
            wrong.append(f"columns {found.variables} against {expected.variables}")
        if wrong:
            problems[name] = wrong
    assert not problems


def test_the_protocol_answer_is_capped_and_says_so(remote):
    query = "SELECT ?s WHERE { ?s a ?type }"
    answer = remote.answer(request(query, max_rows=5))
    assert answer.truncated and answer.rows == 5
    small = remote.answer(request(query, max_bytes=300))
    assert small.truncated and len(small.body) <= 300
    whole = remote.answer(request("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert not whole.truncated and whole.rows == 1


def test_ask_and_construct(remote):
    assert remote.answer(request("ASK { ?s ?p ?o }")).kind == "boolean"
    assert b"true" in remote.answer(request("ASK { ?s ?p ?o }")).body
    graph = remote.answer(request("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }", max_rows=3))
    assert graph.kind == "graph" and graph.truncated and graph.body.count(b"\n") == 3
    assert remote.query("ASK { ?s ?p ?o }") is True


def test_updates_and_unlisted_services_are_never_sent(remote):
    with pytest.raises(EndpointError):
        remote.answer(request("DROP ALL"))
    with pytest.raises(EndpointError):
        remote.answer(request("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"))
    assert remote.graphs()  # nothing was dropped


def test_a_query_sees_only_the_current_builds_graphs_by_their_names(remote, built_nquads):
    _, embedded = built_nquads
    plan = BASE + "graph/plan/merton-2017-18"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    by_protocol = remote.answer(request(count, default_graphs=(plan,)))
    expected = embedded.answer(request(count, default_graphs=(plan,)))
    assert by_protocol.body == expected.body
    by_from = remote.query(f"SELECT (COUNT(*) AS ?n) FROM <{plan}> WHERE {{ ?s ?p ?o }}")
    assert by_from[0]["n"].value == embedded.query(f"SELECT (COUNT(*) AS ?n) FROM <{plan}> WHERE {{ ?s ?p ?o }}")[0]["n"].value
    names = {row["g"].value for row in remote.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert names == {name for name, _ in embedded.graphs()}
    elsewhere = remote.query("SELECT (COUNT(*) AS ?n) FROM <http://example.org/not-ours> WHERE { ?s ?p ?o }")
    assert elsewhere[0]["n"].value == "0"


def test_dumps_are_the_embedded_stores_bytes(remote, built_nquads):
    _, embedded = built_nquads
    assert remote.serialize("nq") == embedded.serialize("nq") or \
        sorted(remote.serialize("nq").splitlines()) == sorted(embedded.serialize("nq").splitlines())
    import io

    here, there = io.BytesIO(), io.BytesIO()
    embedded.dump({"nq": here})
    remote.dump({"nq": there})
    assert here.getvalue() == there.getvalue()


def test_a_store_with_no_build_says_so(server):
    empty = RemoteStore(server.endpoint(), "http://example.org/nothing-here/")
    with pytest.raises(StoreError, match="no graph has been built"):
        empty.graphs()


def test_engine_extensions_are_refused_before_sending(remote):
    for query in ("define input:default-graph-uri <http://www.openlinksw.com/schemas/virtrdf#> SELECT * { ?s ?p ?o }",
                  "SELECT (bif:sprintf('%s', 'x') AS ?x) {}",
                  "SELECT * WHERE { ?s ?p"):
        with pytest.raises(EndpointError, match="not a SPARQL 1.1 query"):
            remote.answer(request(query))
