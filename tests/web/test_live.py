"""The running server (`eqgraph serve`) as an independent client sees it: SPARQLWrapper over HTTP."""

import time
from urllib.error import HTTPError

import pytest
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed, SPARQLWrapperException

PREFIX = "PREFIX eqg: <https://w3id.org/eqgraph/ontology#>\n"


def client(live_server, query, fmt=JSON):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setTimeout(20)
    return sparql


def test_select(live_server):
    result = client(live_server, PREFIX + "SELECT ?ref WHERE { ?a eqg:inPlan/<http://purl.org/dc/terms/identifier> "
                                          "\"merton-2017-18\" ; eqg:ref ?ref }").queryAndConvert()
    refs = {b["ref"]["value"] for b in result["results"]["bindings"]}
    assert len(refs) == 45 and {"1.1", "4.4", "6.5"} <= refs


def test_ask(live_server):
    assert client(live_server, PREFIX + "ASK { ?a eqg:ref \"1.2.17\" }").queryAndConvert()["boolean"] is True
    assert client(live_server, PREFIX + "ASK { ?a eqg:ref \"9.9.9\" }").queryAndConvert()["boolean"] is False


def test_construct(live_server):
    from rdflib import Graph

    body = client(live_server, PREFIX + "CONSTRUCT { ?a eqg:ref ?r } WHERE { ?a eqg:ref ?r }", TURTLE).queryAndConvert()
    graph = Graph().parse(data=body, format="turtle")
    assert len(graph) == 132 + 29  # every action and every priority area has a ref


def test_update_is_refused(live_server):
    sparql = SPARQLWrapper(live_server + "/sparql", updateEndpoint=live_server + "/sparql")
    sparql.setMethod(POST)
    sparql.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> \"c\" }")
    with pytest.raises((SPARQLWrapperException, HTTPError)) as caught:
        sparql.query()
    assert "403" in str(caught.value)


def test_explosive_query_is_stopped_within_the_bound_and_the_next_succeeds(live_server):
    started = time.perf_counter()
    with pytest.raises((EndPointInternalError, SPARQLWrapperException, HTTPError)) as caught:
        client(live_server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }").queryAndConvert()
    elapsed = time.perf_counter() - started
    assert "503" in str(caught.value) or "did not finish" in str(caught.value)
    assert elapsed < 8  # the bound is 2 s; the rest is a new worker starting
    assert client(live_server, "ASK {}").queryAndConvert()["boolean"] is True


def test_bad_query_is_reported(live_server):
    with pytest.raises(QueryBadFormed):
        client(live_server, "SELECT * WHERE {").queryAndConvert()
