"""What a build keeps for the next one: each plan's result, and each dump's pieces, by what made them.

Adding a plan to a hundred should cost what that plan costs. So the build keeps, under
`<home>/cache/build/`, every result that depends on one document only (the plan ingested, extracted, built
and validated: `pipeline.PlanUnit`), each carried-over comparison of two plans, and each named graph's
piece of every dump, in files named by a key: the SHA-256 of everything the result was made from.

A key always includes the *fingerprint*: eqgraph's own code and data (the package's Python files but
the web front end's, `data/`, `ontology/`, `shapes/`, `queries/internal/`), the versions of the libraries that shape the output, and the
graph's base IRI. Change any of them and every key changes, so nothing made by other code or data
is ever reused: the cache can only make a build faster, never different. A build that finds nothing
(a new home, `--no-cache`, another version) does all the work and gives the same bytes.

Entries are written atomically (a temporary file, then a rename) and start with the SHA-256 of their
content, so an entry cut short or altered is treated as missing, never used. After each build, entries it did not
use are removed, so the cache holds one build's worth.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import zlib
from functools import cache
from importlib import metadata
from pathlib import Path

from . import __version__, resources

LIBRARIES = ("rdflib", "pyshacl", "pyoxigraph", "pyspellchecker", "networkx")  # their output is ours
CODE_FOLDERS = ("data", "ontology", "shapes", "queries/internal")  # beside the package's own Python files


def digest(*parts: bytes | str) -> str:
    """One key from several parts (each length-prefixed, so ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.sha256()
    for part in parts:
        raw = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(raw).to_bytes(8, "big"))
        h.update(raw)
    return h.hexdigest()


@cache
def code_fingerprint() -> str:
    """eqgraph's code, data and library versions, as one digest (computed once per process)."""
    package = Path(__file__).resolve().parent
    # The web front end never runs in a build: changing a page keeps what the build made.
    files = sorted(p for p in package.rglob("*.py") if p.relative_to(package).parts[0] != "web")
    root = resources.root()
    for folder in CODE_FOLDERS:
        files += sorted(p for p in (root / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    # The interpreter and zlib shape the output too (the dumps' gzip bytes, Unicode tables, `re`).
    h = hashlib.sha256(f"{__version__} {sys.version} zlib {zlib.ZLIB_RUNTIME_VERSION}".encode("utf-8"))
    for path in files:
        h.update(str(path.relative_to(package if path.is_relative_to(package) else root)).encode("utf-8"))
        h.update(hashlib.sha256(path.read_bytes()).digest())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode("utf-8"))
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none".encode("utf-8"))
    return h.hexdigest()


def build_cache_dir(home: Path) -> Path:
    """Where a home's builds keep what they made (beside other caches: `cache/suggest` is the link
    suggester's)."""
    return home / "cache" / "build"


class BuildCache:
    """Results by key under one folder; `None` as the folder keeps nothing (every lookup misses)."""

    def __init__(self, folder: Path | None, base: str):
        self.folder = folder
        self.fingerprint = digest(code_fingerprint(), base)
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def key(self, kind: str, *parts: bytes | str) -> str:
        return f"{kind}-{digest(self.fingerprint, kind, *parts)}"

    def _path(self, key: str) -> Path:
        return self.folder / key[-2:] / key

    def has(self, key: str) -> bool:
        """Whether an entry is kept under `key` (`get` still checks that it is whole)."""
        return self.folder is not None and self._path(key).is_file()

    def get(self, key: str):
        """The value kept under `key`, or None (never kept, damaged, unreadable, or no cache)."""
        data = self.get_bytes(key)
        if data is None:
            return None
        try:
            value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a damaged entry is made again, whatever the damage
            self.misses += 1
            return None
        self.hits += 1
        return value

    def get_bytes(self, key: str) -> bytes | None:
        """The bytes kept under `key`, or None. Each entry starts with the SHA-256 of what follows, so
        an entry cut short or altered (a crash mid-write, a full disk, a stray edit) is a miss, never
        published: the cache can only make a build faster."""
        if self.folder is None:
            return None
        self.used.add(key)
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        check, body = data[:32], data[32:]
        if len(check) != 32 or hashlib.sha256(body).digest() != check:
            return None
        return body

    def keep(self, keys) -> None:
        """Marks entries as used without reading them (what a kept entry was made from, which the next
        build may need again), so `prune` leaves them."""
        if self.folder is not None:
            self.used.update(keys)

    def put(self, key: str, value) -> None:
        self._write(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_bytes(self, key: str, value: bytes) -> None:
        self._write(key, value)

    def _write(self, key: str, data: bytes) -> None:
        if self.folder is None:
            return
        self.used.add(key)
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            with os.fdopen(fd, "wb") as file:
                file.write(hashlib.sha256(data).digest())
                file.write(data)
            os.replace(temporary, path)
        except OSError:  # a cache that cannot be written only makes the next build slower
            return

    def prune(self) -> int:
        """Remove what this build did not use; returns how many entries went."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        removed = 0
        for shard in self.folder.iterdir():
            if not (shard.is_dir() and len(shard.name) == 2):  # only the folders `_path` makes
                continue
            for entry in shard.iterdir():
                if entry.name not in self.used:
                    try:
                        entry.unlink()
                        removed += 1
                    except OSError:
                        pass
        return removed
