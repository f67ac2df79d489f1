"""Writing query results for people and programs: an aligned table, JSON, CSV or TSV.

JSON is an array with one object per row, keys the variable names, values strings (IRIs as IRIs,
literals as their lexical form) or null when unbound. CSV and TSV follow the SPARQL 1.1 results
CSV/TSV conventions loosely: CSV plain values, TSV with tabs and newlines in values escaped.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from .catalogue import QueryResult

MAX_CELL = 80


def write_result(result: QueryResult, fmt: str, out: TextIO) -> None:
    rows = result.plain_rows()
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows([["" if r[v] is None else r[v] for v in result.variables] for r in rows])
    elif fmt == "tsv":
        out.write("\t".join(result.variables) + "\n")
        for r in rows:
            out.write("\t".join(_tsv(r[v]) for v in result.variables) + "\n")
    else:
        _table(result.variables, rows, out)
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{', truncated' if result.truncated else ''}, "
                  f"{result.elapsed * 1000:.1f} ms)\n")


def _tsv(value: str | None) -> str:
    if value is None:
        return ""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _table(variables: list[str], rows: list[dict], out: TextIO) -> None:
    def cell(value):
        text = "" if value is None else " ".join(str(value).split())
        return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"

    cells = [[cell(r[v]) for v in variables] for r in rows]
    widths = [max([len(v)] + [len(c[i]) for c in cells]) for i, v in enumerate(variables)]
    out.write("  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for c in cells:
        out.write("  ".join(x.ljust(w) for x, w in zip(c, widths)).rstrip() + "\n")
