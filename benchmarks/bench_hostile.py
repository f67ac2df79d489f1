"""A bounded hostile-load run against `eqgraph serve` on loopback (issue 14, "How it will be checked").

It starts its own server on a free 127.0.0.1 port over a graph built in a temporary home (or --home), runs
the phases below against that one server, prints its figures as tables and stops the server. Exit code 1
if a target is missed. EQGRAPH_* variables in the environment reach the server (EQGRAPH_THREADS,
EQGRAPH_QUERY_NICE, EQGRAPH_HEADER_TIMEOUT, ...), so settings can be tried without editing anything.

Phases, in order:

1. baseline: C clients fetch pages and saved queries in a loop, nothing hostile running (the reference
   the hostile figures are divided by);
2. a 10 MB string literal, `ASK { FILTER("xxx…" = "y") }`, sent three ways (POST with Content-Length,
   POST chunked, GET in the URL): expect a refusal (413, or 4xx / connection closed for the GET) with the
   server's memory (total PSS) rising by less than 50 MB;
3. `ASK {} a.a.a…` of 60 KB and 200 KB (POST): answered or refused within 1 s;
4. the main run, all at the same time for --duration seconds:
   - --idle sockets opened and left silent, --slowloris of them trickling a header line every --trickle
     seconds; every socket the server closes is reopened, so about --idle stay open throughout; the
     time each lived and what the server sent before closing are recorded;
   - --runaways client threads each POSTing a CPU-bound runaway query to /sparql; after each answer a
     client pauses --pause seconds (1 s by default), then sends it again. Target: every answer is 503
     (busy or timeout) within the query deadline + 1 s;
   - C clients fetching pages and saved queries (load_test.py's MIX without the ad-hoc /sparql entry)
     in a loop. Target: no error, p99 < 1 s;
   - one probe sending a cheap ASK to /sparql every second (information only: a saturated endpoint is
     expected to answer it 503);
   - memory: total PSS of the server and all its descendants (the query workers) every --sample seconds.
     Target: < 1.5 GB;
5. afterwards: every MIX URL answers 200, an ASK on /sparql answers 200, and /health shows the pools'
   counters.

    python benchmarks/bench_hostile.py [--duration 30] [--idle 500] [--slowloris 50] [--runaways 50]
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import resource
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import MIX, free_port  # noqa: E402 - the same mix of pages as the plain load run
from procstat import Cores, CpuShare, pct, tree, tree_pss  # noqa: E402

PAGES = [path for path in MIX if not path.startswith("/sparql")]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP_ASK = "ASK { ?s ?p ?o }"
MB = 1 << 20


# --- measuring ---------------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return "-" if seconds != seconds else f"{seconds * 1000:.0f} ms"


def described(cores: Cores) -> str:
    return (f"CPU busy {cores.used:.2f} of {cores.available:.1f} cores: server process {cores.server:.2f}, its query "
            f"workers {cores.workers:.2f}, benchmark {cores.bench:.2f}, other processes {cores.other:.2f}; "
            f"load average {os.getloadavg()[0]:.2f}")


class MemorySampler(threading.Thread):
    """Total PSS of the server's process tree every `interval` seconds, from start until stopped."""

    def __init__(self, pid: int, interval: float):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int, int]] = []  # (monotonic, bytes, processes)
        self.lock = threading.Lock()
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            total, procs = tree_pss(self.pid)
            with self.lock:
                self.samples.append((time.monotonic(), total, procs))
            self.halt.wait(self.interval)

    def between(self, start: float, end: float) -> list[tuple[float, int, int]]:
        with self.lock:
            return [s for s in self.samples if start <= s[0] <= end]


# --- HTTP clients ------------------------------------------------------------------------------------

def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 30) -> tuple[int | str, bytes, dict]:
    """(status or exception name, body, headers) of one request on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    except Exception as exc:  # noqa: BLE001 - every failure is a figure
        return type(exc).__name__, b"", {}
    finally:
        conn.close()


def page_loop(port: int, clients: int, stop: threading.Event) -> tuple[list[float], list[str], list[tuple]]:
    """`clients` threads fetching PAGES round-robin until `stop`: (latencies, errors, timeline), the
    timeline holding (seconds after the start, latency, path) of every request."""
    latencies: list[float] = []
    errors: list[str] = []
    timeline: list[tuple] = []
    lock = threading.Lock()
    t0 = time.perf_counter()

    def client(offset: int) -> None:
        n = offset
        while not stop.is_set():
            path = PAGES[n % len(PAGES)]
            n += 1
            started = time.perf_counter()
            status, _, _ = request(port, "GET", path)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(f"{path}: {status}")
                timeline.append((started - t0, elapsed, path))

    threads = [threading.Thread(target=client, args=(i * 3,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    stop.wait()
    for t in threads:
        t.join(timeout=60)
    return latencies, errors, timeline


class IdleHolder(threading.Thread):
    """Holds `count` sockets open to the server; `slow` of them trickle a header line every `trickle` s.
    A socket the server closes is recorded (kind, lifetime, first bytes it sent) and reopened."""

    def __init__(self, port: int, count: int, slow: int, trickle: float, interval: float):
        super().__init__(daemon=True)
        self.port, self.count, self.slow, self.trickle, self.interval = port, count, slow, trickle, interval
        self.halt = threading.Event()
        self.sel = selectors.DefaultSelector()
        self.open: dict[socket.socket, dict] = {}
        self.closed: list[tuple[str, float, bytes, float]] = []  # kind, lifetime, what was sent, at
        self.connect_failures: Counter = Counter()
        self.held: list[tuple[float, int]] = []
        self.opened_total = 0
        self.started = time.monotonic()

    def _open(self, kind: str, slot: int) -> None:
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=3)
        except OSError as exc:
            self.connect_failures[type(exc).__name__] += 1
            return
        s.setblocking(False)
        now = time.monotonic()
        info = {"kind": kind, "opened": now, "got": b"", "slot": slot, "lines": 0,
                "next": now + (slot % max(1, self.slow)) * self.trickle / max(1, self.slow)}
        if kind == "slowloris":
            try:
                s.send(b"GET /about HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            except OSError:
                pass
        self.open[s] = info
        self.sel.register(s, selectors.EVENT_READ)
        self.opened_total += 1

    def _close(self, s: socket.socket) -> tuple[str, int]:
        """Record a socket the server closed; (kind, slot) to reopen it with."""
        info = self.open.pop(s)
        self.sel.unregister(s)
        s.close()
        now = time.monotonic()
        self.closed.append((info["kind"], now - info["opened"], info["got"][:40], now - self.started))
        return info["kind"], info["slot"]

    def run(self) -> None:
        self.started = time.monotonic()
        for i in range(self.count):
            self._open("slowloris" if i < self.slow else "idle", i)
        last_sample = 0.0
        while not self.halt.is_set():
            reopen = []  # closes are all recorded first, then reopened, so their times are not skewed
            for key, _ in self.sel.select(timeout=0.1):
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if data:
                    self.open[s]["got"] += data
                else:
                    reopen.append(self._close(s))
            now = time.monotonic()
            for s, info in list(self.open.items()):
                if info["kind"] == "slowloris" and now >= info["next"]:
                    info["next"] = now + self.trickle
                    info["lines"] += 1
                    try:
                        s.send(b"X-Trickle-%d: x\r\n" % info["lines"])
                    except BlockingIOError:
                        pass
                    except OSError:
                        reopen.append(self._close(s))
            for kind, slot in reopen:
                self._open(kind, slot)
            if len(self.open) < self.count:  # a reopen that failed: try again
                kinds = Counter(i["kind"] for i in self.open.values())
                missing = [("slowloris", 0)] * (self.slow - kinds["slowloris"]) + \
                    [("idle", self.slow)] * (self.count - self.slow - kinds["idle"])
                for kind, slot in missing[:50]:
                    self._open(kind, slot)
            if now - last_sample >= self.interval:
                last_sample = now
                self.held.append((now, len(self.open)))
        for s in list(self.open):
            info = self.open.pop(s)
            self.sel.unregister(s)
            s.close()
            del info


def runaway_clients(port: int, count: int, pause: float, deadline: float, stop: threading.Event,
                    start: float) -> tuple[list[tuple], list[threading.Thread]]:
    """`count` threads: POST the runaway query, wait for the answer, pause, repeat until `stop`.
    Records (sent at, status, kind, latency, has Retry-After)."""
    records: list[tuple] = []
    lock = threading.Lock()
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}

    def client() -> None:
        while not stop.is_set():
            sent = time.perf_counter()
            status, body, got = request(port, "POST", "/sparql", RUNAWAY.encode(), headers, timeout=deadline + 30)
            latency = time.perf_counter() - sent
            text = body.decode("utf-8", "replace").lower()
            if status == 503 and "within" in text:
                kind = "503 timeout"
            elif status == 503 and "busy" in text:
                kind = "503 busy"
            elif status == 503:
                kind = "503 other"
            else:
                kind = f"other ({status})"
            retry = any(k.lower() == "retry-after" for k in got)
            with lock:
                records.append((sent - start, status, kind, latency, retry))
            stop.wait(pause)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(count)]
    for t in threads:
        t.start()
    return records, threads


def probe_loop(port: int, stop: threading.Event) -> list[tuple[int | str, float]]:
    """A cheap ASK every second, for information: what an ordinary SPARQL client sees meanwhile."""
    results: list[tuple[int | str, float]] = []
    path = "/sparql?query=" + urllib.parse.quote(CHEAP_ASK)
    while not stop.is_set():
        started = time.perf_counter()
        status, _, _ = request(port, "GET", path, headers={"Accept": "application/sparql-results+json"},
                               timeout=30)
        results.append((status, time.perf_counter() - started))
        stop.wait(1.0)
    return results


# --- the oversized requests ---------------------------------------------------------------------------

def raw_exchange(port: int, head: bytes, body_chunks, timeout: float = 20) -> tuple[str, float]:
    """Send `head`, then the chunks from another thread, and read what the server answers: (first
    response line or what happened, seconds until the answer or the close)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    started = time.perf_counter()
    sent = [0]

    def sender() -> None:
        try:
            s.sendall(head)
            for chunk in body_chunks:
                s.sendall(chunk)
                sent[0] += len(chunk)
        except OSError:  # the server answered and closed, or the socket was shut below: expected
            pass

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    got = b""
    try:
        while b"\r\n" not in got:
            data = s.recv(65536)
            if not data:
                break
            got += data
    except OSError as exc:
        got = got or f"({type(exc).__name__})".encode()
    elapsed = time.perf_counter() - started
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()
    t.join(timeout=5)
    line = got.split(b"\r\n", 1)[0].decode("latin-1").strip() if got else "(closed without an answer)"
    line += f" ({sent[0] / MB:.2f} MB of the body sent by then)"
    return line, elapsed


def big_literal_cases(size: int):
    literal = b'ASK { FILTER("' + b"x" * size + b'" = "y") }'
    step = 64 << 10

    def plain():
        for i in range(0, len(literal), step):
            yield literal[i:i + step]

    def chunked():
        for i in range(0, len(literal), step):
            piece = literal[i:i + step]
            yield b"%x\r\n" % len(piece) + piece + b"\r\n"
        yield b"0\r\n\r\n"

    common = b"Host: 127.0.0.1\r\nAccept: application/sparql-results+json\r\nConnection: close\r\n"
    yield ("POST, Content-Length", b"POST /sparql HTTP/1.1\r\n" + common +
           b"Content-Type: application/sparql-query\r\nContent-Length: %d\r\n\r\n" % len(literal), plain())
    yield ("POST, chunked", b"POST /sparql HTTP/1.1\r\n" + common +
           b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n", chunked())
    quoted = urllib.parse.quote(literal).encode()
    url = [quoted[i:i + step] for i in range(0, len(quoted), step)] + [b" HTTP/1.1\r\n" + common + b"\r\n"]
    yield ("GET, query in the URL", b"GET /sparql?query=", iter(url))


def high_water(pid: int) -> int:
    """Bytes of the process's peak resident set so far (VmHWM): catches a spike between samples."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def memory_during(pid: int, action, settle: float = 1.0) -> tuple[object, int, int]:
    """Run `action()` while sampling the tree's PSS every 50 ms: (result, before, peak)."""
    before = min(tree_pss(pid)[0] for _ in range(3))
    peak = [before]
    halt = threading.Event()

    def sample():
        while not halt.is_set():
            peak[0] = max(peak[0], tree_pss(pid)[0])
            halt.wait(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    result = action()
    time.sleep(settle)
    halt.set()
    t.join()
    return result, before, peak[0]


# --- output --------------------------------------------------------------------------------------------

class Report:
    def __init__(self):
        self.rows: list[tuple[str, str, str, str]] = []
        self.missed: list[str] = []

    def section(self, title: str) -> None:
        self.rows.append((title, "", "", ""))

    def add(self, what: str, value: str, target: str = "", held: bool | None = None) -> None:
        verdict = "" if held is None else ("yes" if held else "NO")
        if held is False:
            self.missed.append(what)
        self.rows.append(("  " + what, value, target, verdict))

    def print(self) -> None:
        rows = [r for r in self.rows if r[1] or r[2] or r[3]]
        w0 = max(len(r[0]) for r in rows + [("measure",)])
        w2 = max(len(r[2]) for r in rows + [("", "", "target")])
        print(f"{'measure':<{w0}}  {'target':<{w2}}  held  value")
        print(f"{'-' * w0}  {'-' * w2}  ----  {'-' * 40}")
        for row in self.rows:
            if row in rows:
                print(f"{row[0]:<{w0}}  {row[2]:<{w2}}  {row[3]:<4}  {row[1]}")
            else:
                print(row[0])


def fmt_mb(n: float) -> str:
    return f"{n / MB:.0f} MB"


# --- the run -------------------------------------------------------------------------------------------

def raise_nofile() -> tuple[int, int]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def wait_up(port: int, server: subprocess.Popen) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode} before answering")
        if request(port, "GET", "/about", timeout=2)[0] == 200:
            return
        time.sleep(0.2)
    raise SystemExit("the server did not answer /about within 30 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=30, help="seconds of the main hostile run (30)")
    parser.add_argument("--baseline", type=float, default=10, help="seconds of the quiet reference run (10)")
    parser.add_argument("--clients", type=int, default=8, help="page clients (8)")
    parser.add_argument("--idle", type=int, default=500, help="idle connections held open (500)")
    parser.add_argument("--slowloris", type=int, default=50, help="of those, trickling header lines (50)")
    parser.add_argument("--trickle", type=float, default=3, help="seconds between trickled header lines (3)")
    parser.add_argument("--runaways", type=int, default=50, help="concurrent runaway-query clients (50)")
    parser.add_argument("--pause", type=float, default=1, help="seconds a runaway client waits after an answer (1)")
    parser.add_argument("--sample", type=float, default=0.5, help="seconds between memory samples (0.5)")
    parser.add_argument("--big-mb", type=float, default=10, help="MB of the oversized string literal (10)")
    parser.add_argument("--memory-limit-mb", type=float, default=1536, help="target for total PSS (1536)")
    parser.add_argument("--home", help="use the graph already built in this EQGRAPH_HOME instead of building one")
    parser.add_argument("--log", help="keep the server's log in this file")
    args = parser.parse_args()

    nofile = raise_nofile()
    exe = Path(sys.executable).with_name("eqgraph")
    report = Report()
    header_timeout = float(os.environ.get("EQGRAPH_HEADER_TIMEOUT", 10))
    settings = {k: v for k, v in sorted(os.environ.items()) if k.startswith("EQGRAPH_")}
    print(f"bench_hostile: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"open files {nofile[0]}/{nofile[1]}; server settings from the environment: {settings or 'defaults'}")
    started_all = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="eqgraph-hostile-") as tmp:
        home = args.home or tmp
        if not args.home:
            subprocess.run([str(exe), "build", "--out", home, "--quiet"], check=True)
        port = free_port()
        log_path = Path(args.log or Path(tmp) / "server.log")
        log_file = open(log_path, "wb")
        server = subprocess.Popen([str(exe), "serve", "--port", str(port), "--out", home],
                                  stdout=log_file, stderr=subprocess.STDOUT)
        sampler = None
        try:
            wait_up(port, server)
            health = json.loads(request(port, "GET", "/health")[1])
            deadline = health["pools"]["sparql"]["timeout_s"]
            for path in MIX:  # warm every page once
                request(port, "GET", path)
            sampler = MemorySampler(server.pid, args.sample)
            sampler.start()

            # 1. the quiet reference
            cpu = CpuShare(server.pid)
            stop = threading.Event()
            threading.Timer(args.baseline, stop.set).start()
            base_lat, base_err, _ = page_loop(port, args.clients, stop)
            base_cpu = described(cpu.stop())
            base50, base99 = pct(base_lat, 50), pct(base_lat, 99)
            report.section(f"Baseline: {args.clients} page clients, nothing hostile, {args.baseline:g} s  "
                           f"[{base_cpu}]")
            report.add("requests / errors", f"{len(base_lat)} / {len(base_err)}")
            report.add("latency p50 / p95 / p99 / max",
                       " / ".join(ms(pct(base_lat, p)) for p in (50, 95, 99, 100)))

            # 2. a 10 MB string literal
            report.section(f"{args.big_mb:g} MB string literal (total PSS before the first: "
                           f"{fmt_mb(tree_pss(server.pid)[0])})")
            for name, head, chunks in big_literal_cases(int(args.big_mb * MB)):
                hwm = high_water(server.pid)
                (line, took), before, peak = memory_during(server.pid, lambda: raw_exchange(port, head, chunks))
                hwm_rise = high_water(server.pid) - hwm
                status = line.split()[1] if line.startswith("HTTP/") else ""
                refused = status in ("413", "414", "431", "400") or line.startswith("(")
                report.add(f"{name}: answer", f"{line} after {ms(took)}", "refused (413 or 4xx)", refused)
                report.add(f"{name}: memory rise", f"{fmt_mb(peak - before)} total PSS (peak {fmt_mb(peak)}); "
                           f"server's peak RSS rose {fmt_mb(hwm_rise)}", "< 50 MB",
                           peak - before < 50 * MB and hwm_rise < 50 * MB)

            # 3. long nonsense queries
            report.section("ASK {} a.a.a... (POST application/sparql-query)")
            for size, is_target in ((60 << 10, True), (200 << 10, False)):
                query = ("ASK {} " + "a." * size)[:size]
                t0 = time.perf_counter()
                status, body, _ = request(port, "POST", "/sparql", query.encode(),
                                          {"Content-Type": "application/sparql-query",
                                           "Accept": "application/sparql-results+json"})
                took = time.perf_counter() - t0
                report.add(f"{size >> 10} KB", f"{status} after {ms(took)}",
                           "answered or refused < 1 s" + ("" if is_target else " (information)"),
                           (took < 1 and isinstance(status, int) and status < 500) if is_target else None)

            # 4. the main hostile run
            load_before = os.getloadavg()[0]
            cpu = CpuShare(server.pid)
            stop = threading.Event()
            t_start = time.monotonic()
            holder = IdleHolder(port, args.idle, args.slowloris, args.trickle, 0.5)
            holder.start()
            records, runaway_threads = runaway_clients(port, args.runaways, args.pause, deadline, stop,
                                                       time.perf_counter())
            probe: list = []
            probe_thread = threading.Thread(target=lambda: probe.extend(probe_loop(port, stop)), daemon=True)
            probe_thread.start()
            threading.Timer(args.duration, stop.set).start()
            hostile_lat, hostile_err, timeline = page_loop(port, args.clients, stop)
            for t in runaway_threads:
                t.join(timeout=deadline + 40)
            probe_thread.join(timeout=40)
            holder.halt.set()
            holder.join(timeout=10)
            t_end = time.monotonic()
            main_cpu = described(cpu.stop())

            report.section(f"Main run, {args.duration:g} s, everything at once (load average at its start "
                           f"{load_before:.2f})  [{main_cpu}]")
            report.section(f" {args.clients} page clients ({len(PAGES)} pages and saved queries, round-robin)")
            p = {q: pct(hostile_lat, q) for q in (50, 95, 99, 100)}
            report.add("requests / errors", f"{len(hostile_lat)} / {len(hostile_err)}"
                       + (f" (first: {hostile_err[0]})" if hostile_err else ""), "no error", not hostile_err)
            report.add("latency p50 / p95 / p99 / max", " / ".join(ms(p[q]) for q in (50, 95, 99, 100)))
            report.add("p99", ms(p[99]), "< 1000 ms", p[99] < 1)
            report.add("ratio to baseline: p50 / p99 / throughput",
                       f"{p[50] / base50:.1f}x / {p[99] / base99:.1f}x / "
                       f"{(len(hostile_lat) / args.duration) / (len(base_lat) / args.baseline):.2f}x")
            windows: dict[int, list[float]] = {}
            for at, latency, _ in timeline:
                windows.setdefault(int(at // 5) * 5, []).append(latency)
            report.add("p99 / max by 5 s window", ", ".join(
                f"{w}-{w + 5} s {pct(v, 99) * 1000:.0f}/{max(v) * 1000:.0f}" for w, v in sorted(windows.items())))
            slow = [(at, latency, path) for at, latency, path in timeline if latency > 1]
            if slow:
                by_path = Counter(path for _, _, path in slow)
                report.add(f"{len(slow)} requests over 1 s, sent at (s)",
                           ", ".join(f"{at:.1f}" for at, _, _ in slow[:15])
                           + "; by path: " + ", ".join(f"{k} {v}" for k, v in by_path.most_common(3)))

            report.section(f" {args.runaways} runaway clients (pause {args.pause:g} s after each answer; "
                           f"deadline {deadline:g} s)")
            kinds = Counter(r[2] for r in records)
            late = [r for r in records if r[3] > deadline + 1]
            report.add("answers", f"{len(records)}: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()),
                       "all 503 busy/timeout", all(r[2] in ("503 busy", "503 timeout") for r in records))
            for kind in sorted(kinds):
                lat = [r[3] for r in records if r[2] == kind]
                report.add(f"  {kind} latency p50 / max", f"{ms(pct(lat, 50))} / {ms(max(lat))}")
            report.add("slowest answer", ms(max((r[3] for r in records), default=math.nan)),
                       f"< {(deadline + 1) * 1000:.0f} ms", not late)
            if late:
                report.add(f"{len(late)} late answers: sent at (s) / took", ", ".join(
                    f"{r[0]:.1f}/{r[3]:.1f}" for r in sorted(late)[:15]))
            report.add("503s without Retry-After", str(sum(1 for r in records if r[1] == 503 and not r[4])))

            closes = Counter(c[0] for c in holder.closed)
            report.section(f" {args.idle} idle connections ({args.slowloris} trickling a header line every "
                           f"{args.trickle:g} s; header timeout {header_timeout:g} s)")
            held = [h for t, h in holder.held]
            report.add("connections held (min / mean / max of 0.5 s samples)",
                       f"{min(held, default=0)} / {sum(held) / max(1, len(held)):.0f} / {max(held, default=0)}"
                       f" ({holder.opened_total} opened in all)")
            for kind in ("idle", "slowloris"):
                lives = [c[1] for c in holder.closed if c[0] == kind]
                said = Counter((c[2].split(b"\r\n", 1)[0].decode("latin-1") or "nothing") for c in holder.closed
                               if c[0] == kind)
                report.add(f"{kind}: closed by the server", f"{closes[kind]}" + (
                    f", after {min(lives):.1f} / {pct(lives, 50):.1f} / {max(lives):.1f} s (min/median/max); "
                    f"sent before closing: " + ", ".join(f"{k!r} x{v}" for k, v in said.most_common(3))
                    if lives else ""))
            first = sorted(c[3] for c in holder.closed)
            if first:
                report.add("first / last close, s after opening began", f"{first[0]:.1f} / {first[-1]:.1f}")
            report.add("connect failures", ", ".join(f"{k} {v}" for k, v in holder.connect_failures.items()) or "0")

            report.section(" probe: a cheap ASK on /sparql every second (information)")
            report.add("answers", ", ".join(f"{k} {v}" for k, v in Counter(s for s, _ in probe).most_common())
                       + f"; latency p50 {ms(pct([t for _, t in probe], 50))}, max "
                       f"{ms(max((t for _, t in probe), default=math.nan))}")

            report.section(" memory: total PSS of the server and its descendants")
            main_samples = sampler.between(t_start, t_end)
            start_pss = main_samples[0][1] if main_samples else 0
            top = max(main_samples, key=lambda s: s[1]) if main_samples else (0, 0, 0)
            report.add("at the start / max", f"{fmt_mb(start_pss)} / {fmt_mb(top[1])} "
                       f"(at {top[0] - t_start:.1f} s, {top[2]} processes; {len(main_samples)} samples, "
                       f"up to {max((s[2] for s in main_samples), default=0)} processes)",
                       f"< {args.memory_limit_mb:g} MB", top[1] < args.memory_limit_mb * MB)

            # 5. afterwards
            report.section("Afterwards")
            failures = []
            for path in MIX:
                status = request(port, "GET", path)[0]
                if status != 200:
                    failures.append(f"{path} {status}")
            report.add("every MIX URL", f"{len(MIX) - len(failures)}/{len(MIX)} answered 200"
                       + (f"; {', '.join(failures)}" if failures else ""), "all 200", not failures)
            status = request(port, "POST", "/sparql", CHEAP_ASK.encode(),
                             {"Content-Type": "application/sparql-query",
                              "Accept": "application/sparql-results+json"})[0]
            report.add("ASK on /sparql (POST)", str(status), "200", status == 200)
            status, body, _ = request(port, "GET", "/health")
            try:
                pools = json.loads(body)["pools"]
            except (ValueError, KeyError):
                pools = {}
            report.add("/health", str(status), "200 with pool counters", status == 200 and bool(pools))
            for name, counters in pools.items():
                report.add(f"  pool {name}", ", ".join(f"{k}={v}" for k, v in counters.items()))
            report.add("total PSS now", fmt_mb(tree_pss(server.pid)[0]) + f" ({len(tree(server.pid))} processes)")
        finally:
            if sampler is not None:
                sampler.halt.set()
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log_file.close()
        log_lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        events = Counter()
        for line in log_lines:
            for word in ("query busy", "query timeout", "query memory", "query crash", "query refused",
                         "query error", "refused ", "Traceback"):
                if word in line:
                    name = line.split(" WARNING ")[-1].split(":")[0] if "query" in word else word.strip()
                    events[name] += 1
                    break
        report.add("server log", f"{len(log_lines)} lines; " +
                   (", ".join(f"{k} {v}" for k, v in events.most_common()) or "no refusals logged"))
        # The pool's own clock (from admission) beside the client's: where a late answer lost its time.
        inside = [int(line.split(" after=", 1)[1].split("ms", 1)[0]) for line in log_lines
                  if "sparql query timeout" in line and " after=" in line]
        if inside:
            report.add("  timeouts by the pool's clock (admission to answer)",
                       f"p50 {pct(inside, 50):.0f} ms, max {max(inside)} ms (the client's max is above)")

    print(f"whole run {time.monotonic() - started_all:.0f} s; load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    report.print()
    print()
    if report.missed:
        print("targets missed: " + "; ".join(report.missed))
        return 1
    print("every target held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
