"""Whole-graph dumps: every triple of a release in one gzip-compressed file per format.

Why files written at build time rather than a CONSTRUCT through /sparql: the endpoint caps answers at
`EQGRAPH_MAX_ROWS` (10,000 triples by default, fewer than the built-in graph holds), and a dump
computed per request would cost a worker's time for every download. Written once, a dump is a static
file with an ETag (its digest).

Reproducible: the store writes its quads in a fixed order (`OxigraphStore.dump`) and gzip is told
neither a time (mtime 0) nor a file name, so the same inputs give byte-identical files.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path

from ..formats import ON_DUMPS, Format

COMPRESS_LEVEL = 6  # zlib's default: level 9 costs twice the time for 1-2% less
BUFFER = 1 << 20  # bytes gathered before each write into a gzip stream


def dump_name(fmt: Format) -> str:
    """The file name of a format's dump: `eqgraph.nt.gz`, `eqgraph.jsonld.gz`, ..."""
    return f"eqgraph.{fmt.extension}.gz"


def write_dumps(store, folder: Path, prefixes: Mapping[str, str]) -> list[dict]:
    """Write every format of ON_DUMPS into `folder`; returns what the release records of each (file,
    format, bytes, sha256), in the order of ON_DUMPS."""
    folder.mkdir()
    with ExitStack() as files:
        outputs = {}
        for fmt in ON_DUMPS:
            raw = files.enter_context(open(folder / dump_name(fmt), "wb"))
            # filename="" keeps the name out of the header (GzipFile would take it from `raw`); the
            # buffer turns the writers' many small writes into few calls to zlib.
            packed = files.enter_context(
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=COMPRESS_LEVEL, mtime=0))
            outputs[fmt.writer] = files.enter_context(io.BufferedWriter(packed, BUFFER))
        store.dump(outputs, prefixes)  # one read of the store for every format
    written = []
    for fmt in ON_DUMPS:
        path = folder / dump_name(fmt)
        digest = hashlib.sha256()
        with open(path, "rb") as done:
            for block in iter(lambda: done.read(1 << 20), b""):
                digest.update(block)
        written.append({"file": path.name, "format": fmt.name, "bytes": path.stat().st_size,
                        "sha256": digest.hexdigest()})
    return written
