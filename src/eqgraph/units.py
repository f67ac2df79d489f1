"""One plan's share of a build, made from its document alone: a `PlanUnit`.

A plan is ingested, extracted, built into its named graph and validated against the plan shapes
without looking at any other plan: the vocabularies, ontology and reference data are the only
context, and what it mints (its unknown units, its council, strategies named in its cells) is its
own (`Extractor.plan`). What spans plans (commitments across yearly updates, carried-over pairs,
the plan sequence, merged minted records) is made afterwards from the units, by the pipeline.

That independence is what lets a build (1) keep each unit for the next build, by a key made of the
document's bytes, its manifest entry and eqgraph's code and data (eqgraph.buildcache), so adding one
plan to a hundred computes one unit; and (2) compute the units it lacks in forked worker processes,
which inherit the vocabularies instead of being sent them.

A unit's graph is kept as sorted N-Triples lines in the store's own canonical form (pyoxigraph's
writer), the form the store, the digests and the dumps all use.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.graph import ReadOnlyGraphAggregate

from .build import new_concepts_graph, new_units_graph, plan_graph
from .errors import EqgraphError
from .extract import Extractor, PlanExtraction
from .ingest import Corrections, Damage, ingest_document
from .ingest.manifest import entry_for
from .model import Plan
from .namespaces import Iris
from .validate import Report, validate


@dataclass
class PlanUnit:
    key: str  # the cache key it was made under (document, manifest entry, code and data)
    plan: Plan
    damage: list[Damage]
    extraction: PlanExtraction
    lines: list[bytes]  # the plan's named graph: canonical N-Triples lines, sorted, no blank node
    report: Report
    view_rows: dict[str, list[dict]] = field(default_factory=dict)  # graph views' rows of its actions
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, when computed here
    digest: str = ""  # lines_digest(lines), computed once when the unit is made and kept with it

    def __post_init__(self):
        if not self.digest:
            self.digest = lines_digest(self.lines)


def lines_digest(lines: list[bytes]) -> str:
    """A part's digest: what the store, the dumps and the description's figures are kept by."""
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def canonical_lines(graph: Graph) -> list[bytes]:
    """An rdflib graph as sorted N-Triples lines in the store's form ("<s> <p> <o> ."). A built graph
    has no blank nodes (its IRI rules never make one): one would merge with another part's of the same
    label, so it is refused."""
    data = graph.serialize(format="nt", encoding="utf-8")
    # Through an in-memory store: the engine keeps some literals in a canonical form ("0.450" as
    # "0.45"), and the lines must be what the store will hold and give back.
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines()
    for line in lines:
        if b"_:" in line.split(b'"', 1)[0]:  # outside any literal: a blank node
            raise ValueError(f"a built graph holds a blank node, which its IRI rules never make: {line[:200]!r}")
    lines.sort()
    return lines


class UnitMaker:
    """Makes units, with what every plan is read and checked against (loaded once per build)."""

    def __init__(self, vocab: Graph, context: Graph, shapes: Graph, iris: Iris, corrections: Corrections):
        self.extractor = Extractor(vocab, iris)
        self.context = context  # ontology, vocabularies, reference data: read-only
        self.shapes = shapes
        self.iris = iris
        self.corrections = corrections
        # The graph views' queries read one action at a time with the vocabularies: each plan's rows
        # are its own, and the views of a build are made from its units' rows (eqgraph.graphs).
        self.views = ox.Store()
        self.views.bulk_load(b"".join(line + b"\n" for line in canonical_lines(context)),
                             format=ox.RdfFormat.N_TRIPLES, to_graph=_CONTEXT)

    def make(self, path: Path, key: str) -> PlanUnit:
        clock = time.process_time()  # CPU time: several units are made at once
        timings: dict[str, float] = {}

        def lap(name: str) -> None:
            nonlocal clock
            now = time.process_time()
            timings[name] = now - clock
            clock = now

        damage: list[Damage] = []
        plan = ingest_document(path, self.corrections, damage)
        lap("ingest")
        extraction = self.extractor.plan(plan)
        lap("extract")
        graph = plan_graph(plan, extraction, self.iris)
        minted = new_concepts_graph(extraction.minted.concepts)
        minted += new_units_graph([*extraction.minted.councils, *extraction.minted.units])
        lines = canonical_lines(graph)
        lap("build")
        report = validate(ReadOnlyGraphAggregate([graph, self.context, minted]), self.shapes)
        lap("validate")
        rows = self.view_rows(lines + canonical_lines(minted))
        lap("views")
        return PlanUnit(key, plan, damage, extraction, lines, report, rows, timings)

    def view_rows(self, lines: list[bytes]) -> dict[str, list[dict]]:
        """The graph views' rows (eqgraph.graphs.view_queries) over one plan's triples and the
        context, as the same queries over the whole graph give them for this plan's actions."""
        from .graphs import view_queries

        self.views.bulk_load(b"".join(line + b"\n" for line in lines), format=ox.RdfFormat.N_TRIPLES,
                             to_graph=_PLAN)
        try:
            return {name: [{variable.value: (None if term is None else term.value)
                            for variable, term in zip(answer.variables, row)}
                           for row in answer]
                    for name, text in view_queries().items()
                    for answer in (self.views.query(text, default_graph=[_CONTEXT, _PLAN]),)}
        finally:
            self.views.remove_graph(_PLAN)


def unit_key(cache, path: Path) -> str:
    """What a unit is made from: the document's bytes and name, and its manifest entry (which plan it
    is, its period, title, publisher ...), under the cache's fingerprint of code and data."""
    return unit_source(cache, path)[0]


def unit_source(cache, path: Path) -> tuple[str, str]:
    """(the unit's key, the SHA-256 of the document's bytes the key was made from): a unit made from
    other bytes (the file changed while the build read it) must not be kept under that key."""
    import hashlib

    from .ingest.table import read_document

    data = read_document(path)
    return cache.key("plan", Path(path).name, repr(entry_for(Path(path))), data), hashlib.sha256(data).hexdigest()


_CONTEXT = ox.NamedNode("urn:eqgraph:unit:context")
_PLAN = ox.NamedNode("urn:eqgraph:unit:plan")
_FORKED: tuple | None = None  # (maker, [(path, key)]), inherited by forked workers


def _make_forked(index: int):
    maker, jobs = _FORKED
    path, key = jobs[index]
    try:
        return maker.make(path, key)
    except EqgraphError as error:  # re-raised in the build's process, where it is reported
        return error


def make_units(maker: UnitMaker, jobs: list[tuple[Path, str]], workers: int) -> list[PlanUnit]:
    """Units for `jobs` ((path, key) each), in order: in forked workers when there are several (pySHACL
    and the extraction hold the GIL, so threads would not help); the same results either way."""
    global _FORKED
    if workers < 2 or len(jobs) < 4:
        return [maker.make(path, key) for path, key in jobs]
    import multiprocessing

    _FORKED = (maker, jobs)
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(jobs))) as pool:
            made = pool.map(_make_forked, range(len(jobs)), chunksize=1)
    finally:
        _FORKED = None
    for result in made:
        if isinstance(result, BaseException):
            raise result
    return made


def plans_of(paths, settings) -> list[Plan]:
    """The plans of documents as a build reads them: from the units the last build kept, else read
    now (what `eqgraph add` needs to know of the plans already added, at the cost of reading only
    those the cache lacks)."""
    from . import resources
    from .buildcache import BuildCache, build_cache_dir

    cache = BuildCache(build_cache_dir(settings.home), settings.base)
    corrections = None
    plans = []
    for path in map(Path, paths):
        unit = cache.get(unit_key(cache, path))
        if unit is None:
            corrections = corrections or Corrections.load(resources.corrections_file())
            plans.append(ingest_document(path, corrections))
        else:
            plans.append(unit.plan)
    return plans
