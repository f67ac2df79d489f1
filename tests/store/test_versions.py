"""Versioned graph names and the pointer's SPARQL: one text, readable by every engine."""

from __future__ import annotations

import pytest

from eqgraph.store import versions

BASE = "http://example.org/id/"


def test_stored_graphs_are_under_their_version_and_map_back():
    stored = versions.stored_graph(BASE, "20260101T000000.1", BASE + "graph/plan/a")
    assert stored == BASE + "graph/version/20260101T000000.1/plan/a"
    assert versions.version_of(BASE, stored) == "20260101T000000.1"
    assert versions.version_of(BASE, BASE + "graph/plan/a") is None
    with pytest.raises(ValueError):
        versions.stored_graph(BASE, "1", "http://elsewhere.org/graph")


def test_versions_sort_in_build_order():
    first, second = versions.new_version(), versions.new_version()
    assert first < second


def test_the_switch_is_one_operation():
    mapping = {BASE + "graph/a": BASE + "graph/version/2/a"}
    first = versions.switch_update(BASE, mapping, first=True)
    later = versions.switch_update(BASE, mapping)
    assert first.startswith("INSERT DATA") and ";" not in first
    assert later.startswith("DELETE {") and "WHERE { GRAPH" in later and ";" not in later


def test_the_dataset_is_rewritten_to_the_stored_graphs_and_nothing_else():
    mapping = {BASE + "graph/a": BASE + "graph/version/2/a"}
    empty = BASE + "graph/version/none"
    query = f"SELECT * FROM <{BASE}graph/a> FROM NAMED <http://other.org/g> WHERE {{ GRAPH <{BASE}graph/a> {{ ?s ?p ?o }} }}"
    rewritten = versions.rewrite_dataset(query, mapping, empty)
    assert f"FROM <{BASE}graph/version/2/a>" in rewritten
    assert f"FROM NAMED <{empty}>" in rewritten
    assert f"GRAPH <{BASE}graph/version/2/a>" in rewritten
    assert versions.rewrite_dataset("ASK {}", mapping, empty) == "ASK {}"
