"""Whether two stores answer a saved query alike: the rule the portability tests and the remote
benchmark apply, kept in one place.

Two answers agree when they hold the same rows as a set (a multiset: duplicates count), and, when the
query has an ORDER BY over projected variables, when the rows' sort keys come in the same order: rows
with equal keys (ties) may come in any order, which SPARQL allows. Two things SPARQL leaves to the
engine are not counted as differences:

* the order of the values inside a `GROUP_CONCAT` (SPARQL 1.1 §18.5.1.7 does not define it), so a
  column made by one is compared as the multiset of its parts;
* the label of a blank node (none of the saved queries returns one; they would compare as "_:").
"""

from __future__ import annotations

import re
from collections import Counter

_CONCAT = re.compile(r"""GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?SEPARATOR\s*=\s*(["'])(.*?)\1\s*\)[^()]*?\bAS\s+\?(\w+)""",
                     re.IGNORECASE | re.DOTALL)
_BIND = re.compile(r"\bBIND\s*\((.*?)\bAS\s+\?(\w+)\s*\)", re.IGNORECASE | re.DOTALL)
_ORDER = re.compile(r"\bORDER\s+BY\s+(.+?)(?:\bLIMIT\b|\bOFFSET\b|\Z)", re.IGNORECASE | re.DOTALL)
_KEY = re.compile(r"(?:(ASC|DESC)\s*\(\s*\?(\w+)\s*\)|\?(\w+))|(\S)", re.IGNORECASE)


def concatenated(sparql: str) -> dict[str, str]:
    """Columns made by GROUP_CONCAT with an explicit separator: variable -> separator; also a column
    a BIND makes from one (`BIND(IF(?n > 0, ?joined, ?none) AS ?owners)`)."""
    found = {m.group(3): m.group(2) for m in _CONCAT.finditer(sparql)}
    for match in _BIND.finditer(sparql):
        for name, separator in list(found.items()):
            if re.search(rf"\?{name}\b", match.group(1)):
                found.setdefault(match.group(2), separator)
    return found


def order_keys(sparql: str) -> list[str] | None:
    """The ORDER BY variables of the outermost query, or None when it orders by an expression (then
    only the set of rows is compared)."""
    matches = list(_ORDER.finditer(sparql))
    if not matches:
        return []
    keys = []
    for match in _KEY.finditer(matches[-1].group(1).strip()):
        if match.group(4):
            if match.group(4) in "}":
                break
            return None
        keys.append(match.group(2) or match.group(3))
    return keys


def _plain(value, separator: str | None):
    if value is None or separator is None:
        return value
    return tuple(sorted(value.split(separator)))


def normalised(sparql: str, rows: list[dict]) -> list[tuple]:
    """Rows (plain dicts of strings, as `QueryResult.plain_rows`) as comparable tuples."""
    concat = concatenated(sparql)
    return [tuple(sorted((k, _plain(v, concat.get(k))) for k, v in row.items())) for row in rows]


def differences(sparql: str, expected: list[dict], found: list[dict]) -> list[str]:
    """What differs between two answers to `sparql` (empty when they agree)."""
    a, b = normalised(sparql, expected), normalised(sparql, found)
    problems = []
    if Counter(a) != Counter(b):
        missing, extra = Counter(a) - Counter(b), Counter(b) - Counter(a)
        problems.append(f"rows differ: {len(expected)} against {len(found)}; "
                        f"missing {list(missing)[:2]}, extra {list(extra)[:2]}")
        return problems
    keys = order_keys(sparql)
    if keys:
        sequence = [tuple(row.get(k) for k in keys) for row in expected]
        if sequence != [tuple(row.get(k) for k in keys) for row in found]:
            problems.append(f"order differs by {keys}")
    return problems
