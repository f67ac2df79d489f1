"""Reproducible output: the same inputs give the same graph, byte for byte, whatever the hash seed.

Two builds of the built-in plans run as `eqgraph build` would be run by hand, in separate processes with
PYTHONHASHSEED=1 and =2 (so set and str-keyed dict orders differ between them) and separate homes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXE = str(Path(sys.executable).with_name("eqgraph"))
SEEDS = ("1", "2")
FORMATS = ("nt", "turtle")


def _env(seed: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "EQGRAPH_BASE"}
    env.update(PYTHONHASHSEED=seed, EQGRAPH_HOME=str(home))
    return env


def _run_all(commands: list[tuple[list[str], dict[str, str]]]) -> None:
    """Run the commands side by side and wait for all of them; each must succeed."""
    processes = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for argv, env in commands]
    failures = []
    for (argv, _), process in zip(commands, processes):
        output, _ = process.communicate(timeout=600)
        if process.returncode != 0:
            failures.append(f"{' '.join(argv)} -> exit {process.returncode}\n{output.decode(errors='replace')}")
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict[str, Path]:
    """{seed: home} with the built-in plans built and exported in every format of FORMATS."""
    homes = {seed: tmp_path_factory.mktemp(f"seed{seed}") for seed in SEEDS}
    _run_all([([EXE, "build", "-q"], _env(seed, home)) for seed, home in homes.items()])
    _run_all([([EXE, "export", "--format", fmt, "-o", str(home / f"export.{fmt}")], _env(seed, home))
              for seed, home in homes.items() for fmt in FORMATS])
    return homes


def _sorted_lines(path: Path) -> list[bytes]:
    return sorted(path.read_bytes().splitlines())


def test_two_hash_seeds_give_identical_sorted_ntriples(releases):
    first, second = (_sorted_lines(releases[seed] / "export.nt") for seed in SEEDS)
    assert len(first) > 10_000
    differing = sorted(set(first) ^ set(second))
    assert first == second, b"\n".join(differing[:10]).decode()


def test_the_exports_are_byte_identical_in_every_format(releases):
    for fmt in FORMATS:
        first, second = ((releases[seed] / f"export.{fmt}").read_bytes() for seed in SEEDS)
        assert first == second, fmt


def test_the_export_has_no_blank_nodes(releases):
    """Blank node labels are whatever the store makes them; every node has an IRI instead
    (the saved queries' parameters included: <base>query/NAME/parameter/PARAM)."""
    data = (releases[SEEDS[0]] / "export.nt").read_bytes()
    blank = re.compile(rb'^_:|> _:\S+ \.$')  # a blank subject, or a blank object after the predicate
    assert [line for line in data.splitlines() if blank.search(line)] == []
    assert b"/query/actions-for-community/parameter/community>" in data


def test_no_clock_time_in_the_graph(releases):
    """The build time is release metadata (build.json, shown on /about), never a triple."""
    for seed in SEEDS:
        built = json.loads((releases[seed] / "current" / "build.json").read_text(encoding="utf-8"))["built"]
        minute = built[:16]  # e.g. 2026-01-31T12:05
        assert minute.encode() not in (releases[seed] / "export.nt").read_bytes()


def test_the_other_build_outputs_are_identical_too(releases):
    """Graph-view downloads (GraphML, GEXF, JSON) and the validation report."""
    first, second = (releases[seed] / "current" for seed in SEEDS)
    names = sorted(p.relative_to(first).as_posix() for p in (first / "graphs").iterdir())
    assert names
    for name in [*names, "report.json"]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_whole_graph_dumps_are_byte_identical(releases):
    """The gzip dumps of every format (eqgraph.publish): the store's quads in a fixed order, and no
    time or file name in the gzip header."""
    first, second = (releases[seed] / "current" / "dumps" for seed in SEEDS)
    names = sorted(p.name for p in first.iterdir())
    assert len(names) == 5
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
