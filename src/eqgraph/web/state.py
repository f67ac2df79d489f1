"""What the web app holds while it runs: the current release, its store, catalogue and query workers.

The store and everything derived from it are opened lazily and reopened when a new build becomes
current, so `eqgraph build` while the server runs swaps the graph without a restart.
"""

from __future__ import annotations

import json
import threading
from functools import cached_property
from pathlib import Path

from ..catalogue import Catalogue, load_catalogue
from ..config import Settings
from ..namespaces import PREFIXES
from ..store import OxigraphStore, current_release


class Release:
    def __init__(self, path: Path, settings: Settings):
        self.path = path
        self.settings = settings
        self.store = OxigraphStore.open(path / "store")
        self.catalogue = Catalogue(self.store, load_catalogue())
        self.info = json.loads((path / "build.json").read_text(encoding="utf-8"))

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
        self._executor = None

    @property
    def release(self) -> Release:
        path = current_release(self.settings.home)
        with self._lock:
            if self._release is None or self._release.path != path:
                old_executor, self._executor = self._executor, None
                self._release = Release(path, self.settings)
                if old_executor is not None:
                    old_executor.close()
            return self._release

    @property
    def executor(self):
        from ..sparql import Executor

        release = self.release
        with self._lock:
            if self._executor is None:
                self._executor = Executor(release.path / "store", workers=self.web.query_workers,
                                          timeout=self.web.query_timeout)
            return self._executor

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.close()
                self._executor = None
