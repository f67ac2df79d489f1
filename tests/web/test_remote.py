"""`eqgraph serve --endpoint …` (issue 19): pages, saved queries and /sparql answered from a remote
store (a real Oxigraph server and Virtuoso 7) over the release files of the local home, with the
endpoint's caps, read-only and SERVICE checks, and the same answers as the embedded store."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from eqgraph.store.remote import RemoteStore
from tests.store.conftest import KINDS, start

from .conftest import serving


@pytest.fixture(scope="module", params=sorted(KINDS))
def site(request, built, tmp_path_factory):
    settings, _ = built
    server = start(request.param, tmp_path_factory.mktemp(request.param))
    try:
        from eqgraph.store import open_current

        RemoteStore(server.endpoint(), settings.base).publish(open_current(settings.home).serialize("nq"))
        with serving(settings.home, "--endpoint", server.endpoint().query_url,
                     env={"EQGRAPH_MAX_ROWS": "5"}) as port:
            yield f"http://127.0.0.1:{port}", settings
    finally:
        server.stop()


def get(url: str, accept: str = "text/html"):
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def sparql(site: str, query: str, accept: str = "application/sparql-results+json"):
    return get(f"{site}/sparql?" + urllib.parse.urlencode({"query": query}), accept)


def test_sparql_answers_from_the_store(site, built):
    url, settings = site
    from eqgraph.store import open_current

    expected = open_current(settings.home).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value
    status, _, body = sparql(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == expected


def test_the_caps_read_only_and_service_checks_hold(site):
    url, _ = site
    status, headers, body = sparql(url, "SELECT ?s WHERE { ?s ?p ?o }", "text/csv")
    assert status == 200 and headers.get("x-eqgraph-truncated") == "true" and body.count(b"\n") == 6
    assert sparql(url, "DROP ALL")[0] == 403
    assert sparql(url, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")[0] in (400, 403)
    assert sparql(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0] == 200  # nothing was dropped


def test_pages_and_saved_queries(site):
    url, _ = site
    for path in ("/", "/query/plans", "/query/actions-for-community?community=BAME",
                 "/id/plan/merton-2013-14/action/1.2.17", "/graphs"):
        status, _, body = get(url + path)
        assert status == 200, path
    status, _, body = get(url + "/query/plans.csv")
    assert status == 200 and b"merton-2017-18" in body
    status, _, body = get(url + "/health", "application/json")
    assert status == 200 and set(json.loads(body)["pools"]) == {"sparql", "pages"}
