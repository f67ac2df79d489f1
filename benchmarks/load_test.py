"""A bounded load run against `eqgraph serve` on loopback: N requests from C concurrent clients cycling
through a mix of URLs. Prints throughput, latency percentiles (overall and per URL) and errors. It builds
the built-in graph into a temporary home, starts its own server on a free 127.0.0.1 port, warms every
URL once (so what is computed once per release is computed before the clock starts) and stops the server
afterwards.

    python benchmarks/load_test.py [--mix all|pages] [--requests 2000] [--clients 8]

Mixes:
  all    pages, saved queries, entity pages, downloads and SPARQL queries (the default)
  pages  what a policy officer reads (issue 18): the home page, two saved-query pages, an action page,
         /graphs and a search; target p99 <= 100 ms with 8 clients. For reference, the same clients are
         then run against a bare Flask handler (a constant page on the very server stack `eqgraph serve`
         uses) in the same run: the floor this machine, this client and the server stack set.

It is a measurement: exit 0 whether or not a target held. Client and server share the machine, so a
busy machine (the load average is printed) makes every figure worse.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

SPARQL = urllib.parse.quote("PREFIX eqg: <https://w3id.org/eqgraph/ontology#> "
                            "SELECT ?a ?ref WHERE { ?a eqg:ref ?ref } ORDER BY ?ref LIMIT 50")
MIX = [
    "/",
    "/query/strategies-feeding-objective?plan=merton-2017-18&objective=1",
    "/query/actions-for-community?community=BAME",
    "/query/actions-for-department.json?department=Housing",
    "/query/carried-over-commitments.csv",
    "/id/plan/merton-2017-18/action/2.6",
    "/id/plan/merton-2013-14/action/1.2.17",
    "/id/partner/network-rail",
    "/graphs",
    "/graphs/strategies.json",
    f"/sparql?query={SPARQL}",
    "/search?q=libraries",
]
PAGES = [  # issue 18 point 8: the pages people read, as a browser asks for them
    "/",
    "/query/actions-for-community?community=BAME",
    "/query/strategies-feeding-objective?plan=merton-2017-18&objective=1",
    "/id/plan/merton-2017-18/action/2.6",
    "/graphs",
    "/search?q=ethnic+minority",
]
MIXES = {"all": MIX, "pages": PAGES}
TARGET_P99 = {"pages": 0.100}  # seconds

# The reference: a constant page on the server stack `eqgraph serve` uses (serve() skips the release
# set-up for an app without config["EQGRAPH"]), so the difference is eqgraph's own work.
BARE_APP = """
import sys
from flask import Flask, Response
from eqgraph.web.server import ServerSettings, serve

app = Flask("bare")
BODY = b"<!doctype html><html lang=en><title>bare</title><p>" + b"A constant page. " * 400 + b"</p></html>"

@app.route("/")
def page():
    return Response(BODY, content_type="text/html; charset=utf-8")

serve(app, ServerSettings.from_env(host="127.0.0.1", port=int(sys.argv[1])))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Run:
    """What one load run saw: latencies of every request (seconds) by URL, and the failures."""

    clients: int
    wall: float = 0.0
    by_path: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def latencies(self) -> list[float]:
        return sorted(x for values in self.by_path.values() for x in values)


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if len(ordered) < 2:
        only = ordered[0] if ordered else float("nan")
        return {"p50": only, "p90": only, "p99": only, "max": only}
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": q[49], "p90": q[89], "p99": q[98], "max": ordered[-1]}


def wait_up(base: str, path: str, process: subprocess.Popen, what: str) -> None:
    end = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + path, timeout=5).read()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > end:
                raise SystemExit(f"{what} did not start (exit code {process.poll()})")
            time.sleep(0.1)


def load(base: str, paths: list[str], requests: int, clients: int, time_limit: float) -> Run:
    """`clients` threads, each taking the next request number and fetching paths[n % len(paths)] until
    `requests` are done (or the time limit passes)."""
    run = Run(clients, by_path={path: [] for path in paths})
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.time() + time_limit

    def client():
        while time.time() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            path = paths[n % len(paths)]
            started = time.perf_counter()
            problem = None
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    response.read()
                    if response.status != 200:
                        problem = f"{path}: status {response.status}"
            except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                problem = f"{path}: {exc}"
            elapsed = time.perf_counter() - started
            with lock:
                run.by_path[path].append(elapsed)
                if problem:
                    run.errors.append(problem)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.wall = time.perf_counter() - started
    return run


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def shown(path: str, width: int = 70) -> str:
    """A URL short enough for a table row (a SPARQL query's text is long)."""
    return path if len(path) <= width else path[:width - 1] + "…"


def report(title: str, run: Run, per_path: bool) -> dict[str, float]:
    latencies = run.latencies
    figures = percentiles(latencies)
    print(f"{title}: {len(latencies)} requests from {run.clients} clients in {run.wall:.1f} s: "
          f"{len(latencies) / run.wall:.0f} requests/s; errors: {len(run.errors)}")
    print(f"  latency ms: p50 {ms(figures['p50'])}, p90 {ms(figures['p90'])}, p99 {ms(figures['p99'])}, "
          f"max {ms(figures['max'])}")
    if per_path:
        width = max(len(shown(path)) for path in run.by_path)
        print(f"  {'per URL':<{width}}  {'n':>5} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}")
        for path, values in run.by_path.items():
            f = percentiles(values)
            print(f"  {shown(path):<{width}}  {len(values):>5} {ms(f['p50']):>7} {ms(f['p90']):>7} "
                  f"{ms(f['p99']):>7} {ms(f['max']):>7}")
    for error in run.errors[:5]:
        print("  error:", error)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mix", choices=sorted(MIXES), default="all")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=300, help="stop after this many seconds anyway")
    parser.add_argument("--no-reference", action="store_true", help="skip the bare Flask handler's run")
    args = parser.parse_args()
    paths = MIXES[args.mix]
    exe = Path(sys.executable).with_name("eqgraph")
    print(f"mix {args.mix}: {len(paths)} URLs, {args.clients} clients, {args.requests} requests")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before the run")
    with tempfile.TemporaryDirectory() as home:
        subprocess.run([str(exe), "build", "--out", home, "--quiet"], check=True)
        port = free_port()
        server = subprocess.Popen([str(exe), "serve", "--port", str(port), "--out", home],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_up(base, "/health", server, "eqgraph serve")
            for path in paths:  # warm every URL once: what is kept per release is computed now
                urllib.request.urlopen(base + path, timeout=60).read()
            run = load(base, paths, args.requests, args.clients, args.time_limit)
        finally:
            server.terminate()
            server.wait(timeout=10)
    figures = report("eqgraph", run, per_path=True)
    target = TARGET_P99.get(args.mix)
    if target is not None:
        verdict = "met" if figures["p99"] <= target else "NOT met"
        print(f"  target p99 <= {ms(target)} ms: {verdict} (p99 {ms(figures['p99'])} ms)")
    if args.mix == "pages" and not args.no_reference:
        port = free_port()
        bare = subprocess.Popen([sys.executable, "-c", BARE_APP, str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_up(base, "/", bare, "the bare Flask handler")
            reference = load(base, ["/"], args.requests, args.clients, args.time_limit)
        finally:
            bare.terminate()
            bare.wait(timeout=10)
        report("reference, a bare Flask handler on the same server stack", reference, per_path=False)


if __name__ == "__main__":
    main()
