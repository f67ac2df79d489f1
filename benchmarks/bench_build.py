"""Wall time and peak memory of `eqgraph build`, on the built-in data and on N synthetic plans, and
what adding one plan to the N costs.

Each case runs a build in a fresh process that starts and leaves as the `eqgraph` command does (so
start-up and exit are included in "wall") and also reports the pipeline's own timings (work after
start-up). Peak memory is the child's max RSS.

* full build: N plans into a new home (nothing to reuse);
* add one plan: N-1 plans built into a new home first (not timed), then the N plans built there, as
  `eqgraph add` does: each plan already built is reused (eqgraph.buildcache), the store of the
  previous release copied with the changed graphs replaced, the dumps' unchanged members kept. Printed
  as a share of the full build measured in the same run (target: at most 10%).

    python benchmarks/bench_build.py [--plans 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_synthetic import write_corpus  # noqa: E402

WORK_SCRIPT = """
import gc, json, sys, time
gc.disable()  # as `eqgraph build` does (cli._short_lived)
t0 = time.perf_counter()
from eqgraph.config import Settings
from eqgraph.pipeline import build
from eqgraph import resources
from pathlib import Path
t1 = time.perf_counter()
files = [Path(p) for p in sys.argv[2:]] or resources.builtin_documents()
result = build(files, Settings.from_env(home=sys.argv[1]))
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "work": t2 - t1, "triples": result.triples,
                  "actions": sum(len(p.actions) for p in result.compiled.plans),
                  "reused": result.compiled.reused, "timings": result.compiled.timings}))
from eqgraph.cli import exit_now
exit_now(0)  # as the `eqgraph` command leaves
"""


def run_once(files: list[str], home: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as fresh:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", WORK_SCRIPT, home or fresh, *files],
                              capture_output=True, text=True, check=True)
        wall = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = wall
    figures["peak_mb"] = max(peak, before) / 1024
    return figures


def report(name: str, runs: list[dict]) -> None:
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    steps = {k: statistics.median(r["timings"].get(k, 0.0) for r in runs) for k in runs[0]["timings"]}
    print(f"{name}: {runs[0]['actions']} actions, {runs[0]['triples']} triples, {len(runs)} run(s), medians:")
    print(f"  wall (process, incl. start-up) {med('wall'):7.2f} s")
    print(f"  start-up (imports)             {med('import'):7.2f} s")
    print(f"  work after start-up            {med('work'):7.2f} s")
    print("    stages (wall):                " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items() if "summed" not in k))
    print("    plan units (CPU, summed over the workers): "
          + ", ".join(f"{k.split(' (')[0]} {v:.2f}" for k, v in steps.items() if "summed" in k))
    print(f"  peak memory (max RSS)          {max(r['peak_mb'] for r in runs):7.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=100, help="synthetic plans (default 100; 0 to skip)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the built-in case (default 3)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}")
    report("built-in data", [run_once([]) for _ in range(args.repeat)])
    if args.plans:
        with tempfile.TemporaryDirectory() as folder:
            files = [str(p) for p in write_corpus(args.plans, Path(folder))]
            full = run_once(files)
            report(f"{args.plans} synthetic plans, full build", [full])
            with tempfile.TemporaryDirectory() as home:
                run_once(files[:-1], home)  # the plans already built
                added = run_once(files, home)
            report(f"add one plan to {args.plans - 1} ({added['reused']} reused)", [added])
            print(f"  add one plan / full build: work {added['work'] / full['work']:.1%}, "
                  f"wall {added['wall'] / full['wall']:.1%} (target: at most 10%)")


if __name__ == "__main__":
    main()
