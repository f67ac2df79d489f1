"""A remote store as the web app uses it: the same bounds as the embedded store's worker pools.

With the embedded store, the web app's queries run in two pools of worker processes (`pool`), which
bound how many run at once, how long each may take and how much memory it may use. With a remote
store the engine does the work, so what eqgraph bounds here is its own part:

* places: at most `workers` requests of a kind talk to the store at once and `queue` more wait; more is
  refused at once with `Busy` (503 + Retry-After), as the pools do;
* time: one deadline per request from its arrival at the server, queueing included; the request to the
  store gets what is left as its HTTP timeout, and an answer not in by then is `QueryTimeout` (503).
  The protocol cannot cancel a query already running in the engine, so the engine's own limit must be
  set too (Virtuoso's `MaxQueryExecutionTime`; docs/triple-stores.md);
* size: answers are read as a bounded stream (`remote_results`) within the row and byte caps;
* read-only and the SERVICE allowlist: `RemoteStore.answer` checks every query before it is sent.

Each kind (`sparql` for the public endpoint, `pages` for pages and saved queries) has its own places,
so a flood of public queries never makes a page wait, as with the pools. Counters for /health follow
the pools' names.
"""

from __future__ import annotations

import asyncio
import threading
import time

from ..errors import Busy, QueryTimeout
from .pool import PoolLimits
from .remote import RemoteStore

OUTCOMES = ("answered", "busy", "timeout", "failed")


class Places:
    """Admission for one kind of request: `workers` at once, `queue` waiting, one deadline each."""

    def __init__(self, name: str, limits: PoolLimits):
        self.name, self.limits = name, limits
        self._running = threading.BoundedSemaphore(max(1, limits.workers))
        self._lock = threading.Lock()
        self._admitted = 0
        self.stats = dict.fromkeys(OUTCOMES, 0)

    def run(self, call, arrived: float | None = None):
        """`call(seconds_left)` once a place is free; `Busy` when all places and the queue are taken."""
        started = arrived if arrived is not None else time.monotonic()
        deadline = started + self.limits.timeout
        with self._lock:
            if self._admitted >= max(1, self.limits.workers) + self.limits.queue:
                self.stats["busy"] += 1
                raise Busy(f"the {self.name} queries are at capacity; try again shortly")
            self._admitted += 1
        try:
            left = deadline - time.monotonic()
            if left <= 0 or not self._running.acquire(timeout=left):
                self._count("timeout")
                raise QueryTimeout(f"the query waited longer than {self.limits.timeout:g} s for a place")
            try:
                left = deadline - time.monotonic()
                if left <= 0.05:
                    self._count("timeout")
                    raise QueryTimeout(f"the query ran out of its {self.limits.timeout:g} s")
                try:
                    result = call(left)
                except QueryTimeout:
                    self._count("timeout")
                    raise
                except Exception:
                    self._count("failed")
                    raise
                self._count("answered")
                return result
            finally:
                self._running.release()
        finally:
            with self._lock:
                self._admitted -= 1

    def _count(self, outcome: str) -> None:
        with self._lock:
            self.stats[outcome] += 1

    def status(self) -> dict:
        with self._lock:
            return {"workers": self.limits.workers, "admitted": self._admitted,
                    "capacity": self.limits.workers + self.limits.queue, "timeout_s": self.limits.timeout,
                    **self.stats}

    def close(self) -> None:
        """Nothing to stop: the places hold no process."""


class ServedRemoteStore:
    """`query`, `answer`, `answer_async` and `serialize_triples` over a `RemoteStore`, bounded by
    `pages` (queries) and `sparql` (the protocol) places, as `PooledStore` is by its pools."""

    def __init__(self, store: RemoteStore, pages: Places, sparql: Places):
        self.store, self.pages, self.sparql = store, pages, sparql
        self.path = None

    def query(self, sparql: str, bindings=None, *, limit: int | None = None):
        return self.pages.run(lambda left: self.store.with_timeout(left).query(sparql, bindings, limit=limit))

    def answer(self, request, client: str = "", arrived: float | None = None):
        return self.sparql.run(lambda left: self.store.with_timeout(left).answer(request), arrived)

    async def answer_async(self, request, client: str = "", arrived: float | None = None):
        """`answer` in a thread: the event loop never waits on the store."""
        return await asyncio.to_thread(self.answer, request, client, arrived)

    def serialize_triples(self, triples, fmt: str, prefixes=None) -> bytes:
        return self.store.serialize_triples(triples, fmt, prefixes)

    def graphs(self):
        return self.store.graphs()
