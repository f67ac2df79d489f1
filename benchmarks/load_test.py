"""A bounded load run against `eqgraph serve` on loopback: N requests from C concurrent clients over a
mix of pages, saved queries, entity pages, downloads and SPARQL queries. Prints throughput, latency
percentiles and errors. It starts its own server on a free 127.0.0.1 port and stops it afterwards.

    python benchmarks/load_test.py [--requests 2000] [--clients 8]
"""

from __future__ import annotations

import argparse
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=300, help="stop after this many seconds anyway")
    args = parser.parse_args()
    exe = Path(sys.executable).with_name("eqgraph")
    with tempfile.TemporaryDirectory() as home:
        subprocess.run([str(exe), "build", "--out", home, "--quiet"], check=True)
        port = free_port()
        server = subprocess.Popen([str(exe), "serve", "--port", str(port), "--out", home],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/about", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            for path in MIX:  # warm every page once
                urllib.request.urlopen(base + path, timeout=30).read()
            latencies: list[float] = []
            errors: list[str] = []
            lock = threading.Lock()
            counter = iter(range(args.requests))
            deadline = time.time() + args.time_limit

            def worker():
                while time.time() < deadline:
                    with lock:
                        n = next(counter, None)
                    if n is None:
                        return
                    path = MIX[n % len(MIX)]
                    started = time.perf_counter()
                    try:
                        with urllib.request.urlopen(base + path, timeout=30) as response:
                            response.read()
                            ok = response.status == 200
                    except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                        ok = False
                        with lock:
                            errors.append(f"{path}: {exc}")
                    elapsed = time.perf_counter() - started
                    with lock:
                        latencies.append(elapsed)
                        if not ok and not errors:
                            errors.append(path)

            started = time.perf_counter()
            threads = [threading.Thread(target=worker) for _ in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    print(f"{len(latencies)} requests from {args.clients} clients in {wall:.1f} s: "
          f"{len(latencies) / wall:.0f} requests/s; errors: {len(errors)}")
    print(f"latency ms: p50 {q[49] * 1000:.1f}, p90 {q[89] * 1000:.1f}, p99 {q[98] * 1000:.1f}, "
          f"max {latencies[-1] * 1000:.1f}")
    for error in errors[:5]:
        print("  error:", error)


if __name__ == "__main__":
    main()
