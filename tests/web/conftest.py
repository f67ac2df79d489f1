"""Web fixtures: a Flask app on the built-in graph, a test client, and a live server on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
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


@contextmanager
def serving(home, *args: str, env: dict[str, str] | None = None):
    """`eqgraph serve` on a free loopback port over `home`, the way `make run` starts it; yields the
    port once /health answers, and stops the server afterwards."""
    port = free_port()
    exe = Path(sys.executable).with_name("eqgraph")
    process = subprocess.Popen([str(exe), "serve", "--port", str(port), "--out", str(home), *args],
                               env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    end = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > end:
                process.kill()
                raise RuntimeError(process.stdout.read().decode())
            time.sleep(0.1)
    try:
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def live_server(built):
    with serving(built[0].home, "--timeout", "2") as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, one per test module (tests/web/browser.py)."""
    from .browser import chromium

    with chromium() as launched:
        yield launched
