"""Latency of every saved query on the embedded store: median over repeated warm runs.

Runs each query (with its example parameters) on the built-in data and on a synthetic corpus of N
plans (benchmarks/make_synthetic.py), after one warm-up run, and prints the median and worst latency.

    python benchmarks/bench_queries.py [--plans 100] [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_synthetic import write_corpus  # noqa: E402

from eqgraph import resources  # noqa: E402
from eqgraph.catalogue import Catalogue, load_catalogue  # noqa: E402
from eqgraph.config import Settings  # noqa: E402
from eqgraph.pipeline import build  # noqa: E402
from eqgraph.store import open_current  # noqa: E402

SYNTHETIC_EXAMPLES = {"plan": "synthetic-002"}  # the built-in example plan ids do not exist there


def measure(home: Path, repeat: int, label: str, overrides: dict[str, str]) -> None:
    store = open_current(home)
    catalogue = Catalogue(store, limit=100_000)
    print(f"{label}: {store.triple_count()} triples; ms per query, median (max) of {repeat} warm runs")
    slow = []
    for query in load_catalogue().values():
        values = {p.name: overrides.get(p.name, p.example) for p in query.params if p.required or p.name in overrides}
        catalogue.run(query.name, values)  # warm-up (also fills the label lookups)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            result = catalogue.run(query.name, values)
            times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times)
        slow.append((median, query.name))
        print(f"  {query.name:30} {median:8.2f} ({max(times):8.2f})  {len(result.rows)} rows")
    print(f"  slowest: {max(slow)[1]} {max(slow)[0]:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "builtin"
        build(resources.builtin_documents(), Settings.from_env(home=home))
        measure(home, args.repeat, "built-in data", {})
        if args.plans:
            files = write_corpus(args.plans, Path(tmp) / "docs")
            home = Path(tmp) / "synthetic"
            build(files, Settings.from_env(home=home))
            measure(home, max(3, args.repeat // 4), f"{args.plans} synthetic plans", SYNTHETIC_EXAMPLES)


if __name__ == "__main__":
    main()
