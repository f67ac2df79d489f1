"""The HTTP server under slow, idle and oversized clients: `eqgraph serve` with small limits, on loopback.

Waits are on conditions (the server closing a socket, an answer arriving); the only time limits are
generous ones that turn a hang into a failure naming what never happened.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .conftest import serving

HANG = 60.0  # seconds after which a condition that never came true fails the test


@pytest.fixture(scope="module")
def strict_server(built):
    """A server whose limits are small enough to reach quickly: 1 s for a head or a body, 2 KB bodies."""
    settings, _ = built
    env = {"EQGRAPH_HEADER_TIMEOUT": "1", "EQGRAPH_BODY_TIMEOUT": "1", "EQGRAPH_MAX_BODY": "2048",
           "EQGRAPH_QUERY_WORKERS": "1", "EQGRAPH_PAGE_WORKERS": "1", "EQGRAPH_MAX_REQUESTS": "8",
           "EQGRAPH_THREADS": "2", "EQGRAPH_MAX_HELD": str(2 << 20), "EQGRAPH_QUERY_TIMEOUT": "30"}
    with serving(settings.home, env=env) as port:
        yield port


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=HANG)
    return sock


def closed_by_server(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a hang fails after HANG s)."""
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def get(port: int, path: str) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=HANG) as response:
        return response.status


def test_a_silent_connection_is_closed(strict_server):
    with connect(strict_server) as sock:
        assert closed_by_server(sock) == b""


def test_a_client_trickling_its_headers_is_cut_off(strict_server):
    """A header line every 0.2 s keeps a restart-on-every-byte idle timer alive for ever; the server's
    timer runs from the connection's start to a complete head, so the connection is closed."""
    with connect(strict_server) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        sock.settimeout(0.2)
        lines = 0
        while lines < HANG / 0.2:
            try:
                sock.sendall(b"X-Slow: 1\r\n")
                if sock.recv(65536) == b"":
                    break
            except socket.timeout:
                lines += 1
            except (BrokenPipeError, ConnectionResetError):
                break
        else:
            pytest.fail("the server kept a trickling connection open")


def test_idle_connections_do_not_keep_others_out(strict_server):
    idle = [connect(strict_server) for _ in range(300)]
    try:
        assert get(strict_server, "/health") == 200
        assert get(strict_server, "/sparql?query=ASK%7B%7D") == 200
    finally:
        for sock in idle:
            sock.close()


def test_a_body_over_the_limit_is_refused_before_it_is_read(strict_server):
    with connect(strict_server) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 10485760\r\n\r\n" + b"x" * 1024)
        answer = closed_by_server(sock)
    assert answer.startswith(b"HTTP/1.1 413") and b"2048 bytes" in answer


def test_a_chunked_body_over_the_limit_is_refused(strict_server):
    with connect(strict_server) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        try:
            for _ in range(8):
                sock.sendall(b"400\r\n" + b"x" * 1024 + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = closed_by_server(sock)
    assert answer.startswith(b"HTTP/1.1 413")


def test_a_body_that_never_finishes_is_408(strict_server):
    with connect(strict_server) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 100\r\n\r\nASK")
        answer = closed_by_server(sock)
    assert answer.startswith(b"HTTP/1.1 408")


def test_the_server_answers_normally_afterwards(strict_server):
    assert get(strict_server, "/") == 200


def test_bodiless_answers_are_sent(strict_server):
    """HEAD and 304 answers have no body; they still start a response (not a 500)."""
    with connect(strict_server) as sock:
        sock.sendall(b"HEAD /static/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head = closed_by_server(sock)
    assert head.startswith(b"HTTP/1.1 200")
    etag = [line.split(b":", 1)[1].strip() for line in head.split(b"\r\n") if line.lower().startswith(b"etag:")]
    assert etag
    with connect(strict_server) as sock:
        sock.sendall(b"GET /static/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\nIf-None-Match: "
                     + etag[0] + b"\r\n\r\n")
        assert closed_by_server(sock).startswith(b"HTTP/1.1 304")


def test_only_the_server_says_when_a_request_arrived(strict_server):
    """The deadline counts from arrival, stamped by the server where no header can reach it."""
    for header in ("X-Eqgraph-Arrived", "X_Eqgraph_Arrived", "Eqgraph.Arrived"):
        request = urllib.request.Request(f"http://127.0.0.1:{strict_server}/sparql?query=ASK%7B%7D",
                                         headers={header: "0", "Accept": "text/html"})  # the Flask path
        with urllib.request.urlopen(request, timeout=HANG) as response:
            page = response.read().decode()
        assert response.status == 200 and "Answer: <strong>yes</strong>" in page and "could not start" not in page


def health(port: int) -> dict:
    import json

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=HANG) as response:
        return json.loads(response.read())


def wait_for(condition, what: str) -> None:
    end = time.monotonic() + HANG
    while not condition():
        assert time.monotonic() < end, f"never happened: {what}"
        time.sleep(0.05)


def test_slow_bodies_do_not_take_the_apps_places(strict_server):
    """More clients than the app has places each send half a body: others are still answered."""
    slow = [connect(strict_server) for _ in range(20)]
    try:
        for sock in slow:
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 1000\r\n\r\nASK")
        assert get(strict_server, "/health") == 200
        assert get(strict_server, "/") == 200
    finally:
        for sock in slow:
            sock.close()


def test_readers_that_never_read_hold_no_thread(strict_server):
    """Two app threads, six clients that ask for a page and never read it: the site still answers."""
    path = "/sparql?format=html&query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } LIMIT 400")
    stalled = []
    try:
        for _ in range(6):
            sock = connect(strict_server)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n".encode())
            stalled.append(sock)
        assert get(strict_server, "/") == 200
        assert get(strict_server, "/health") == 200
    finally:
        for sock in stalled:
            sock.close()


def test_an_answer_past_the_memory_budget_is_refused(strict_server):
    query = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }")  # about 3 MB of JSON, past the 2 MB budget
    request = urllib.request.Request(f"http://127.0.0.1:{strict_server}/sparql?query={query}",
                                     headers={"Accept": "application/sparql-results+json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=HANG)
    assert refused.value.code == 503 and refused.value.headers["Retry-After"]


def test_a_client_that_leaves_stops_its_query(strict_server):
    before = health(strict_server)["pools"]["sparql"]
    runaway = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    with connect(strict_server) as sock:
        sock.sendall(f"GET /sparql?query={runaway} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        wait_for(lambda: health(strict_server)["pools"]["sparql"]["admitted"] == 1, "the query admitted")
    wait_for(lambda: health(strict_server)["pools"]["sparql"]["abandoned"] == before["abandoned"] + 1,
             "the query stopped when its client left")
    after = health(strict_server)["pools"]["sparql"]
    assert after["timeout"] == before["timeout"]  # stopped for leaving, long before its 30 s deadline
    wait_for(lambda: health(strict_server)["pools"]["sparql"]["idle"] == 1, "its worker replaced")
