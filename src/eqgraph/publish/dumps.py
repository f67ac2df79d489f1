"""Whole-graph dumps: every triple of a release in one gzip-compressed file per format.

Why files written at build time rather than a CONSTRUCT through /sparql: the endpoint caps answers at
`EQGRAPH_MAX_ROWS` (10,000 triples by default, fewer than the built-in graph holds), and a dump
computed per request would cost a worker's time for every download. Written once, a dump is a static
file with an ETag (its digest).

Each file is a gzip file of several members (RFC 1952 allows any number; gzip, zcat, browsers and
every gzip library read them as one stream): a header (the prefixes, the JSON-LD context), then one
member per run of each named graph, then a footer. A graph is cut into runs of whole subjects where a
subject's hash says so (`_runs`), so a run depends only on its own triples, the format and the prefixes:
each is kept by its digest (eqgraph.buildcache), as is each graph's whole, and a build that changes one
plan compresses that plan's runs and the few runs of the shared graphs it touched (the continuity
pairs), not the whole graph again. The decompressed file is one document in its format: N-Quads and
TriG keep the named graphs (TriG in one block per run); N-Triples and Turtle give the union (each
triple is in one graph only: the build stores it in the first part that has it); JSON-LD is compact,
with the prefixes as its context (`store.jsonld`).

Reproducible: graphs in the order of their IRIs, each graph's lines sorted, and gzip told neither a
time (mtime 0) nor a file name, so the same graph gives byte-identical files with or without a cache.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path

import pyoxigraph as ox

from ..formats import ON_DUMPS, Format
from ..store import graph_iri
from ..store.oxigraph import in_graph
from ..store.jsonld import graph_closing, graph_nodes, graph_opening, jsonld_footer, jsonld_header

COMPRESS_LEVEL = 6  # zlib's default: level 9 costs twice the time for 1-2% less
RUN_SUBJECTS = 512  # subjects in a graph's run, on average: a few thousand lines, each compressed alone
RDF = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG}


def dump_name(fmt: Format) -> str:
    """The file name of a format's dump: `eqgraph.nt.gz`, `eqgraph.jsonld.gz`, ..."""
    return f"eqgraph.{fmt.extension}.gz"


def _pack(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=COMPRESS_LEVEL, mtime=0)


def _prefix_lines(prefixes: Mapping[str, str]) -> bytes:
    """The `@prefix` lines the engine's Turtle and TriG writers put first, as they write them."""
    one = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"))
    written = ox.serialize([one], format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes)).splitlines(keepends=True)
    return b"".join(written[:len(prefixes)])


def _runs(lines: list[bytes]) -> list[list[bytes]]:
    """A graph's sorted lines cut before each line that starts a subject whose CRC-32 is a multiple of
    RUN_SUBJECTS. Where the cuts fall depends on the subjects alone, never on what else the graph
    holds, so a subject added, removed or changed changes only its own run."""
    runs, start, previous = [], 0, None
    for index, line in enumerate(lines):
        subject = line[:line.index(b" ")]
        if subject != previous:
            if index > start and zlib.crc32(subject) % RUN_SUBJECTS == 0:
                runs.append(lines[start:index])
                start = index
            previous = subject
    runs.append(lines[start:])
    return runs


def _body(writer: str, graph: str, lines: list[bytes], prefixes: Mapping[str, str], first: bool) -> bytes:
    """A run of whole subjects of one named graph in a format, without what the file's header already
    says (nor, in JSON-LD, the opening and closing of the graph's item); `first` if the graph's first."""
    if writer == "nt":
        return b"".join(line + b"\n" for line in lines)
    if writer == "nq":
        return in_graph(graph, lines)
    triples = ox.parse(b"".join(line + b"\n" for line in lines), format=ox.RdfFormat.N_TRIPLES)
    if writer == "jsonld":
        return graph_nodes(triples, prefixes, first)
    if writer == "trig":
        target = ox.NamedNode(graph)
        triples = (ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
    written = ox.serialize(triples, format=RDF[writer], prefixes=dict(prefixes))
    skip = len(prefixes)
    return b"".join(written.splitlines(keepends=True)[skip:]) if skip else written


def write_dumps(graphs: Mapping[str, list[bytes]], folder: Path, prefixes: Mapping[str, str], base: str,
                cache=None, later: Callable[[], Mapping[str, list[bytes]]] | None = None,
                digests: Mapping[str, str] | None = None) -> list[dict]:
    """Write every format of ON_DUMPS into `folder` from the named graphs (part name -> sorted N-Triples
    lines); returns what the release records of each (file, format, bytes, sha256), in the order of
    ON_DUMPS. With a `cache` (eqgraph.buildcache.BuildCache), each graph's compressed member is kept
    by what it was made from and reused.

    `later`, when given, is called once the members of `graphs` are made and answers the graphs that
    were not ready yet (the build's description, made from the store while the rest is compressed);
    they take their places in the files as if they had been in `graphs` from the start. `digests` gives
    the parts' digests where the caller has them (SHA-256 of the lines joined by newlines)."""
    shape = json.dumps(sorted(prefixes.items()))
    members: dict[str, dict[str, bytes]] = {}  # graph IRI -> format's writer -> its compressed member

    def make(parts: Mapping[str, list[bytes]]) -> None:
        for name, lines in parts.items():
            if not lines:
                continue
            graph = graph_iri(base, name)
            digest = (digests or {}).get(name) or hashlib.sha256(b"\n".join(lines)).hexdigest()
            runs = None  # cut only when a format's member of the whole graph is not kept
            members[graph] = {}
            for fmt in ON_DUMPS:
                key = cache.key("dump", fmt.writer, shape, graph, digest) if cache else None
                found = cache.get(key) if cache else None  # (the members, the keys of its runs)
                if found is not None:
                    member, run_keys = found
                    cache.keep(run_keys)  # the next build reuses them where this graph changes a little
                else:
                    if runs is None:
                        runs = [(run, hashlib.sha256(b"\n".join(run)).hexdigest()) for run in _runs(lines)]
                    member, run_keys = _member(fmt.writer, graph, runs, prefixes, shape, cache)
                    if cache:
                        cache.put(key, (member, run_keys))
                members[graph][fmt.writer] = member

    make(graphs)
    if later is not None:
        make(later())
    folder.mkdir()
    named = sorted(members)
    written = []
    for fmt in ON_DUMPS:
        path = folder / dump_name(fmt)
        digest = hashlib.sha256()
        with open(path, "wb") as out:
            def put(member: bytes) -> None:
                out.write(member)
                digest.update(member)

            header = _header(fmt.writer, prefixes)
            if header:
                put(_pack(header))
            for index, graph in enumerate(named):
                if fmt.writer == "jsonld":
                    put(_pack(b"\n" if index == 0 else b",\n"))
                put(members[graph][fmt.writer])
            if fmt.writer == "jsonld":
                put(_pack(jsonld_footer()))
        written.append({"file": path.name, "format": fmt.name, "bytes": path.stat().st_size,
                        "sha256": digest.hexdigest()})
    return written


def _member(writer: str, graph: str, runs: list[tuple[list[bytes], str]], prefixes: Mapping[str, str],
            shape: str, cache) -> tuple[bytes, list[str]]:
    """One graph's compressed members in one format, from its runs (lines, digest): one member per
    run, each kept by its digest (a graph that changed a little reuses the runs it shares with what
    was kept), and in JSON-LD the opening and closing of the graph's item; and the runs' keys."""
    members, keys = [], []
    for index, (run, digest) in enumerate(runs):
        first = index == 0  # a JSON-LD run that starts the graph's nodes starts without a comma
        key = cache.key("dump run", writer, shape, graph, digest, str(first)) if cache else None
        member = cache.get_bytes(key) if cache else None
        if member is None:
            member = _pack(_body(writer, graph, run, prefixes, first))
            if cache:
                cache.put_bytes(key, member)
        members.append(member)
        keys.append(key)
    if writer == "jsonld":
        members = [_pack(graph_opening(graph, prefixes)), *members, _pack(graph_closing())]
    return b"".join(members), keys


def _header(writer: str, prefixes: Mapping[str, str]) -> bytes:
    if writer in RDF:
        return _prefix_lines(prefixes)
    if writer == "jsonld":
        return jsonld_header(prefixes)
    return b""
