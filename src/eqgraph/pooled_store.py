"""The store interface answered by a worker pool: saved queries and pages run bounded, like SPARQL.

`PooledStore` is a `GraphStore` (eqgraph.store) whose queries run in a `workers.Pool` over the release's
store directory, so the catalogue and the pages keep their code and gain a deadline, a memory limit
and their own capacity. Results come back materialised (a page reads them whole anyway): SELECT as
`Solutions` (rows indexable by variable name, `Variable` or position, unbound is None, as pyoxigraph's
own), ASK as a bool, CONSTRUCT/DESCRIBE as a list of `Triple`s; at most `max_rows` of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from .workers import Pool, QueryFailed

MAX_ROWS = 100_000  # a saved query or page lookup that returns more is a bug or an attack; refused


@dataclass(frozen=True)
class Job:
    sparql: str
    bindings: tuple[tuple[str, object], ...] = ()
    max_rows: int = MAX_ROWS


class TooManyRows(QueryFailed):
    status = 500


def run_job(store, job: Job):
    """Inside a worker: run one query and return plain, picklable results."""
    substitutions = {ox.Variable(name): term for name, term in job.bindings}
    result = store.query(job.sparql, substitutions=substitutions or None)
    if isinstance(result, (ox.QueryBoolean, bool)):
        return bool(result)
    items = []
    if isinstance(result, ox.QueryTriples):
        for triple in result:
            items.append(triple)
            _count(items, job)
        return ("graph", items)
    variables = [v.value for v in result.variables]
    for solution in result:
        items.append(tuple(solution[v] for v in variables))
        _count(items, job)
    return ("solutions", variables, items)


def _count(items: list, job: Job) -> None:
    if len(items) > job.max_rows:
        raise TooManyRows(f"an internal query returned more than {job.max_rows} rows and was stopped")


class Solution(Mapping):
    """One row: `row["name"]`, `row[ox.Variable("name")]` or `row[0]`; an unbound variable is None."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple):
        self._index, self._values = index, values

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._values[key]
        name = key.value if isinstance(key, ox.Variable) else key
        position = self._index.get(name)
        return None if position is None else self._values[position]

    def get(self, key, default=None):
        value = self[key]
        return default if value is None else value

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


class Solutions(list):
    """SELECT results: a list of `Solution`s with the query's `variables`, like pyoxigraph's."""

    def __init__(self, variables: list[str], rows: list[tuple]):
        index = {name: i for i, name in enumerate(variables)}
        super().__init__(Solution(index, row) for row in rows)
        self.variables = [ox.Variable(name) for name in variables]


class PooledStore:
    """`GraphStore.query` through a pool; `path` is the store directory the workers open."""

    def __init__(self, pool: Pool, path=None):
        self.pool = pool
        self.path = path

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None):
        job = Job(sparql, tuple(sorted((bindings or {}).items(), key=lambda item: item[0])))
        result = self.pool.run(job, describe=sparql)
        if isinstance(result, bool):
            return result
        if result[0] == "graph":
            return result[1]
        return Solutions(result[1], result[2])
