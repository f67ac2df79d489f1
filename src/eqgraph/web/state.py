"""What the web app holds while it runs: the current release, its catalogue and its two query pools.

The web process never opens the store itself: every query runs in a worker process (eqgraph.store.pool),
the public endpoint's in the `sparql` pool, the pages' and saved queries' in the `pages` pool, each with
its own capacity, deadline and memory limit. The release and its pools are opened lazily and replaced
when a new build becomes current, so `eqgraph build` while the server runs swaps the graph without a
restart.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ..catalogue import Catalogue, load_catalogue
from ..config import Settings
from ..namespaces import PREFIXES
from ..store import ReleaseFiles, current_release
from ..store.pool import Pool
from ..store.pooled import PooledStore, answer_request, run_job


class Release:
    """One release as the web app serves it: its files, and a store answered by its two pools (with a
    remote store, by two sets of places with the same limits: `store.remote_served`)."""

    def __init__(self, path: Path, settings: Settings, web, endpoint=None):
        self.path = path
        self._memo: dict[str, object] = {}
        self._memo_lock = threading.Lock()
        self._key_locks: dict[str, threading.RLock] = {}
        self.settings = settings
        self.files = ReleaseFiles(path)
        if endpoint is not None:
            from ..store.remote import RemoteStore
            from ..store.remote_served import Places, ServedRemoteStore

            self.pages = Places("pages", web.pool_limits("pages"))
            self.sparql = Places("sparql", web.pool_limits("sparql"))
            self.store = ServedRemoteStore(RemoteStore(endpoint, settings.base), self.pages, self.sparql)
            self.catalogue = Catalogue(self.store, load_catalogue())
            return
        self.pages = Pool("pages", path / "store", run_job, web.pool_limits("pages"))
        self.sparql = Pool("sparql", path / "store", answer_request, web.pool_limits("sparql"))
        self.store = PooledStore(self.pages, path / "store", protocol_pool=self.sparql)
        self.catalogue = Catalogue(self.store, load_catalogue())

    def memo(self, key: str, compute):
        """What depends on the release alone (charts, counts, pick-lists, the search index), computed
        by `compute()` on first use and kept for the release's life: a new build is a new Release, so
        nothing kept here is ever stale. One computation per key even when requests race for it; each
        key has its own lock, so a slow one (the search index) never holds up another, and one memo
        may be computed from another."""
        try:
            return self._memo[key]
        except KeyError:
            pass
        with self._memo_lock:
            lock = self._key_locks.setdefault(key, threading.RLock())
        with lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    def close(self) -> None:
        self.pages.close()
        self.sparql.close()

    @property
    def info(self) -> dict:
        return self.files.info

    @property
    def report(self) -> dict[str, list[dict]]:
        return self.files.report

    @property
    def graphs(self) -> dict[str, dict]:
        return self.files.views

    def document_lines(self, name: str, first: int, last: int) -> list[tuple[int, str]]:
        return self.files.document_lines(name, first, last)


class AppState:
    def __init__(self, settings: Settings, web, endpoint=None):
        from ..store.endpoint import Endpoint

        self.settings = settings
        self.web = web
        # A remote store (EQGRAPH_ENDPOINT ..., which `eqgraph serve --endpoint` sets) or None.
        self.endpoint = endpoint if endpoint is not None else Endpoint.from_env()
        self.prefixes = PREFIXES
        self._lock = threading.Lock()
        self._release: Release | None = None
        self._link: str | None = None  # where `current` pointed when the release was opened

    @property
    def release(self) -> Release:
        """The current release, resolved once per request: a build landing mid-request does not make
        one page read two releases."""
        from flask import g, has_request_context

        if not has_request_context():
            return self._current()
        release = g.get("eqgraph_release")
        if release is None:
            release = g.eqgraph_release = self._current()
        return release

    def _current(self) -> Release:
        release = self._release
        if release is not None:  # one system call when nothing changed: is `current` still this release?
            try:
                if os.readlink(self.settings.home / "current") == self._link:
                    return release
            except OSError:
                pass
        path = current_release(self.settings.home)
        with self._lock:
            try:
                self._link = os.readlink(self.settings.home / "current")
            except OSError:
                self._link = None
            if self._release is None or self._release.path != path:
                old, self._release = self._release, Release(path, self.settings, self.web, self.endpoint)
                if old is not None:
                    # Requests still running on the old release finish first: its workers stop after.
                    # (Every query is over by then: none outlives its pool's deadline.)
                    threading.Timer(max(self.web.page_timeout, self.web.query_timeout) + 1, old.close).start()
            return self._release

    def health(self) -> dict:
        """What an operator checks: the graph served and how the query pools are doing."""
        release = self.release
        return {"release": release.path.name, "built": release.info.get("built"),
                "pools": {"sparql": release.sparql.status(), "pages": release.pages.status()}}

    def close(self) -> None:
        with self._lock:
            if self._release is not None:
                self._release.close()
                self._release = None
