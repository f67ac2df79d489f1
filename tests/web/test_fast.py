"""The server's fast path answers protocol queries exactly as the Flask view does, and leaves the rest."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import time
from urllib.parse import urlencode

import pytest

from eqgraph.web.fast import SparqlFastPath
from eqgraph.web.server import RequestGuard, ServerSettings

SELECT = "SELECT ?ref WHERE { ?a <https://w3id.org/eqgraph/ontology#ref> ?ref } ORDER BY ?ref LIMIT 40"
CONSTRUCT = "CONSTRUCT { ?a <http://example.org/p> ?ref } WHERE { ?a <https://w3id.org/eqgraph/ontology#ref> ?ref } LIMIT 5"
SAME_HEADERS = ("content-type", "vary", "x-eqgraph-truncated", "access-control-allow-origin", "retry-after",
                "content-security-policy", "x-content-type-options", "content-encoding")


def call(fast, method: str, query_string: str = "", body: bytes = b"", headers: dict | None = None):
    """Run the fast path on one request; (handled, status, headers, body)."""
    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/sparql", "query_string": query_string.encode(),
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
             "client": ("127.0.0.1", 1)}
    async def receive():  # the client stays: nothing more arrives
        await asyncio.Event().wait()

    guard = RequestGuard(None, ServerSettings(), fast)
    handled = asyncio.run(fast(scope, body, send, time.monotonic(), receive, guard))
    if not handled:
        assert sent == []
        return False, None, {}, b""
    start, payload = sent
    return True, start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, payload["body"]


@pytest.fixture(scope="module")
def fast(app):
    return SparqlFastPath(app.config["EQGRAPH"])


def test_queries_are_answered_on_the_fast_path(fast):
    handled, status, headers, body = call(fast, "GET", urlencode({"query": SELECT}),
                                          headers={"Accept": "application/sparql-results+json"})
    assert handled and status == 200 and b'"bindings"' in body
    assert headers["access-control-allow-origin"] == "*" and headers["etag"]
    handled, status, _, body = call(fast, "POST", body=SELECT.encode(),
                                    headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert handled and status == 200 and body.startswith(b"ref\r\n")


@pytest.mark.parametrize("method, query_string, body, headers", [
    ("GET", "", b"", {"Accept": "text/html"}),  # the editor page
    ("GET", urlencode({"query": SELECT}), b"", {"Accept": "text/html"}),  # results as a page
    ("POST", "", b"update=DROP+ALL", {"Content-Type": "application/x-www-form-urlencoded"}),  # refused in kind
    ("GET", urlencode({"query": SELECT, "format": "nonsense"}), b"", {}),
])
def test_pages_and_early_refusals_are_left_to_flask(fast, method, query_string, body, headers):
    assert call(fast, method, query_string, body, headers)[0] is False


@pytest.mark.parametrize("method, params, headers", [
    ("GET", {"query": SELECT}, {"Accept": "application/sparql-results+json"}),
    ("GET", {"query": SELECT}, {"Accept": "application/sparql-results+xml"}),
    ("GET", {"query": SELECT}, {"Accept": "text/tab-separated-values"}),
    ("GET", {"query": SELECT}, {"Accept": "text/csv", "Accept-Encoding": "gzip"}),
    ("GET", {"query": CONSTRUCT}, {"Accept": "text/turtle"}),
    ("GET", {"query": "ASK {}"}, {}),
    ("POST", {"query": SELECT}, {"Accept": "application/sparql-results+json"}),
    ("GET", {"query": "SELEKT * WHERE {"}, {"Accept": "application/sparql-results+json"}),  # 400 after running
    ("GET", {"query": "SELEKT * WHERE {"}, {"Accept": "application/json"}),
])
def test_the_server_and_flask_answer_alike(live_server, client, method, params, headers):
    port = int(live_server.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    if method == "GET":
        path, body = "/sparql?" + urlencode(params), None
        flask = client.get(path, headers=headers)
    else:
        path, body = "/sparql", urlencode(params)
        headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        flask = client.post(path, data=body, headers=headers)
    connection.request(method, path, body=body, headers=headers)
    served = connection.getresponse()
    served_body = served.read()
    connection.close()
    assert served.status == flask.status_code
    for name in SAME_HEADERS:
        assert served.getheader(name) == flask.headers.get(name), name
    if served.getheader("content-encoding") == "gzip":
        served_body, flask_body = gzip.decompress(served_body), gzip.decompress(flask.get_data())
    else:
        flask_body = flask.get_data()
    assert served_body == flask_body


def test_a_revalidated_get_is_304(live_server):
    port = int(live_server.rsplit(":", 1)[1])
    path = "/sparql?" + urlencode({"query": SELECT})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    first = connection.getresponse()
    first.read()
    connection.request("GET", path, headers={"If-None-Match": first.getheader("ETag")})
    again = connection.getresponse()
    assert again.status == 304 and again.read() == b""
    connection.close()
