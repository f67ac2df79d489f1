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
    response = client.get("/sparql", query_string={"query": explosive}, headers={"Accept": "application/json"})
    error = response.get_json()["error"]
    assert response.status_code == 503 and ("did not finish within 2 s" in error or "could not start within 2 s" in error)
    assert response.headers["Retry-After"].isdigit()
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


def test_a_query_text_over_the_limit_is_413(client):
    huge = "ASK { FILTER(\"" + "x" * (300 << 10) + "\" = \"y\") }"
    response = client.post("/sparql", data=huge, content_type="application/sparql-query",
                           headers={"Accept": "application/json"})
    assert response.status_code == 413 and "at most" in response.get_json()["error"]


def test_answers_are_capped_in_bytes_and_say_truncated(built):
    from eqgraph.web import WebSettings, create_app

    settings, _ = built
    app = create_app(settings, WebSettings(query_workers=1, page_workers=1, max_bytes=2000))
    try:
        client = app.test_client()
        response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
                              headers={"Accept": "application/sparql-results+json"})
        body = response.get_data()
        assert response.headers["X-Eqgraph-Truncated"] == "true" and len(body) <= 2000
        assert json.loads(body)["results"]["bindings"]  # whole rows, still valid JSON
        # One row larger than the cap: no rows, still truncated, still a valid document.
        big = 'SELECT ?x WHERE { BIND(CONCAT("a", STRUUID(), "' + "b" * 3000 + '") AS ?x) }'
        response = client.get("/sparql", query_string={"query": big}, headers={"Accept": "text/csv"})
        assert response.headers["X-Eqgraph-Truncated"] == "true" and response.get_data() == b"x\r\n"
    finally:
        app.config["EQGRAPH"].close()


def test_a_full_endpoint_refuses_at_once_with_retry_after_and_pages_still_answer(built):
    import threading

    from eqgraph.web import WebSettings, create_app

    settings, _ = built
    app = create_app(settings, WebSettings(query_workers=1, query_queue=0, query_timeout=30, page_workers=1))
    state = app.config["EQGRAPH"]
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
            f"BIND(\"{'a' * 5000}b\" AS ?long) FILTER(!regex(?long, \"^(a+)+$\")) }}")
    runner = threading.Thread(target=app.test_client().get, args=("/sparql",),
                              kwargs={"query_string": {"query": slow}})
    try:
        runner.start()
        end = time.monotonic() + 60
        while state.release.sparql.status()["admitted"] < 1:  # wait on the condition, not on time
            assert time.monotonic() < end, "the slow query was never admitted"
            time.sleep(0.01)
        client = app.test_client()
        busy = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "application/json"})
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "30"
        assert "busy" in busy.get_json()["error"]
        assert client.get("/").status_code == 200  # pages have their own workers
        assert client.get("/query/plans").status_code == 200
        health = client.get("/health").get_json()
        assert health["ok"] and health["pools"]["sparql"]["busy"] == 1
    finally:
        state.close()  # stops the slow query's worker
        runner.join()


def test_only_web_iris_become_links(client):
    query = ("SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <vbscript:msgbox(1)> <data:text/html,x> "
             "<https://example.org/ok> } }")
    html = client.post("/sparql", data={"query": query, "format": "html"}).get_data(as_text=True)
    assert 'href="https://example.org/ok"' in html
    for scheme in ("javascript:", "vbscript:", "data:"):
        assert f'href="{scheme}' not in html and scheme in html  # shown as text, not linked


def test_the_host_header_is_never_reflected(client):
    evil = {"Host": "evil.example", "Accept": "text/html"}
    for path in ("/sparql", "/query/plans", "/graphs/strategies", "/"):
        response = client.get(path, headers=evil)
        assert "evil.example" not in response.get_data(as_text=True), path
        assert "evil.example" not in response.headers.get("Location", ""), path


def test_downloads_name_their_charset_once(client):
    response = client.get("/query/plans.csv")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_health_reports_the_release_and_the_pools(client):
    response = client.get("/health")
    data = response.get_json()
    assert response.status_code == 200 and data["ok"] and data["release"]
    assert set(data["pools"]) == {"sparql", "pages"} and "admitted" in data["pools"]["sparql"]


def test_the_named_graphs_are_listed_and_selected_through_the_endpoint(client, built):
    from eqgraph.store import graph_iri

    base = built[0].base
    listed = client.get("/sparql", query_string={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                        headers={"Accept": "application/sparql-results+json"}).get_json()
    graphs = {b["g"]["value"] for b in listed["results"]["bindings"]}
    assert {graph_iri(base, part) for part in ("ontology", "vocabularies", "continuity", "catalogue",
                                               "plan/merton-2013-14", "plan/merton-2017-18")} <= graphs

    def count(**params):
        answer = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **params},
                            headers={"Accept": "application/sparql-results+json"}).get_json()
        return int(answer["results"]["bindings"][0]["n"]["value"])

    plan = graph_iri(base, "plan/merton-2017-18")
    in_plan = client.get("/sparql", query_string={
        "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{plan}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"}).get_json()
    expected = int(in_plan["results"]["bindings"][0]["n"]["value"])
    assert 0 < count(**{"default-graph-uri": plan}) == expected < count() == built[1].triples
    from_clause = client.get("/sparql", query_string={
        "query": f"SELECT (COUNT(*) AS ?n) FROM <{plan}> WHERE {{ ?s ?p ?o }}"},
        headers={"Accept": "application/sparql-results+json"}).get_json()
    assert int(from_clause["results"]["bindings"][0]["n"]["value"]) == expected


def test_head_answers_like_get_without_a_body(client):
    head = client.head("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Type"].startswith("application/sparql-results+json")
