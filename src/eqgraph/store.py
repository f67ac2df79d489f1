"""Store: where a built graph lives and how it is queried, behind one small interface.

`GraphStore` is what the rest of eqgraph uses: SPARQL with parameters bound as RDF terms (never pasted
into the query text), a triple count, and serialisation. The embedded default is pyoxigraph on disk
(`OxigraphStore`); a remote SPARQL endpoint can implement the same interface.

Built graphs are published as releases under the eqgraph home directory:

    <home>/releases/<stamp>/store/   the pyoxigraph database
    <home>/releases/<stamp>/build.json   what was built from what, counts and validation summary
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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from .errors import StoreError

FORMATS: dict[str, tuple[ox.RdfFormat, str, str]] = {
    # name: (pyoxigraph format, media type, file extension)
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle", "ttl"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples", "nt"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", "jsonld"),
    "xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml", "rdf"),
}
KEEP_RELEASES = 2


class GraphStore(Protocol):
    def query(self, sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None): ...

    def triple_count(self) -> int: ...

    def serialize(self, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes: ...


class OxigraphStore:
    """The embedded store: a pyoxigraph database in a directory."""

    def __init__(self, store: ox.Store, path: Path | None = None):
        self._store = store
        self.path = path

    @classmethod
    def open(cls, path: Path) -> "OxigraphStore":
        try:
            return cls(ox.Store.read_only(str(path)), path)
        except OSError as exc:
            raise StoreError(f"cannot open the graph store at {path}: {exc}") from exc

    @classmethod
    def create(cls, path: Path, ntriples: bytes) -> "OxigraphStore":
        store = ox.Store(str(path))
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        return cls(store, path)

    def query(self, sparql: str, bindings=None):
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        return self._store.query(sparql, substitutions=substitutions or None)

    def triple_count(self) -> int:
        return len(self._store)

    def serialize(self, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
        rdf_format = FORMATS[fmt][0]
        triples = (q.triple for q in self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        kwargs = {"prefixes": dict(prefixes)} if prefixes and fmt in ("turtle", "xml") else {}
        return ox.serialize(triples, format=rdf_format, **kwargs)


# --- releases ---------------------------------------------------------------------------------------

def current_release(home: Path) -> Path:
    link = home / "current"
    if not link.exists():
        raise StoreError(f"no graph has been built in {home} yet: run `eqgraph build` first")
    return link.resolve()


def open_current(home: Path) -> OxigraphStore:
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
