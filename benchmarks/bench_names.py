"""How long it takes to read a typed name back to a thing (eqgraph.naming via Catalogue.resolve).

    python benchmarks/bench_names.py [--repeat 200]

Runs against the current graph (`eqgraph build` first). Prints, per typed name, the median and
slowest time of a warm resolve, from exact labels to descriptions and names that are refused. Every
query with a parameter pays this once per value, before the store is asked anything.
"""

from __future__ import annotations

import argparse
import statistics
import time

from eqgraph.catalogue import Catalogue, Param, ParameterError
from eqgraph.config import Settings
from eqgraph.store import open_current

CASES = [
    ("community", "BAME"), ("community", "ethnic minority"), ("community", "BME groups"),
    ("community", "people with autism"), ("community", "Children in east Merton"),
    ("community", "non-BME"), ("community", "electors"), ("partner", "police"),
    ("partner", "British Transport Police"), ("department", "Libraries & Heritage"),
    ("strategy", "Children & Young People Plan"), ("community", "x" * 200),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    catalogue = Catalogue(open_current(Settings.from_env().home))
    print(f"typed name -> what it reads as; ms per resolve, median (max) of {args.repeat} warm runs")
    for type_name, typed in CASES:
        param = Param(name=type_name, type=type_name)
        try:  # warm: the pick-list of names is fetched from the store once per type
            outcome = catalogue.resolve(param, typed).value.rsplit("/", 1)[-1]
        except ParameterError:
            outcome = "(refused)"
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            try:
                catalogue.resolve(param, typed)
            except ParameterError:
                pass
            times.append((time.perf_counter() - started) * 1000)
        shown = typed if len(typed) <= 30 else typed[:27] + "..."
        print(f"  {type_name:10} {shown:32} {statistics.median(times):7.3f} ({max(times):7.3f})  {outcome}")


if __name__ == "__main__":
    main()
