"""Pages of one thing under load: C concurrent clients on loopback ask for every action, objective, plan,
strategy, partner, community and council unit page of a build, once each (cold: the page is built by its
two queries) and then again (warm: kept for the release). Prints throughput and latency percentiles of
each pass. It builds into a temporary home, starts its own server on a free port and stops it after.

    python benchmarks/bench_entity_pages.py [--clients 8] [--rounds 3] [FILES...]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

PAGES = """PREFIX eqg: <https://w3id.org/eqgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?thing WHERE {
  VALUES ?kind { eqg:Action eqg:EqualityObjective eqg:ActionPlan eqg:StrategyOrPlan eqg:Partner eqg:Community
                 org:OrganizationalUnit }
  ?thing a ?kind .
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(base: str, paths: list[str], clients: int) -> tuple[float, list[float], int]:
    """Every path once, shared out among the clients; (seconds, latencies in ms, errors)."""
    queue, lock, latencies, errors = list(paths), threading.Lock(), [], [0]

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(base + path, timeout=30) as answer:
                    answer.read()
                    ok = answer.status == 200
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, errors[0]


def report(name: str, seconds: float, latencies: list[float], errors: int) -> None:
    ordered = sorted(latencies)
    cut = statistics.quantiles(ordered, n=100)
    print(f"{name}: {len(ordered)} pages in {seconds:.1f} s, {len(ordered) / seconds:.0f} pages/s, errors {errors}; "
          f"latency ms p50 {cut[49]:.1f}, p90 {cut[89]:.1f}, p99 {cut[98]:.1f}, max {ordered[-1]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="documents to build (default: the built-in plans)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="warm passes after the cold one")
    args = parser.parse_args()
    exe = Path(sys.executable).with_name("eqgraph")
    with tempfile.TemporaryDirectory() as home:
        subprocess.run([str(exe), "build", *args.files, "--out", home, "--quiet"], check=True)
        port = free_port()
        server = subprocess.Popen([str(exe), "serve", "--port", str(port), "--out", home],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/health", timeout=5).read()
                    break
                except OSError:
                    time.sleep(0.1)
            query = urllib.parse.urlencode({"query": PAGES})
            request = urllib.request.Request(f"{base}/sparql?{query}",
                                             headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=60) as answer:
                rows = json.loads(answer.read())["results"]["bindings"]
            marker = "/id/"
            paths = sorted(marker + r["thing"]["value"].split(marker, 1)[1] for r in rows if marker in r["thing"]["value"])
            urllib.request.urlopen(base + paths[0], timeout=60).read()  # the release's plans and statuses, once
            report("cold (first visit of each page)", *run(base, paths, args.clients))
            for n in range(args.rounds):
                report(f"warm, pass {n + 1}", *run(base, paths, args.clients))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
