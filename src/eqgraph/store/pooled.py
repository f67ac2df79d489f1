"""The store interface answered by a worker pool: every query bounded in time, memory and admission.

`PooledStore` has the same `query` and `answer` as the store it wraps, but each runs in a worker process
of a `pool.Pool` that opened the store directory itself, so a caller (the web app) gains a deadline, a
memory limit and its own capacity without changing a line. Results come back whole, as the plain values
of `results` and `terms`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .pool import Pool

MAX_ROWS = 100_000  # a page lookup never needs more; beyond it a result is cut and says `truncated`


@dataclass(frozen=True)
class Job:
    sparql: str
    bindings: tuple[tuple[str, object], ...] = ()
    limit: int = MAX_ROWS


def run_job(store, job: Job):
    """Inside a worker: one query, as `store.query` answers it."""
    return store.query(job.sparql, dict(job.bindings), limit=job.limit)


def answer_request(store, request):
    """Inside a worker: one SPARQL protocol request, as `store.answer` answers it."""
    return store.answer(request)


class PooledStore:
    """`query` through a pool whose task is `run_job` (and `answer` through one running
    `answer_request`); `path` is the store directory the workers open."""

    def __init__(self, pool: Pool, path=None, protocol_pool: Pool | None = None):
        self.pool = pool
        self.protocol_pool = protocol_pool
        self.path = path

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None, *, limit: int | None = None):
        job = Job(sparql, tuple(sorted((bindings or {}).items())), MAX_ROWS if limit is None else min(limit, MAX_ROWS))
        return self.pool.run(job, describe=sparql)

    @staticmethod
    def serialize_triples(triples, fmt: str, prefixes=None) -> bytes:
        """Triples in hand, written here: the engine's writer needs no store, so no worker."""
        from .oxigraph import OxigraphStore

        return OxigraphStore.serialize_triples(triples, fmt, prefixes)

    def answer(self, request, client: str = "", arrived: float | None = None):
        pool = self.protocol_pool or self.pool
        return pool.run(request, client=client, describe=request.query, arrived=arrived)

    async def answer_async(self, request, client: str = "", arrived: float | None = None):
        """`answer` for an asyncio caller (the server's fast path), awaited on the event loop."""
        pool = self.protocol_pool or self.pool
        return await pool.run_async(request, client=client, describe=request.query, arrived=arrived)
