"""Whole-graph dumps: every format parses (Turtle and N-Triples with rapper, an independent parser;
TriG and JSON-LD with rdflib), together they hold every triple of the store, and the dataset formats
keep every named graph. That two builds give byte-identical dumps is tests/test_reproducible.py's
(which builds twice anyway, with two hash seeds)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess

import pytest
from rdflib import Dataset

from eqgraph import formats
from eqgraph.namespaces import PREFIXES
from eqgraph.publish import dump_name
from eqgraph.store import ReleaseFiles
from eqgraph.store.oxigraph import OxigraphStore

rapper = pytest.mark.skipif(not shutil.which("rapper") and not os.environ.get("CI"),
                            reason="rapper (raptor2-utils) not installed; `make test` installs it")


def _dump(built, fmt_name: str) -> bytes:
    path = built[1].release / "dumps" / dump_name(formats.get(fmt_name))
    return gzip.decompress(path.read_bytes())


def test_the_release_records_one_dump_per_format(built):
    files = ReleaseFiles(built[1].release)
    assert [d["format"] for d in files.dumps] == [f.name for f in formats.ON_DUMPS]
    for entry in files.dumps:
        path = files.dump_file(entry["file"])
        assert path is not None and path.stat().st_size == entry["bytes"]
    assert files.dump_file("../build.json") is None and files.dump_file("build.json") is None


def test_each_dump_is_gzip_with_no_time_and_no_file_name(built):
    for fmt in formats.ON_DUMPS:
        header = (built[1].release / "dumps" / dump_name(fmt)).read_bytes()[:10]
        assert header[:3] == b"\x1f\x8b\x08"  # gzip, deflate
        assert header[3] & 0x08 == 0, "FNAME set"
        assert header[4:8] == b"\0\0\0\0", "mtime set"


def _rapper(tmp_path, data: bytes, syntax: str) -> set[bytes]:
    """The triples rapper reads from the data, as N-Triples lines in one form (rapper's N-Triples
    escape differently, so they are loaded into a store and written again)."""
    source = tmp_path / f"dump.{syntax}"
    source.write_bytes(data)
    done = subprocess.run(["rapper", "-q", "-i", syntax, "-o", "ntriples", str(source)], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()[:2000]
    return set(OxigraphStore.create(tmp_path / "read", done.stdout).serialize("nt").splitlines())


@rapper
@pytest.mark.parametrize("fmt, syntax", [("turtle", "turtle"), ("nt", "ntriples")])
def test_turtle_and_ntriples_dumps_parse_with_rapper_and_hold_every_triple(built, store, tmp_path, fmt, syntax):
    every = set(store.serialize("nt").splitlines())  # the union: each triple once
    assert len(every) > 15_000
    assert _rapper(tmp_path, _dump(built, fmt), syntax) == every


def test_the_nquads_dump_is_every_quad_of_the_store(built, store):
    lines = _dump(built, "nquads").splitlines()
    assert lines == sorted(lines, key=lambda line: (line.rsplit(b" ", 2)[-2], line))  # by graph, then quad
    assert set(lines) == set(store.serialize("nq").splitlines())


@pytest.mark.parametrize("fmt, rdflib_format", [("trig", "trig"), ("jsonld", "json-ld")])
def test_dataset_dumps_keep_every_quad_in_its_named_graph(built, store_quads, fmt, rdflib_format):
    dataset = Dataset()
    dataset.parse(data=_dump(built, fmt), format=rdflib_format)
    quads = set(dataset.quads((None, None, None, None)))
    assert len(store_quads) > 15_000
    assert quads == store_quads


def test_the_jsonld_dump_is_compact_with_one_object_per_named_graph(built, store):
    document = json.loads(_dump(built, "jsonld"))
    assert document["@context"] == dict(sorted(PREFIXES.items()))
    assert [g["@id"] for g in document["@graph"]] == sorted(name for name, _ in store.graphs())
    plan = next(g for g in document["@graph"] if g["@id"].endswith("/graph/plan/merton-2017-18"))
    action = next(n for n in plan["@graph"] if n["@id"].endswith("/plan/merton-2017-18/action/2.6"))
    assert action["@type"] == "eqg:Action" and action["eqg:ref"] == "2.6"  # prefixed names, plain strings
    assert action["eqg:inPlan"] == {"@id": plan["@id"].replace("/graph/plan/", "/plan/")}


def test_graphs_given_later_take_their_places_as_if_given_at_once(tmp_path):
    """The build posts its description to the dumps once the rest is compressed: the files are the
    same bytes as when every graph is there from the start, the late graph in its sorted place."""
    from eqgraph.publish import write_dumps

    base = "https://example.org/"
    parts = {name: [f"<{base}{name}/s> <{base}p> \"{name}\" .".encode("utf-8")]
             for name in ("alpha", "description", "omega")}
    at_once = write_dumps(parts, tmp_path / "at-once", PREFIXES, base)
    asked = []
    early = {name: lines for name, lines in parts.items() if name != "description"}
    later = write_dumps(early, tmp_path / "later", PREFIXES, base,
                        later=lambda: asked.append(True) or {"description": parts["description"]})
    assert asked == [True]
    assert later == at_once
    for fmt in formats.ON_DUMPS:
        assert (tmp_path / "later" / dump_name(fmt)).read_bytes() == (tmp_path / "at-once" / dump_name(fmt)).read_bytes()
    nquads = gzip.decompress((tmp_path / "later" / "eqgraph.nq.gz").read_bytes()).decode("utf-8").splitlines()
    assert [line.rsplit(" ", 2)[-2] for line in nquads] == [f"<{base}graph/{n}>" for n in ("alpha", "description", "omega")]


def _big_graph(base: str, subjects: int, changed: int | None = None) -> list[bytes]:
    lines = []
    for i in range(subjects):
        subject = f"<{base}thing/{i:05d}>"
        lines.append(f'{subject} <{base}label> "thing {i}{" changed" if i == changed else ""}" .'.encode("utf-8"))
        lines.append(f"{subject} <{base}next> <{base}thing/{i + 1:05d}> .".encode("utf-8"))
    return sorted(lines)


def test_a_large_graph_is_written_in_runs_that_together_hold_it_in_every_format(tmp_path):
    from rdflib import Graph

    from eqgraph.publish import write_dumps
    from eqgraph.publish.dumps import _runs

    base = "https://example.org/"
    lines = _big_graph(base, 3000)
    runs = _runs(lines)
    assert len(runs) > 2 and [line for run in runs for line in run] == lines
    assert all(run[-1].split(b" ")[0] != after[0].split(b" ")[0] for run, after in zip(runs, runs[1:]))  # whole subjects
    write_dumps({"big": lines}, tmp_path / "dumps", PREFIXES, base)
    read = lambda fmt: gzip.decompress((tmp_path / "dumps" / dump_name(formats.get(fmt))).read_bytes())  # noqa: E731
    assert read("nt") == b"".join(line + b"\n" for line in lines)
    document = json.loads(read("jsonld"))
    assert [len(g["@graph"]) for g in document["@graph"]] == [3000]
    assert len(Graph().parse(data=read("turtle"), format="turtle")) == len(lines)
    dataset = Dataset()
    dataset.parse(data=read("trig"), format="trig")
    assert len(dataset.graph(f"{base}graph/big")) == len(lines)


def test_a_graph_changed_a_little_is_compressed_again_only_where_it_changed(tmp_path, monkeypatch):
    """Runs are cut where the subjects say, not by position: one subject changed is one run made
    again per format, the rest kept, even after a build where the graph did not change (each build
    removes what it did not use); the files are the bytes a build without a cache writes."""
    from eqgraph.buildcache import BuildCache
    from eqgraph.publish import dumps, write_dumps

    base = "https://example.org/"

    def build(name: str, graph: dict) -> None:
        cache = BuildCache(tmp_path / "cache", base)
        write_dumps(graph, tmp_path / name, PREFIXES, base, cache)
        cache.prune()

    build("first", {"big": _big_graph(base, 3000)})
    made = []
    body = dumps._body
    monkeypatch.setattr(dumps, "_body", lambda writer, *args: made.append(writer) or body(writer, *args))
    build("unchanged", {"big": _big_graph(base, 3000)})
    assert made == []
    changed = {"big": _big_graph(base, 3000, changed=1234)}
    build("second", changed)
    assert sorted(made) == sorted(fmt.writer for fmt in formats.ON_DUMPS)
    write_dumps(changed, tmp_path / "uncached", PREFIXES, base)
    for fmt in formats.ON_DUMPS:
        assert (tmp_path / "second" / dump_name(fmt)).read_bytes() == (tmp_path / "uncached" / dump_name(fmt)).read_bytes()
