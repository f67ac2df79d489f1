"""Web fixtures: a Flask app on the built-in graph, a test client, and a live server on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from eqgraph.web import WebSettings, create_app


@pytest.fixture(scope="session")
def app(built):
    settings, _ = built
    application = create_app(settings, WebSettings(query_timeout=2.0, query_workers=1, max_rows=1000))
    yield application
    application.config["EQGRAPH"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(built):
    """`eqgraph serve` on a free loopback port, the way `make run` starts it; stopped afterwards."""
    settings, _ = built
    port = free_port()
    exe = Path(sys.executable).with_name("eqgraph")
    process = subprocess.Popen([str(exe), "serve", "--port", str(port), "--out", str(settings.home),
                                "--timeout", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/about", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read().decode())
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("the server did not start")
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
