"""Endpoint settings and the HTTP client: flags before the environment, credentials only from the
environment or a config file and never shown, retries on transient failures, one-line errors."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from eqgraph.errors import EqgraphError, StoreError
from eqgraph.store.endpoint import Endpoint, Http, shown_url

from .servers import free_port

SECRET = "s3cret-pa55"


def test_flags_come_before_the_environment_and_nothing_set_is_the_embedded_store():
    env = {"EQGRAPH_ENDPOINT": "http://env/sparql", "EQGRAPH_GRAPH_STORE": "http://env/store"}
    endpoint = Endpoint.from_env("http://flag/sparql", environ=env)
    assert endpoint.query_url == "http://flag/sparql" and endpoint.graph_store_url == "http://env/store"
    assert Endpoint.from_env(environ={}) is None
    with pytest.raises(EqgraphError, match="--endpoint"):
        Endpoint.from_env(graph_store_url="http://x/store", environ={})


def test_credentials_come_from_the_environment_or_a_file_and_never_print(tmp_path):
    env = {"EQGRAPH_ENDPOINT": "http://h/sparql", "EQGRAPH_ENDPOINT_USER": "dba", "EQGRAPH_ENDPOINT_PASSWORD": SECRET}
    endpoint = Endpoint.from_env(environ=env)
    assert endpoint.user == "dba" and endpoint.password == SECRET and endpoint.auth == "digest"
    assert SECRET not in repr(endpoint) and SECRET not in str(endpoint)
    config = tmp_path / "endpoint.ini"
    config.write_text(f"user = reader\npassword = {SECRET}\nauth = basic\n")
    from_file = Endpoint.from_env(environ={"EQGRAPH_ENDPOINT": "http://h/sparql", "EQGRAPH_ENDPOINT_CONFIG": str(config)})
    assert (from_file.user, from_file.password, from_file.auth) == ("reader", SECRET, "basic")


def test_a_url_with_credentials_is_refused_without_showing_them():
    with pytest.raises(EqgraphError) as refused:
        Endpoint.from_env(f"http://dba:{SECRET}@h:8890/sparql?x={SECRET}", environ={})
    assert SECRET not in str(refused.value) and "http://h:8890/sparql" in str(refused.value)
    assert shown_url(f"https://u:{SECRET}@h/p?q={SECRET}") == "https://h/p"


class Flaky(BaseHTTPRequestHandler):
    """`status` (with `body`) for the first `fails` requests, then 200; counts requests."""

    fails = 2
    seen = 0
    status = 503
    body = b"ok"

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).seen += 1
        failing = type(self).seen <= type(self).fails
        body = type(self).body if failing else b"ok"
        self.send_response(type(self).status if failing else 200)
        self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    Flaky.seen = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_transient_failures_are_retried(flaky):
    http = Http(Endpoint(flaky, user="dba", password=SECRET, retries=3))
    with http.open("GET", flaky) as answer:
        assert answer.read() == b"ok"
    assert Flaky.seen == 3


@pytest.mark.parametrize("body, retried", [
    (b"Virtuoso 40001 Error SR172: Transaction deadlocked", True),
    (b"Virtuoso 23000 Error SR197: Non unique primary key on DB.DBA.RDF_LANGUAGE.", True),
    (b"Virtuoso 37000 Error SP030: SPARQL compiler: syntax error", False),
])
def test_a_500_saying_transactions_collided_is_retried_and_no_other(flaky, body, retried):
    Flaky.status, Flaky.body, Flaky.fails = 500, body, 1
    try:
        http = Http(Endpoint(flaky, retries=2))
        if retried:
            with http.open("GET", flaky) as answer:
                assert answer.read() == b"ok"
        else:
            with pytest.raises(StoreError, match="HTTP 500"):
                http.open("GET", flaky)
    finally:
        Flaky.status, Flaky.body, Flaky.fails = 503, b"ok", 2
    assert Flaky.seen == (2 if retried else 1)


def test_giving_up_names_the_endpoint_and_never_the_password(flaky):
    Flaky.fails = 10
    try:
        http = Http(Endpoint(flaky, user="dba", password=SECRET, retries=1))
        with pytest.raises(StoreError) as failed:
            http.open("GET", flaky + "?secret=" + SECRET)
    finally:
        Flaky.fails = 2
    message = str(failed.value)
    assert "HTTP 503" in message and flaky in message and SECRET not in message and "\n" not in message


def test_a_dead_server_is_one_line():
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(StoreError) as failed:
        Http(Endpoint(url, retries=1)).open("GET", url, what="a query")
    assert str(failed.value) == f"a query to {url} failed: connection refused (is the store running?)"
