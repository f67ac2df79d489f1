"""/sparql against the engine's own server and against a bare handler, in one run (issue 15, point 5).

It builds the built-in graph in a temporary home (or uses --home), exports it as N-Triples, loads the same
triples into an Oxigraph server store (`oxigraph load`, then `oxigraph serve-read-only`; the `oxigraph`
command comes from PyPI's `oxigraph` package, which the project does not depend on: `pip install oxigraph`;
with --quads the named graphs go across too and Oxigraph answers from their union, as eqgraph does), starts three servers on free 127.0.0.1 ports and runs four
phases of --duration seconds each, C clients (8) on keep-alive HTTP/1.1 connections, GET ?query=...,
Accept: application/sparql-results+json:

1. eqgraph /sparql, the four-query mix (below), round-robin, each client starting at a different query;
2. Oxigraph server /query, the same mix;
3. eqgraph /sparql, `ASK {}` (the cheapest query there is);
4. a bare Flask handler returning a constant SPARQL JSON answer, served by `eqgraph.web.server.serve`,
   that is the same Hypercorn + RequestGuard + thread pool stack as eqgraph, `ASK {}` too.

It prints requests/s (answers with status 200 only), p50 / p90 / p99 / max latency (of the 200s), the
other statuses (eqgraph answers 503 at once when more queries arrive than its sparql pool admits: with the
defaults, 2 workers + 4 waiting < 8 clients), where the machine's CPU went in each phase (cores used by the
server process, by its children, i.e. eqgraph's query workers, by the clients in this process and by every
other process; the load of others skews every figure, so read the ratios, and use --rounds on a busy
machine), the server's CPU time per answer, and the ratios the issue targets: the mix's
throughput against Oxigraph server's (>= 0.5) and its p99 against Oxigraph's (<= 3), and the cheap ASK's
throughput against the bare handler's (>= 0.6). It is a measurement: exit 0 whether or not a target held
(1 only when a server cannot be started). A table first checks that both engines give the same answers.
EQGRAPH_* variables in the environment reach both Hypercorn servers (EQGRAPH_QUERY_WORKERS, ...), and
PYTHONPATH reaches every Python process it starts, so another checkout's src/ can be measured.

    python benchmarks/bench_endpoint.py [--duration 10] [--clients 8] [--rounds 1] [--quads]
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import free_port  # noqa: E402
from procstat import CpuShare, pct  # noqa: E402

PREFIXES = """PREFIX eqg: <https://w3id.org/eqgraph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# The four-query mix: an ASK, a COUNT over everything, the 2017 plan's objective-1 action list
# (the endpoint page's first example), a label CONTAINS filter.
MIX = {
    "ask": PREFIXES + 'ASK { ?action eqg:targetsCommunity|eqg:mentionsCommunity ?c . '
                      '?c skos:prefLabel "Tamil parents"@en }',
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "objective-1": PREFIXES + """SELECT ?action ?ref ?title WHERE {
  ?action eqg:inObjective ?objective ; eqg:ref ?ref ; dcterms:title ?title .
  ?objective eqg:objectiveNumber 1 ; eqg:inPlan/dcterms:identifier "merton-2017-18" .
} ORDER BY ?ref""",
    "label-contains": PREFIXES + """SELECT ?thing ?label WHERE {
  ?thing skos:prefLabel|rdfs:label ?label . FILTER(CONTAINS(LCASE(STR(?label)), "disab"))
} ORDER BY ?thing ?label""",
}
CHEAP_ASK = "ASK {}"
HEADERS = {"Accept": "application/sparql-results+json"}
TARGETS = {"mix": 0.5, "p99": 3.0, "ask": 0.6}

# The bare handler: a constant answer on the very stack `eqgraph serve` uses (serve() skips the release
# set-up for an app without config["EQGRAPH"]).
BARE_APP = """
import sys
from flask import Flask, Response
from eqgraph.web.server import ServerSettings, serve

app = Flask("bare")
BODY = b'{"head": {}, "boolean": true}'

@app.route("/sparql", methods=["GET", "POST"])
def sparql():
    return Response(BODY, content_type="application/sparql-results+json")

serve(app, ServerSettings.from_env(host="127.0.0.1", port=int(sys.argv[1])))
"""
EQGRAPH_CLI = "import sys; from eqgraph.cli import main; sys.exit(main())"


def path_for(endpoint: str, query: str) -> str:
    return f"{endpoint}?query={urllib.parse.quote(query)}"


# --- measuring ---------------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.1f}"


@dataclass
class Phase:
    name: str
    server: str
    latencies: list[float] = field(default_factory=list)  # of the 200s
    by_query: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    wall: float = 0.0
    cpu: tuple[float, ...] = (math.nan,) * 4
    load: float = math.nan

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else math.nan

    def merge(self, other: Phase) -> None:
        self.latencies += other.latencies
        for k, v in other.by_query.items():
            self.by_query.setdefault(k, []).extend(v)
        self.statuses.update(other.statuses)
        weight = self.wall
        self.wall += other.wall
        self.cpu = tuple(other.cpu[i] if not weight else (self.cpu[i] * weight + other.cpu[i] * other.wall)
                         / self.wall for i in range(4))
        self.load = other.load if not weight else max(self.load, other.load)


def connect(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def load(port: int, paths: list[tuple[str, str]], clients: int, duration: float, pid: int, phase: Phase) -> Phase:
    """`clients` threads, one keep-alive connection each, sending `paths` ((label, path) pairs) round-robin
    for `duration` seconds; a connection the server closes is reopened."""
    per_thread: list[list[tuple[str, object, float]]] = [[] for _ in range(clients)]
    gate = threading.Barrier(clients + 1)
    end = [0.0]

    def client(n: int) -> None:
        out = per_thread[n]
        conn = connect(port)
        i = n
        gate.wait()
        while time.perf_counter() < end[0]:
            label, path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=HEADERS)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    conn = connect(port)
            except Exception as exc:  # noqa: BLE001 - a failure is a figure
                status = type(exc).__name__
                conn.close()
                conn = connect(port)
            out.append((label, status, time.perf_counter() - started))
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    cpu = CpuShare(pid)
    started = time.perf_counter()
    end[0] = started + duration
    gate.wait()
    for t in threads:
        t.join(timeout=duration + 60)
    phase.wall = time.perf_counter() - started
    cores = cpu.stop()
    phase.cpu = (cores.server, cores.workers, cores.bench, cores.other)
    phase.load = os.getloadavg()[0]
    for records in per_thread:
        for label, status, elapsed in records:
            phase.statuses[status] += 1
            if status == 200:
                phase.latencies.append(elapsed)
                phase.by_query.setdefault(label, []).append(elapsed)
    return phase


# --- servers -----------------------------------------------------------------------------------------

def get(port: int, path: str) -> tuple[int, bytes]:
    conn = connect(port)
    try:
        conn.request("GET", path, headers=HEADERS)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_up(port: int, path: str, process: subprocess.Popen, name: str, log: Path, timeout: float = 120) -> None:
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode} before answering; its log:\n"
                             + log.read_text(encoding="utf-8", errors="replace")[-3000:])
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{name} did not answer {path} within {timeout:g} s; see {log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def find_oxigraph(given: str | None) -> str | None:
    if given:
        return given
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def answer_size(body: bytes) -> str:
    """What a SPARQL JSON answer holds, for the sanity table: a boolean, a count, or a number of rows."""
    try:
        data = json.loads(body)
    except ValueError:
        return "not JSON"
    if "boolean" in data:
        return str(data["boolean"]).lower()
    rows = data["results"]["bindings"]
    if len(rows) == 1 and len(rows[0]) == 1:
        return f"1 row ({next(iter(rows[0].values()))['value']})"
    return f"{len(rows)} rows"


# --- the run -----------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10, help="seconds of each phase (10)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent keep-alive clients (8)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the four phases this many times, interleaved, and pool the figures (1)")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of unmeasured load before each phase (1)")
    parser.add_argument("--home", help="use the graph already built in this EQGRAPH_HOME instead of building one")
    parser.add_argument("--oxigraph", help="the `oxigraph` command (default: beside this Python, or on PATH)")
    parser.add_argument("--logs", help="keep the servers' logs in this folder")
    parser.add_argument("--quads", action="store_true",
                        help="give Oxigraph server the named graphs too (N-Quads, --union-default-graph), so it "
                             "answers from the union as eqgraph does; default: N-Triples in its default graph")
    args = parser.parse_args()

    import eqgraph

    oxigraph = find_oxigraph(args.oxigraph)
    settings = {k: v for k, v in sorted(os.environ.items()) if k.startswith("EQGRAPH_") and k != "EQGRAPH_HOME"}
    print(f"bench_endpoint: {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.clients} clients, {args.duration:g} s per "
          f"phase, {args.rounds} round(s); eqgraph from {Path(eqgraph.__file__).parent}; server settings from "
          f"the environment: {settings or 'defaults'}")
    started_all = time.monotonic()
    py = sys.executable

    with tempfile.TemporaryDirectory(prefix="eqgraph-endpoint-") as tmp:
        tmp_path = Path(tmp)
        logs = Path(args.logs) if args.logs else tmp_path
        logs.mkdir(parents=True, exist_ok=True)
        home = args.home or str(tmp_path / "home")
        if not args.home:
            subprocess.run([py, "-c", EQGRAPH_CLI, "build", "--out", home, "--quiet"], check=True)
        nt = tmp_path / ("graph.nq" if args.quads else "graph.nt")
        subprocess.run([py, "-c", EQGRAPH_CLI, "export", "--format", "nquads" if args.quads else "nt", "-o", str(nt),
                        "--out", home], check=True, stderr=subprocess.DEVNULL)
        triples = sum(1 for line in nt.open("rb") if line.strip() and not line.startswith(b"#"))

        servers: dict[str, tuple[subprocess.Popen, int]] = {}
        opened = []
        try:
            def start(name: str, command: list[str], probe: str) -> None:
                port = free_port()
                log_path = logs / f"{name}.log"
                log_file = open(log_path, "wb")
                opened.append(log_file)
                process = subprocess.Popen([c.replace("{port}", str(port)) for c in command],
                                           stdout=log_file, stderr=subprocess.STDOUT)
                servers[name] = (process, port)
                wait_up(port, probe, process, name, log_path)

            start("eqgraph", [py, "-c", EQGRAPH_CLI, "serve", "--port", "{port}", "--out", home],
                  path_for("/sparql", CHEAP_ASK))
            start("bare flask", [py, "-c", BARE_APP, "{port}"], path_for("/sparql", CHEAP_ASK))
            if oxigraph:
                store = tmp_path / "oxigraph"
                subprocess.run([oxigraph, "load", "--location", str(store), "--file", str(nt)], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                version = subprocess.run([oxigraph, "--version"], check=False, capture_output=True,
                                         text=True).stdout.strip()
                start("oxigraph", [oxigraph, "serve-read-only", "--location", str(store), "--bind",
                                   "127.0.0.1:{port}"] + (["--union-default-graph"] if args.quads else []),
                      path_for("/query", CHEAP_ASK))
            else:
                version = "not found: `pip install oxigraph` (PyPI) gives the `oxigraph` command"
            print(f"graph: {triples} {'quads' if args.quads else 'triples'}; Oxigraph server: {version}"
                  + (", named graphs, union default graph" if args.quads else ", all in its default graph"))
            try:
                pool = json.loads(get(servers["eqgraph"][1], "/health")[1])["pools"]["sparql"]
                print(f"eqgraph's sparql pool: {pool['workers']} workers, {pool['capacity']} requests admitted at "
                      f"once (beyond that 503 at once), deadline {pool['timeout_s']:g} s")
            except (OSError, ValueError, KeyError, TypeError):
                print("eqgraph's sparql pool: /health did not say")
            print()

            # Both engines must give the same answers, or the comparison means nothing.
            print(f"{'query':16} {'eqgraph /sparql':>20} {'oxigraph /query':>20}")
            for label, query in MIX.items():
                ours = get(servers["eqgraph"][1], path_for("/sparql", query))
                theirs = (get(servers["oxigraph"][1], path_for("/query", query)) if "oxigraph" in servers
                          else (0, b""))
                mark = "" if not theirs[0] or answer_size(ours[1]) == answer_size(theirs[1]) else "  DIFFERENT"
                print(f"{label:16} {f'{ours[0]} ' + answer_size(ours[1]):>20} "
                      f"{(f'{theirs[0]} ' + answer_size(theirs[1])) if theirs[0] else '-':>20}{mark}")
            print()

            plan = [("mix", "eqgraph", "/sparql", list(MIX.items())),
                    ("mix", "oxigraph", "/query", list(MIX.items())),
                    ("ASK {}", "eqgraph", "/sparql", [("ASK {}", CHEAP_ASK)]),
                    ("ASK {}", "bare flask", "/sparql", [("ASK {}", CHEAP_ASK)])]
            results: dict[tuple[str, str], Phase] = {}
            for _ in range(args.rounds):
                for name, server, endpoint, queries in plan:
                    if server not in servers:
                        continue
                    process, port = servers[server]
                    paths = [(label, path_for(endpoint, q)) for label, q in queries]
                    if args.warmup:
                        load(port, paths, args.clients, args.warmup, process.pid, Phase(name, server))
                    phase = load(port, paths, args.clients, args.duration, process.pid, Phase(name, server))
                    results.setdefault((name, server), Phase(name, server)).merge(phase)
                    if process.poll() is not None:
                        raise SystemExit(f"{server} exited during the {name} phase")
        finally:
            for process, _ in servers.values():
                stop(process)
            for f in opened:
                f.close()

    print(f"{'phase':8} {'server':11} {'200s':>7} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} "
          f"{'max ms':>7}  {'other answers':16} {'CPU cores: server/workers/clients/other':39} "
          f"{'CPU ms/ans':>10} {'load':>5}")
    for (name, server), p in results.items():
        other = ", ".join(f"{k} x{v}" for k, v in p.statuses.items() if k != 200) or "-"
        cpu = " / ".join(f"{c:.2f}" for c in p.cpu)
        per_answer = (p.cpu[0] + p.cpu[1]) * p.wall / max(1, sum(p.statuses.values())) * 1000
        print(f"{name:8} {server:11} {len(p.latencies):7} {p.rate:7.0f} {ms(pct(p.latencies, 50)):>7} "
              f"{ms(pct(p.latencies, 90)):>7} {ms(pct(p.latencies, 99)):>7} {ms(pct(p.latencies, 100)):>7}  "
              f"{other:16} {cpu:39} {per_answer:10.2f} {p.load:5.2f}")

    print("\nthe mix by query, ms p50 / p99 (200s only)")
    print(f"{'query':16} {'eqgraph':>16} {'oxigraph':>16}")
    for label in MIX:
        cells = []
        for server in ("eqgraph", "oxigraph"):
            values = results.get(("mix", server), Phase("", "")).by_query.get(label, [])
            cells.append(f"{ms(pct(values, 50))} / {ms(pct(values, 99))}")
        print(f"{label:16} {cells[0]:>16} {cells[1]:>16}")

    def ratio(a, b):
        return a / b if b and not math.isnan(a) and not math.isnan(b) else math.nan

    mix_e, mix_o = results.get(("mix", "eqgraph")), results.get(("mix", "oxigraph"))
    ask_e, ask_b = results.get(("ASK {}", "eqgraph")), results.get(("ASK {}", "bare flask"))
    rows = []
    if mix_e and mix_o:
        rows.append(("mix throughput, eqgraph / oxigraph", ratio(mix_e.rate, mix_o.rate), ">=", TARGETS["mix"]))
        rows.append(("mix p99, eqgraph / oxigraph", ratio(pct(mix_e.latencies, 99), pct(mix_o.latencies, 99)),
                     "<=", TARGETS["p99"]))
    else:
        rows.append(("mix, eqgraph / oxigraph", math.nan, "", math.nan))
    if ask_e and ask_b:
        rows.append(("ASK {} throughput, eqgraph / bare flask", ratio(ask_e.rate, ask_b.rate), ">=",
                     TARGETS["ask"]))
    print("\nissue 15 targets")
    for label, value, op, target in rows:
        if math.isnan(value):
            verdict = "not measured"
        else:
            held = value >= target if op == ">=" else value <= target
            verdict = "held" if held else "MISSED"
        print(f"  {label:42} {value:6.2f}x   target {op} {target:g}x: {verdict}")
    print(f"\nwhole run {time.monotonic() - started_all:.0f} s; load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
