"""What spans plans is made and checked piece by piece (pipeline._spanning): the same as the whole. And
the build's background processes (eqgraph.background.Background) hand over what they are posted."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.graph import ReadOnlyGraphAggregate

from eqgraph import resources
from eqgraph.build import (commitments_graph, continuity_graph, load_ontology, load_vocabularies,
                           new_concepts_graph, new_graph, new_units_graph)
from eqgraph.buildcache import BuildCache
from eqgraph.config import Settings
from eqgraph.extract import Extractor
from eqgraph.ingest import Corrections
from eqgraph.links.reference import reference_graphs
from eqgraph.namespaces import Iris
from eqgraph.background import Background
from eqgraph.pipeline import _spanning, compile_graph
from eqgraph.units import UnitMaker, canonical_lines, lines_digest, make_units, unit_key
from eqgraph.validate import load_shapes, validate

NEXT = resources.root() / "tests" / "data" / "next-documents"
# Two strategies of Merton (2013/14, then 2017-21 with two updates) and another council's plan.
DOCUMENTS = [*resources.builtin_documents(), NEXT / "ecc-strategy-2017-21-year-2.txt",
             NEXT / "ecc-strategy-2017-21-year-3.txt", NEXT / "kingsmoor-2017-18.txt"]

# Shapes that find something in every kind of piece: a pair's evidence, a plan's next plan, a
# commitment's title; and one on the vocabularies, which the pieces must not disturb.
STRICTER = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix eqg: <https://w3id.org/eqgraph/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <urn:test:> .
ex:Pairs a sh:NodeShape ; sh:targetClass eqg:Continuity ;
    sh:property [ sh:path eqg:sharedTerm ; sh:maxCount 1 ; sh:severity sh:Warning ] .
ex:Sequence a sh:NodeShape ; sh:targetSubjectsOf eqg:nextPlan ;
    sh:property [ sh:path eqg:nextPlan ; sh:minLength 1000 ] .
ex:Commitments a sh:NodeShape ; sh:targetClass eqg:Commitment ;
    sh:property [ sh:path dcterms:title ; sh:maxLength 60 ; sh:severity sh:Info ] .
ex:Partners a sh:NodeShape ; sh:targetClass eqg:Partner ;
    sh:property [ sh:path skos:prefLabel ; sh:maxLength 12 ; sh:severity sh:Info ] .
"""


def _key(result) -> tuple:
    return (result.severity, result.focus, result.path, result.message, result.value, result.source)


@pytest.fixture(scope="module")
def made():
    settings = Settings.from_env(home=Path("/nonexistent"))
    iris = Iris(settings.base)
    vocab = load_vocabularies(settings.base)
    context = load_ontology() + vocab
    for part in reference_graphs(settings.base).values():
        context += part
    cache = BuildCache(None, settings.base)
    maker = UnitMaker(vocab, context, load_shapes("plan"), iris, Corrections.load(resources.corrections_file()))
    units = make_units(maker, [(path, unit_key(cache, path)) for path in DOCUMENTS], 1)
    concepts, minted_units = Extractor.merge_minted([unit.extraction for unit in units])
    context = context + new_concepts_graph(concepts) + new_units_graph(minted_units)
    shapes = load_shapes("vocabulary") + Graph().parse(data=STRICTER, format="turtle")
    return units, iris, context, shapes, cache


def test_pieces_checked_alone_find_what_the_whole_part_checked_with_the_vocabularies_finds(made):
    units, iris, context, shapes, cache = made
    plans = [unit.plan for unit in units]
    spanning = _spanning(plans, {unit.plan.id: unit for unit in units}, iris, shapes, cache)

    # The whole `continuity` part at once, as one graph, checked together with the vocabularies.
    whole = new_graph()
    commitments = Extractor.commitments(plans)
    whole += continuity_graph(spanning.continuities, iris, Extractor.plan_sequence(plans))
    whole += commitments_graph(commitments, plans, iris)
    assert spanning.lines == canonical_lines(whole)
    assert spanning.continuities == Extractor.continuity(plans, {u.plan.id: u.extraction for u in units}, commitments)

    joint = validate(ReadOnlyGraphAggregate([context, whole]), shapes)
    split = validate(context, shapes)
    split.extend(spanning.report)
    found = sorted(map(_key, split.results))
    assert found == sorted(map(_key, joint.results))
    # Every kind of piece found something, so the comparison compares something.
    paths = {r.path for r in joint.results}
    assert {"eqg:sharedTerm", "eqg:nextPlan", "dcterms:title", "skos:prefLabel"} <= paths


def _join(items: list[str], later) -> str:
    return "+".join(items + later())


@pytest.mark.parametrize("cores", [2, 1])
def test_a_background_process_waits_for_what_is_posted_to_it(monkeypatch, cores):
    """Forked (two cores), or run here when asked for its result (one core): the same answer."""
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    job = Background(_join, ["made first"], inbox=True)
    assert (job._process is not None) == (cores > 1)
    job.post(["posted later"])
    assert job.result() == "made first+posted later"


def _fail(later) -> None:
    raise ValueError(f"bad input {later()!r}")


def test_an_error_in_a_background_process_is_raised_in_the_build():
    job = Background(_fail, inbox=True)
    job.post("x")
    with pytest.raises(ValueError, match="bad input 'x'"):
        job.result()


def test_a_cancelled_background_process_waiting_for_its_inbox_stops():
    job = Background(_join, ["never posted"], inbox=True)
    job.cancel()
    assert not job._process.is_alive()


def test_a_build_failing_while_its_background_processes_run_leaves_none_behind(tmp_path, monkeypatch):
    """The views and the dumps are being made when the description fails: both processes are
    stopped, and nothing is published."""
    import multiprocessing

    from eqgraph import pipeline
    from eqgraph.errors import EqgraphError

    def fail(*args, **kwargs):
        assert multiprocessing.active_children()  # the dumps' process at least, waiting for this
        raise EqgraphError("the description failed")

    monkeypatch.setattr(pipeline, "describe", fail)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    with pytest.raises(EqgraphError, match="the description failed"):
        pipeline.build(resources.builtin_documents(), Settings.from_env(home=tmp_path))
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "current").exists()


def test_the_digests_a_build_takes_from_its_units_are_its_parts_digests():
    """A plan's part kept whole carries its unit's digest (hashed once, when the unit was made): the
    digest of the lines the part holds after each triple is kept in the first part that has it."""
    compiled = compile_graph(DOCUMENTS, Settings.from_env(home=Path("/nonexistent")))
    plans = {name for name in compiled.lines if name.startswith("plan/")}
    assert compiled.digests and set(compiled.digests) <= plans
    for name, digest in compiled.digests.items():
        assert digest == lines_digest(compiled.lines[name]), name


def _each_once_reference(parts: dict[str, list[bytes]]) -> dict[str, list[bytes]]:
    seen: set[bytes] = set()
    kept = {}
    for name, lines in parts.items():
        kept[name] = [line for line in lines if line not in seen]
        seen.update(kept[name])
    return kept


def test_each_triple_is_kept_in_the_first_part_that_has_it_whatever_the_overlaps():
    """pipeline._each_once looks plans' own lines up instead of gathering them: on parts that share
    lines in every way (a plan's line in a shared part, in an earlier or later plan, about itself or
    about another plan), it keeps what gathering every line keeps."""
    import random

    from eqgraph.pipeline import _each_once

    base = "https://example.org/id/"
    rng = random.Random(3)
    subjects = [f"<{base}plan/p{i}{tail}>" for i in range(4) for tail in ("", "/a", "/a/b", "0", "-x")] + \
               [f"<{base}thing/{i}>" for i in range(4)] + [f"<{base}plan/p1/b/c>", "<urn:other>"]
    pool = [f"{s} <{base}p> \"{v}\" .".encode("utf-8") for s in subjects for v in range(3)]
    for _ in range(200):
        names = ["ontology", "links", *(f"plan/p{i}" for i in rng.sample(range(4), 4))]
        if rng.random() < 0.2:  # a shared part after the plans' (the build puts them first)
            names.insert(rng.randint(2, len(names)), "continuity")
        parts = {name: sorted(set(rng.sample(pool, rng.randint(0, 25)))) for name in names}
        assert _each_once(parts, base) == _each_once_reference(parts)


def test_posting_more_than_a_pipe_holds_does_not_wait_for_the_process(tmp_path):
    """The description can be larger than a pipe holds: posting it returns at once, and a process
    that stopped meanwhile leaves no thread waiting."""
    import threading

    gate = tmp_path / "go"
    job = Background(_wait_then_read, str(gate), inbox=True)
    job.post(b"x" * 1_000_000)  # returns although the process is not reading yet
    gate.write_text("go")
    assert job.result() == 1_000_000
    stopped = Background(_wait_then_read, str(tmp_path / "never"), inbox=True)
    stopped.post(b"y" * 1_000_000)
    stopped.cancel()
    assert not any(t.name.startswith("posting to") for t in threading.enumerate())


def _wait_then_read(gate: str, later) -> int:
    import os
    import time

    while not os.path.exists(gate):
        time.sleep(0.01)
    return len(later())
