"""Endpoints for the link suggestion tests: a real Oxigraph server over tests/data/wikidata-fixture.ttl,
and a tiny HTTP server that answers what a test tells it to (HTML, a 500, a 503 then an answer)."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ..store.servers import free_port, oxigraph_command  # noqa: F401 - free_port is used by test_suggest too

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "wikidata-fixture.ttl"
READY_WITHIN = 60.0  # seconds an Oxigraph server may take to answer its first query before the test fails


@contextmanager
def oxigraph_server(tmp: Path):
    """`oxigraph load` the fixture into a store in `tmp`, `serve-read-only` it on a free port, wait until
    it answers a query, yield its query URL; stop it afterwards."""
    command = oxigraph_command()
    if command is None:
        pytest.skip("the oxigraph command (PyPI package oxigraph, in the test extra) is not installed")
    tmp.mkdir(parents=True, exist_ok=True)
    store = tmp / "store"
    subprocess.run([command, "load", "--location", str(store), "--file", str(FIXTURE)], check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    log = open(tmp / "oxigraph.log", "wb")
    process = subprocess.Popen([command, "serve-read-only", "--location", str(store), "--bind",
                                f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait_until_answering(url, process, tmp / "oxigraph.log")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll the endpoint with ASK {} until it answers (the deadline only bounds a broken start)."""
    deadline = time.monotonic() + READY_WITHIN
    while True:
        if process.poll() is not None:
            pytest.fail(f"oxigraph serve-read-only exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"oxigraph serve-read-only did not answer at {url} within {READY_WITHIN:.0f} s")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """The query URL of an Oxigraph server over the fixture, shared by a module's tests."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


EMPTY_ANSWER = json.dumps({"head": {"vars": ["item"]}, "results": {"bindings": []}}).encode()


class Scripted:
    """A tiny HTTP server in a thread: each request gets the next scripted answer (the last one repeats);
    it records what it was sent. An answer with status None never comes (until the server stops)."""

    def __init__(self, answers: list[tuple[int | None, dict[str, str], bytes]]):
        self.answers = list(answers)
        self.requests: list[dict[str, str]] = []
        self.release = threading.Event()
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                scripted.requests.append(dict(self.headers))
                status, headers, body = scripted.answers.pop(0) if len(scripted.answers) > 1 else scripted.answers[0]
                if status is None:
                    scripted.release.wait()
                    return
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
