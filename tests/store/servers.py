"""Real triple stores for the remote-store tests: an Oxigraph server (PyPI `oxigraph`, always there with
the test extra) and Virtuoso 7 (Debian `virtuoso-opensource`, wherever `virtuoso-t` is installed),
each in its own temporary directory on free loopback ports, started, waited for by polling until it
answers, killed and restarted on demand, and stopped afterwards."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from eqgraph.store.endpoint import Endpoint

READY_WITHIN = 120.0  # bounds a broken start only; a healthy server is polled until it answers
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"  # a fresh Virtuoso database's administrator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_command() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def virtuoso_command() -> str | None:
    return shutil.which("virtuoso-t")


class Server:
    """A store process: `start`, `kill` (SIGKILL, as a crash), `stop`; `endpoint` to reach it."""

    name = "server"

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None
        self.port = free_port()

    def command(self) -> list[str]:
        raise NotImplementedError

    def endpoint(self, **kwargs) -> Endpoint:
        raise NotImplementedError

    def start(self) -> "Server":
        log = open(self.folder / "server.log", "ab")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                        cwd=self.folder, start_new_session=True)
        log.close()
        self._wait()
        return self

    def _wait(self) -> None:
        url = self.endpoint().query_url + "?query=ASK%7B%7D"
        deadline = time.monotonic() + READY_WITHIN
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: "
                                   f"{(self.folder / 'server.log').read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer at {url} within {READY_WITHIN:.0f} s")
            time.sleep(0.05)

    def kill(self) -> None:
        """As a crash: SIGKILL, no chance to flush."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()


class OxigraphServer(Server):
    name = "oxigraph"

    def command(self) -> list[str]:
        return [oxigraph_command(), "serve", "--location", str(self.folder / "store"),
                "--bind", f"127.0.0.1:{self.port}"]

    def endpoint(self, **kwargs) -> Endpoint:
        root = f"http://127.0.0.1:{self.port}"
        return Endpoint(f"{root}/query", f"{root}/update", f"{root}/store", **kwargs)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxClientConnections = 10
CaseMode = 2
DirsAllowed = ., {d}
ThreadsPerQuery = 1

[HTTPServer]
ServerPort = {http_port}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {max_seconds}
MaxQueryCostEstimationTime = 0
DefaultQuery = ASK {{}}
"""


class VirtuosoServer(Server):
    """Virtuoso 7 with its own database directory and ini: queries at /sparql, updates at
    /sparql-auth and the Graph Store at /sparql-graph-crud-auth, both with digest authentication."""

    name = "virtuoso"

    def __init__(self, folder: Path, max_seconds: int = 30):
        super().__init__(folder)
        self.sql_port = free_port()
        (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
            d=folder, sql_port=self.sql_port, http_port=self.port, max_seconds=max_seconds))

    def command(self) -> list[str]:
        return [virtuoso_command(), "-f", "-c", str(self.folder / "virtuoso.ini")]

    def endpoint(self, **kwargs) -> Endpoint:
        root = f"http://127.0.0.1:{self.port}"
        kwargs.setdefault("user", VIRTUOSO_USER)
        kwargs.setdefault("password", VIRTUOSO_PASSWORD)
        kwargs.setdefault("auth", "digest")
        return Endpoint(f"{root}/sparql", f"{root}/sparql-auth", f"{root}/sparql-graph-crud-auth", **kwargs)
