"""The read-only part of the W3C SPARQL 1.1 Protocol test suite, driven from its manifest.

tests/data/w3c-sparql11-protocol/ holds the manifest and its data (see SOURCE.md there). Each query_*
and bad_query_* test is replayed against the endpoint, on a release whose store holds the test data as
named graphs; the status, the result kind and (for ASK) the answer are checked as the manifest says.
update_* and bad_update_* tests are left out: the endpoint is read-only.
"""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from eqgraph.config import Settings
from eqgraph.store import publish_release
from eqgraph.web import WebSettings, create_app

from .conftest import serving

SUITE = Path(__file__).resolve().parents[1] / "data" / "w3c-sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")


def load_tests():
    graph = Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=SUITE.as_uri() + "/manifest.ttl")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        name = str(test).rsplit("#", 1)[1]
        if not name.startswith(("query_", "bad_query_")):
            continue
        action = graph.value(test, MF.action)
        (request,) = list(Collection(graph, graph.value(action, HT.requests)))
        headers = {}
        header_list = graph.value(request, HT.headers)
        if header_list is not None:
            for header in Collection(graph, header_list):
                headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
        body = graph.value(request, HT.body)
        data = None
        if body is not None:
            encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
            data = str(graph.value(body, CNT.chars)).encode(encoding.lower().replace("utf-16", "utf-16"))
        response = graph.value(request, HT.resp)
        statuses = {str(s).rsplit("#", 1)[1] for s in graph.objects(response, MF.expectedStatus)}
        boolean = graph.value(response, MF.expectedBoolean)
        fmt = graph.value(response, MF.expectedFormat)
        graph_data = [(str(graph.value(g, UT.graph)), str(graph.value(g, RDFS.label)))
                      for g in graph.objects(test, UT.graphData)]
        tests.append(pytest.param(dict(
            method=str(graph.value(request, HT.methodName)), path=str(graph.value(request, HT.absolutePath)),
            headers=headers, data=data, statuses=statuses, boolean=None if boolean is None else boolean.toPython(),
            format=None if fmt is None else str(fmt), graphs=graph_data), id=name))
    return tests


@pytest.fixture(scope="module")
def protocol_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("protocol")

    def write(directory: Path) -> None:
        store = ox.Store(str(directory / "store"))
        for data in sorted(SUITE.glob("data*.nt")):
            name = ox.NamedNode(f"http://kasei.us/2009/09/sparql/data/{data.stem}.rdf")
            store.load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=name)
        store.flush()
        (directory / "build.json").write_text(json.dumps({"plans": [], "triples": len(store)}))
        (directory / "report.json").write_text("[]")
        (directory / "graphs").mkdir()

    publish_release(home, write)
    return home


@pytest.fixture(scope="module")
def protocol_client(protocol_home):
    app = create_app(Settings.from_env(home=protocol_home), WebSettings(query_workers=1, query_timeout=5))
    yield app.test_client()
    app.config["EQGRAPH"].close()


@pytest.fixture(scope="module")
def protocol_server(protocol_home):
    """`eqgraph serve` on the suite's data: protocol queries take the server's fast path."""
    with serving(protocol_home) as port:
        yield port


def test_the_manifest_has_the_read_only_tests():
    assert len(load_tests()) == 19


@pytest.mark.parametrize("case", load_tests())
def test_protocol(protocol_client, case):
    path = case["path"].replace("/sparql/", "/sparql", 1)
    response = protocol_client.open(path, method=case["method"], data=case["data"], headers=case["headers"])
    check(case, response.status_code, response.mimetype, response.get_data(as_text=True))


@pytest.mark.parametrize("case", load_tests())
def test_protocol_through_the_server(protocol_server, case):
    """The same suite over HTTP, where the server answers protocol queries itself (eqgraph.web.fast)."""
    connection = http.client.HTTPConnection("127.0.0.1", protocol_server, timeout=60)
    try:
        connection.request(case["method"], case["path"], body=case["data"], headers=case["headers"])
        response = connection.getresponse()
        media = (response.getheader("Content-Type") or "").split(";")[0].strip()
        check(case, response.status, media, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


def check(case, status: int, media: str, body: str) -> None:
    klass = f"StatusCode{str(status)[0]}xx"
    assert klass in case["statuses"], (status, body[:300])
    if klass != "StatusCode2xx":
        return
    if case["format"] == "boolean":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml")
        if case["boolean"] is not None:
            value = json.loads(body)["boolean"] if media.endswith("json") else "<boolean>true</boolean>" in body
            assert value is case["boolean"]
    elif case["format"] == "tabular":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                         "text/tab-separated-values")
    elif case["format"] == "RDF":
        assert media in ("application/rdf+xml", "text/turtle", "application/n-triples")
