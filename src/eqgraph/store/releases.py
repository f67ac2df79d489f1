"""Releases: where built graphs live on disk, published atomically.

Built graphs are published as releases under the eqgraph home directory:

    <home>/releases/<stamp>/store/   the pyoxigraph database
    <home>/releases/<stamp>/build.json   what was built from what, counts and validation summary
    <home>/releases/<stamp>/dumps/       the whole graph, gzip-compressed, one file per format
    <home>/current -> releases/<stamp>

A build writes a new release in a temporary directory and switches `current` with an atomic rename of a
symlink, so a failed or interrupted build leaves the previous graph in place and readers never see a
half-written one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from ..errors import StoreError

KEEP_RELEASES = 2

def current_release(home: Path) -> Path:
    link = home / "current"
    if not link.exists():
        raise StoreError(f"no graph has been built in {home} yet: run `eqgraph build` first")
    return link.resolve()


def open_current(home: Path):
    """The current release's store, opened read-only in this process."""
    from .oxigraph import OxigraphStore

    return OxigraphStore.open(current_release(home) / "store")


def release_info(home: Path) -> dict:
    return json.loads((current_release(home) / "build.json").read_text(encoding="utf-8"))


def publish_release(home: Path, write: Callable[[Path], None]) -> Path:
    """Run `write(directory)` into a fresh release and make it current atomically."""
    releases = home / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=releases))
    try:
        write(staging)
        # Names sort in build order (nanoseconds break ties within a second).
        final = releases / f"{time.strftime('%Y%m%dT%H%M%S')}.{time.time_ns() % 10**9:09d}"
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    link = home / f".current-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    os.symlink(final.relative_to(home), link)
    os.replace(link, home / "current")
    _prune(releases, keep={final.name})
    return final


def _prune(releases: Path, keep: set[str]) -> None:
    """Drop old releases, keeping the newest few (a server may still be reading the previous one)."""
    done = sorted((p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name, reverse=True)
    for old in done[KEEP_RELEASES:]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    for stale in releases.glob(".staging-*"):
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)


class ReleaseFiles:
    """What a release holds beside its graph, read by the web app: the build summary, the SHACL results
    by node, the graph views, the source documents and the whole-graph dumps. Read here, and only
    here, so a store whose graph lives elsewhere (a remote triple store) can serve them from wherever
    it keeps them."""

    def __init__(self, path: Path):
        self.path = path

    @property
    def name(self) -> str:
        return self.path.name

    @cached_property
    def info(self) -> dict:
        return json.loads((self.path / "build.json").read_text(encoding="utf-8"))

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
    def views(self) -> dict[str, dict]:
        folder = self.path / "graphs"
        return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}

    @property
    def dumps(self) -> list[dict]:
        """The whole-graph dumps the build wrote (`file`, `format`, `bytes`, `sha256`), in the order of
        formats.ON_DUMPS; none for a release built before dumps existed."""
        return [dict(entry) for entry in self.info.get("dumps", [])]

    def dump_file(self, name: str) -> Path | None:
        """A dump's file, only when `name` is one the build recorded: anything else (another file of the
        release, `../build.json`, a name with a slash) is None."""
        if not any(entry.get("file") == name for entry in self.info.get("dumps", [])) or "/" in name:
            return None
        path = self.path / "dumps" / name
        return path if path.is_file() else None

    def document_lines(self, name: str, first: int, last: int) -> list[tuple[int, str]]:
        path = self.path / "documents" / Path(name).name
        if not path.is_file():
            return []
        lines = path.read_text(encoding="utf-8").split("\n")
        return [(n, lines[n - 1]) for n in range(first, min(last, len(lines)) + 1)]
