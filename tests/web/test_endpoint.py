"""The SPARQL endpoint: formats, safety (read-only, SERVICE, FROM <file:>), deadlines, row caps, CORS."""

import json
import time

import pytest

SELECT = "SELECT ?ref WHERE { ?a <https://w3id.org/eqgraph/ontology#ref> ?ref } ORDER BY ?ref LIMIT 3"


@pytest.mark.parametrize("accept, media, marker", [
    ("application/sparql-results+json", "application/sparql-results+json", '"bindings"'),
    ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql xmlns"),
    ("text/csv", "text/csv", "ref\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values", "?ref\n"),
])
def test_select_in_every_standard_format(client, accept, media, marker):
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == media
    assert marker in response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_construct_as_turtle_and_json_ld(client):
    query = "CONSTRUCT { ?a ?p ?o } WHERE { ?a <https://w3id.org/eqgraph/ontology#ref> \"2.6\" ; ?p ?o }"
    turtle = client.post("/sparql", data={"query": query}, headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and "2.6" in turtle.get_data(as_text=True)
    jsonld = client.post("/sparql", data=query, content_type="application/sparql-query",
                         headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json" and json.loads(jsonld.get_data())


def test_cors_preflight(client):
    response = client.options("/sparql", headers={"Origin": "https://yasgui.example",
                                                  "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204 and "POST" in response.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("kwargs", [
    {"data": {"update": "DROP ALL"}},
    {"data": "INSERT DATA { <a:b> <a:c> <a:d> }", "content_type": "application/sparql-update"},
    {"data": {"query": "DELETE WHERE { ?s ?p ?o }"}},
    {"data": {"query": "LOAD <http://example.org/data.ttl>"}},
])
def test_updates_are_refused(client, kwargs, built):
    response = client.post("/sparql", headers={"Accept": "application/json"}, **kwargs)
    assert response.status_code == 403 and "read-only" in response.get_json()["error"]


def test_service_and_files_cannot_be_reached(client):
    service = client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }"},
                         headers={"Accept": "application/json"})
    assert service.status_code == 400 and "not allowed" in service.get_json()["error"]
    local = client.get("/sparql", query_string={"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"},
                       headers={"Accept": "application/sparql-results+json"})
    assert local.status_code == 200
    assert local.get_json()["results"]["bindings"] == []  # the file is never read: FROM names only store graphs
    assert "root:" not in local.get_data(as_text=True)


def test_a_runaway_query_is_stopped_and_the_next_one_answers(client):
    # A catastrophic regex over a long literal, inside a cartesian product of the whole graph.
    long = "a" * 5000 + "b"
    explosive = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                 f"BIND(\"{long}\" AS ?long) FILTER(!regex(?long, \"^(a+)+$\")) }}")
    started = time.perf_counter()
    response = client.get("/sparql", query_string={"query": explosive}, headers={"Accept": "application/json"})
    assert response.status_code == 503 and "did not finish within 2 s" in response.get_json()["error"]
    assert time.perf_counter() - started < 6
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_results_are_capped_and_say_truncated(client):
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.headers["X-Eqgraph-Truncated"] == "true"
    assert len(response.get_json()["results"]["bindings"]) == 1000


def test_malformed_queries_are_400_with_the_reason(client):
    response = client.get("/sparql", query_string={"query": "SELEKT * WHERE {"}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and "malformed query" in response.get_json()["error"]


def test_the_editor_page_runs_queries_in_the_browser(client):
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<textarea" in page.get_data(as_text=True)
    run = client.post("/sparql", data={"query": SELECT, "format": "html"})
    html = run.get_data(as_text=True)
    assert run.status_code == 200 and "3 rows" in html


def test_no_request_ever_reaches_a_service_endpoint(client):
    import http.server
    import socketserver
    import threading

    hits = []

    class Listener(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"secret internal page")

        do_POST = do_GET

        def log_message(self, *args):
            pass

    with socketserver.TCPServer(("127.0.0.1", 0), Listener) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        for query in (f"SELECT * WHERE {{ SERVICE<http://127.0.0.1:{port}/a> {{ ?s ?p ?o }} }}",
                      f'SELECT * WHERE {{ # """\n SERVICE <http://127.0.0.1:{port}/b> {{ ?s ?p ?o }} # """\n }}'):
            response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/json"})
            assert response.status_code == 400 and "secret" not in response.get_data(as_text=True)
        server.shutdown()
    assert hits == []


@pytest.mark.parametrize("accept", ["*/*", "text/csv;q=0, */*", "application/sparql-results+json, text/html;q=0.5"])
def test_clients_that_do_not_ask_for_html_get_results(client, accept):
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == "application/sparql-results+json"
