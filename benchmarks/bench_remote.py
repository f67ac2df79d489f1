"""The build and every saved query on the embedded store, an Oxigraph server and Virtuoso 7 (issue 19).

Builds the N-plan synthetic corpus (benchmarks/make_synthetic.py) once, then for each store:

* load: the build's N-Quads into the store: for the embedded store `OxigraphStore.create` (bulk load
  into a new directory), for a remote one `RemoteStore.publish` (1 MiB chunks per graph through the
  Graph Store protocol under a new version, then the pointer switch);
* per saved query (example parameters; the plan one bound to a synthetic plan): the median of
  `--repeat` warm runs through eqgraph (`Catalogue.run`: binding, the pointer, the request, the bounded
  stream, rows as terms), and of the same text sent straight to the engine (for a remote store: the
  exact text and dataset eqgraph sent, POSTed with urllib and the JSON parsed whole; for the embedded
  store: pyoxigraph on the same text), alternating; eqgraph's overhead is the difference.

Targets: overhead under 2 ms per query (median over the catalogue), the 100-plan load into a remote
store under 60 s. The servers are started as the tests start them (tests/store/servers.py), each in a
temporary directory; Virtuoso only where `virtuoso-t` is installed.

    python benchmarks/bench_remote.py [--plans 100] [--repeat 7] [--home DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyoxigraph as ox  # noqa: E402
from make_synthetic import write_corpus  # noqa: E402

from eqgraph.catalogue import Catalogue, load_catalogue  # noqa: E402
from eqgraph.errors import StoreError  # noqa: E402
from eqgraph.config import Settings  # noqa: E402
from eqgraph.pipeline import build  # noqa: E402
from eqgraph.store import open_current  # noqa: E402
from eqgraph.store.oxigraph import OxigraphStore  # noqa: E402
from eqgraph.store.portability import differences  # noqa: E402
from eqgraph.store.remote import RemoteStore, _is_graph_query  # noqa: E402
from tests.store.servers import OxigraphServer, VirtuosoServer, virtuoso_command  # noqa: E402

SYNTHETIC_EXAMPLES = {"plan": "synthetic-002"}
MAX_OVERHEAD_MS = 2.0
MAX_LOAD_S = 60.0


def raw_embedded(store: ox.Store):
    def run(sparql: str, dataset) -> int:
        result = store.query(sparql, use_default_graph_as_union=True)
        if isinstance(result, (bool, ox.QueryBoolean)):
            return 1
        if isinstance(result, ox.QueryTriples):
            return sum(1 for _ in result)
        variables = result.variables
        return sum(1 for s in result if [s[v] for v in variables] is not None)
    return run


def raw_remote(remote: RemoteStore):
    """The same text and dataset, POSTed straight to the engine with urllib (an opener that answers the
    endpoint's authentication, as a client of that engine would need), the JSON parsed whole."""
    opener = remote.http._opener
    url = remote.endpoint.query_url

    def run(sparql: str, dataset) -> int:
        defaults, named = dataset
        fields = [("query", sparql)] + [("default-graph-uri", g) for g in defaults] + \
                 [("named-graph-uri", g) for g in named]
        construct = _is_graph_query(sparql)
        request = urllib.request.Request(url, urllib.parse.urlencode(fields).encode(), method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/n-triples" if construct else "application/sparql-results+json"})
        with opener.open(request, timeout=60) as response:
            body = response.read()
        if construct:
            return body.count(b"\n")
        answer = json.loads(body)
        return len(answer.get("results", {}).get("bindings", [])) if "results" in answer else 1
    return run


def measure(label: str, store, raw, send, repeat: int, reference: dict | None) -> dict:
    """Per query: (eqgraph median ms, raw median ms, rows); checks answers against `reference`."""
    catalogue = Catalogue(store, limit=100_000)
    figures, answers = {}, {}
    print(f"\n{label}: ms per query, median of {repeat} warm runs, eqgraph and the engine alone alternating")
    print(f"  {'query':30} {'eqgraph':>9} {'engine':>9} {'overhead':>9}  rows")
    for query in load_catalogue().values():
        values = {p.name: SYNTHETIC_EXAMPLES.get(p.name, p.example) for p in query.params
                  if p.required or p.name in SYNTHETIC_EXAMPLES}
        try:
            result = catalogue.run(query.name, values)  # warm-up
        except StoreError as exc:  # an engine that gives up (a time limit) is a finding, not a crash
            print(f"  {query.name}: FAILED on this store: {str(exc)[:200]}")
            continue
        answers[query.name] = result
        if reference is not None:
            wrong = differences(result.sparql, reference[query.name].plain_rows(), result.plain_rows())
            if wrong:
                print(f"  {query.name}: DIFFERS from the embedded store: {wrong[0][:200]}")
        text, dataset = send(result.sparql)
        ours, theirs = [], []
        try:
            for _ in range(repeat):
                started = time.perf_counter()
                catalogue.run(query.name, values)
                ours.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                raw(text, dataset)
                theirs.append((time.perf_counter() - started) * 1000)
        except (StoreError, OSError) as exc:
            print(f"  {query.name}: FAILED on this store: {str(exc)[:200]}")
            continue
        mine, engine = statistics.median(ours), statistics.median(theirs)
        figures[query.name] = (mine, engine)
        print(f"  {query.name:30} {mine:9.2f} {engine:9.2f} {mine - engine:9.2f}  {len(result.rows)}")
    overheads = [a - b for a, b in figures.values()]
    print(f"  median overhead {statistics.median(overheads):.2f} ms (target < {MAX_OVERHEAD_MS} ms), "
          f"slowest query {max(a for a, _ in figures.values()):.1f} ms")
    return {"figures": figures, "answers": answers, "overhead": statistics.median(overheads)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--home", type=Path, help="build here, or reuse the build already here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.home or Path(tmp)
        home = root / f"synthetic-{args.plans}"
        if not (home / "current").exists():
            documents = write_corpus(args.plans, root / f"corpus-{args.plans}")
            started = time.perf_counter()
            build(documents, Settings.from_env(home=home))
            print(f"built {args.plans} plans in {time.perf_counter() - started:.0f} s")
        settings = Settings.from_env(home=home)
        embedded = open_current(home)
        nquads = embedded.serialize("nq")
        quads = nquads.count(b"\n")
        print(f"{args.plans} plans: {quads} quads, {len(nquads) / 1e6:.1f} MB of N-Quads")
        started = time.perf_counter()
        OxigraphStore.create(Path(tmp) / "embedded-load", nquads)
        print(f"embedded: load {time.perf_counter() - started:.2f} s")
        reference = measure("embedded store", embedded, raw_embedded(ox.Store.read_only(str(embedded.path))),
                            lambda sparql: (sparql, ((), ())), args.repeat, None)
        results = {"embedded": (None, reference["overhead"])}
        kinds = [("Oxigraph server", OxigraphServer)]
        if virtuoso_command():
            kinds.append(("Virtuoso 7", VirtuosoServer))
        else:
            print("\n(Virtuoso not installed: virtuoso-t not found)")
        for label, kind in kinds:
            server = kind(Path(tmp) / label.split()[0].lower()).start()
            try:
                remote = RemoteStore(server.endpoint(), settings.base)
                started = time.perf_counter()
                remote.publish(nquads)
                load = time.perf_counter() - started
                print(f"\n{label}: load {load:.2f} s (target < {MAX_LOAD_S:.0f} s); "
                      f"graphs as embedded: {remote.graphs() == embedded.graphs()}")
                measured = measure(label, remote, raw_remote(remote), remote._dataset, args.repeat,
                                   reference["answers"])
                results[label] = (load, measured["overhead"])
            finally:
                server.stop()
        print("\nsummary: store, load s, median eqgraph overhead ms per query")
        failed = False
        for label, (load, overhead) in results.items():
            print(f"  {label:16} {'-' if load is None else f'{load:.2f}':>8} {overhead:8.2f}")
            failed |= (load or 0) > MAX_LOAD_S or (label != "embedded" and overhead > MAX_OVERHEAD_MS)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
