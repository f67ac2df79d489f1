"""What the web app holds while it runs: the current release, its catalogue and its two query pools.

The web process never opens the store itself: every query runs in a worker process (eqgraph.workers),
the public endpoint's in the `sparql` pool, the pages' and saved queries' in the `pages` pool, each with
its own capacity, deadline and memory limit. The release and its pools are opened lazily and replaced
when a new build becomes current, so `eqgraph build` while the server runs swaps the graph without a
restart.
"""

from __future__ import annotations

import json
import threading
from functools import cached_property
from pathlib import Path

from ..catalogue import Catalogue, load_catalogue
from ..config import Settings
from ..namespaces import PREFIXES
from ..pooled_store import PooledStore, run_job
from ..sparql import execute
from ..store import current_release
from ..workers import Pool


class Release:
    def __init__(self, path: Path, settings: Settings, web):
        self.path = path
        self.settings = settings
        self.info = json.loads((path / "build.json").read_text(encoding="utf-8"))
        self.pages = Pool("pages", path / "store", run_job, web.pool_limits("pages"))
        self.sparql = Pool("sparql", path / "store", execute, web.pool_limits("sparql"))
        self.store = PooledStore(self.pages, path / "store")
        self.catalogue = Catalogue(self.store, load_catalogue())

    def close(self) -> None:
        self.pages.close()
        self.sparql.close()

    @cached_property
    def report(self) -> dict[str, list[dict]]:
        """SHACL results by node: the focus node, and the offending value of plan-wide rules."""
        index: dict[str, list[dict]] = {}
        for result in json.loads((self.path / "report.json").read_text(encoding="utf-8")):
            index.setdefault(result["focus"], []).append(result)
            if result.get("value") and result["value"].startswith("http"):
                index.setdefault(result["value"], []).append(result)
        return index

    @cached_property
    def graphs(self) -> dict[str, dict]:
        folder = self.path / "graphs"
        return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}

    def document_lines(self, name: str, first: int, last: int) -> list[tuple[int, str]]:
        path = self.path / "documents" / Path(name).name
        if not path.is_file():
            return []
        lines = path.read_text(encoding="utf-8").split("\n")
        return [(n, lines[n - 1]) for n in range(first, min(last, len(lines)) + 1)]


class AppState:
    def __init__(self, settings: Settings, web):
        self.settings = settings
        self.web = web
        self.prefixes = PREFIXES
        self._lock = threading.Lock()
        self._release: Release | None = None

    @property
    def release(self) -> Release:
        path = current_release(self.settings.home)
        with self._lock:
            if self._release is None or self._release.path != path:
                old, self._release = self._release, Release(path, self.settings, self.web)
                if old is not None:
                    # Requests still running on the old release finish first: its workers stop after.
                    threading.Timer(self.web.page_timeout + 1, old.close).start()
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
