"""Write a synthetic corpus of N action plans made from the two built-in documents.

Each synthetic plan is a new document with its own plan id (listed in a plans.yaml beside the files) and
its own title line: plans come in strategies of four yearly updates ("Synthetic Equality Strategy 3
1912-15 Action Plan - Year 2 update"), so each plan has its own title and period, the updates of one
strategy report on the same commitments and consecutive strategies are read for carried-over ones. The
two built-in layouts alternate between strategies; the text of each action is varied (a plan-specific
suffix on the key activity) so that the plans are different documents, not byte copies.

    python benchmarks/make_synthetic.py 100 benchmarks/out/synthetic
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from eqgraph import resources  # noqa: E402

# First cell of an action row in either layout: "1.2.17 ..." / "3. ..." (possibly in its own cell).
_ACTION_ROW = re.compile(r"^(?:<p>)?(\d+\.\d+\.\d+|\d+\.)(\s|\t)")


def vary(text: str, number: int) -> str:
    """Mark every numbered action row with the plan number, keeping the table intact."""
    out = []
    for line in text.split("\n"):
        cells = line.split("\t")
        if len(cells) >= 5 and _ACTION_ROW.match(line):
            index = 1 if cells[0].strip().rstrip(".").replace(".", "").isdigit() else 0
            cells[index] = f"{cells[index]} (synthetic plan {number})"
            line = "\t".join(cells)
        out.append(line)
    return "\n".join(out)


UPDATES = 4  # yearly updates per synthetic strategy


def title_line(strategy: int, update: int) -> str:
    first = 1900 + UPDATES * strategy
    return (f"Appendix 1 – Synthetic Equality Strategy {strategy} {first}-{(first + UPDATES) % 100:02d} "
            f"Action Plan - Year {update} update")


def write_corpus(count: int, folder: Path) -> list[Path]:
    """`count` distinct plans: strategies of `UPDATES` yearly updates each, every plan with its own title
    line (strategy, years, update: its period is read from it) and its own text; a strategy keeps one
    layout, the two built-in layouts alternating between strategies."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [p.read_text(encoding="utf-8") for p in resources.builtin_documents()]
    paths, manifest = [], ["plans:"]
    for number in range(1, count + 1):
        strategy, update = (number - 1) // UPDATES + 1, (number - 1) % UPDATES + 1
        lines = vary(sources[strategy % 2], number).split("\n")
        if lines[0].startswith("Appendix"):
            lines[0] = title_line(strategy, update)
        else:
            lines.insert(0, title_line(strategy, update))
        path = folder / f"synthetic-{number:03d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
        manifest += [f"  - id: synthetic-{number:03d}", f"    file: {path.name}",
                     "    publisher: London Borough of Merton"]
    (folder / "plans.yaml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, nargs="?", default=100)
    parser.add_argument("folder", type=Path, nargs="?", default=Path("benchmarks/out/synthetic"))
    args = parser.parse_args()
    paths = write_corpus(args.count, args.folder)
    print(f"wrote {len(paths)} plans to {args.folder}")


if __name__ == "__main__":
    main()
