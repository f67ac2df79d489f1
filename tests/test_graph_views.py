"""Graph views computed at build time (eqgraph.graphs) and their seeded layout (eqgraph.graph_layout)."""

from __future__ import annotations

import json
import math
import random

import pytest

from eqgraph import graph_layout
from eqgraph.catalogue import Catalogue
from eqgraph.graphs import VIEWS, facet_table, settings, short_label
from eqgraph.store.oxigraph import OxigraphStore


def star_and_pair():
    nodes = {f"n{i}": 20.0 + i for i in range(30)}
    edges = [("n0", f"n{i}", 1.0 + i % 3) for i in range(1, 25)] + [("n25", "n26", 2.0), ("n27", "n28", 1.0)]
    return nodes, edges


def test_layout_is_the_same_every_time_whatever_the_input_order():
    nodes, edges = star_and_pair()
    first = graph_layout.layout(nodes, edges)
    shuffled_nodes = dict(sorted(nodes.items(), key=lambda item: random.Random(3).random()))
    shuffled_edges = sorted(edges, key=lambda e: random.Random(5).random())
    assert graph_layout.layout(shuffled_nodes, shuffled_edges) == first
    assert set(first) == set(nodes)


def test_layout_keeps_discs_apart_and_components_side_by_side():
    nodes, edges = star_and_pair()
    pos = graph_layout.layout(nodes, edges)
    for a in nodes:
        for b in nodes:
            if a < b:
                assert math.dist(pos[a], pos[b]) >= (nodes[a] + nodes[b]) / 2, (a, b)
    # the isolated node n29 and the pairs are packed near the star, not flung far away
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    assert max(xs) - min(xs) < 3000 and max(ys) - min(ys) < 3000


def test_a_large_dense_component_is_bounded_in_work():
    nodes = {f"n{i:03}": 20.0 for i in range(400)}
    edges = [(f"n{i:03}", f"n{(i * 7 + j) % 400:03}", 1.0) for i in range(400) for j in (1, 2, 3)]
    pos = graph_layout.layout(nodes, edges)
    assert len(pos) == 400 and all(math.isfinite(x) and math.isfinite(y) for x, y in pos.values())


def test_objective_labels_name_their_plan_and_long_names_are_cut_at_a_word():
    row = {"targetNumber": "3", "targetPeriod": "2017/18"}
    assert short_label("Objective 3: Ensure …", "objective", row) == "Objective 3 · 2017/18"
    cut = short_label("Equality and Community Cohesion Strategy for the whole borough", "strategy")
    assert cut.endswith("…") and len(cut) <= 35 and " ".join(cut[:-1].split()) == cut[:-1]


def test_facets_index_each_actions_values():
    rows = [{"action": "a1", "facet": "plan", "key": "p2", "label": "Plan two"},
            {"action": "a1", "facet": "status", "key": "on track", "label": "on track"},
            {"action": "a2", "facet": "plan", "key": "p1", "label": "Plan one"},
            {"action": "a2", "facet": "department", "key": "Housing", "label": "Housing"},
            {"action": "a2", "facet": "department", "key": "C&H", "label": "Community and Housing"},
            {"action": "a2", "facet": "objective", "key": "1", "label": "not a facet of the views"}]
    facets, per_action = facet_table(rows)
    assert [f["name"] for f in facets] == [f["name"] for f in settings()["facets"]]
    plans = next(f for f in facets if f["name"] == "plan")["values"]
    assert [v["key"] for v in plans] == ["p1", "p2"]  # by label
    assert per_action["a1"][0] == [1] and per_action["a2"][0] == [0]
    departments = next(f for f in facets if f["name"] == "department")["values"]
    assert len(per_action["a2"][1]) == 2 and len(departments) == 2


@pytest.fixture(scope="module")
def release(built):
    settings_, _ = built
    path = (settings_.home / "current").resolve()
    return path, {v.name: json.loads((path / "graphs" / f"{v.name}.json").read_text(encoding="utf-8")) for v in VIEWS}


def test_every_node_has_a_position_and_every_edge_its_actions(release):
    _, views = release
    for name, data in views.items():
        assert data["nodes"] and data["edges"], name
        assert all(isinstance(n["x"], float | int) and isinstance(n["y"], float | int) for n in data["nodes"])
        assert len({(n["x"], n["y"]) for n in data["nodes"]}) == len(data["nodes"])  # no two on one spot
        for edge in data["edges"]:
            assert edge["weight"] == len(edge["actions"]) > 0
            assert all(0 <= a < len(data["actions"]) for a in edge["actions"])
        assert [f["name"] for f in data["facets"]] == ["plan", "department", "characteristic", "status"]
        assert all(len(a) == 4 for a in data["actions"])
        assert {e["kind"] for e in data["legend"]["nodes"]} == {n["kind"] for n in data["nodes"]}
        assert all(e["colour"].startswith("#") and e["label"] for e in data["legend"]["nodes"])


def test_edge_weights_are_the_saved_querys(release):
    """The view's edges count the same actions as the saved query that publishes its edge list."""
    path, views = release
    store = OxigraphStore.open(path / "store")
    catalogue = Catalogue(store)
    for view in VIEWS:
        published: dict[tuple[str, str], int] = {}
        columns = {"strategies": ("strategy", "objective"), "partners": ("department", "partner"),
                   "communities": ("community", "objective")}[view.name]
        for row in catalogue.run(view.query, {}, limit=100_000).plain_rows():
            key = (row[columns[0]], row[columns[1]])
            published[key] = published.get(key, 0) + int(row["weight"])
        drawn = {(e["source"], e["target"]): e["weight"] for e in views[view.name]["edges"]}
        if not view.directed:
            drawn = {(s, t) if (s, t) in published else (t, s): w for (s, t), w in drawn.items()}
        assert drawn == published, view.name


def test_views_are_written_the_same_by_two_builds(release, tmp_path):
    from eqgraph.graphs import write_views

    path, views = release
    store = OxigraphStore.open(path / "store")
    again = write_views(Catalogue(store), tmp_path)
    assert again == views
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{view.name}.json" for view in VIEWS)


@pytest.mark.parametrize("view", [v.name for v in VIEWS])
def test_graphml_and_gexf_carry_every_node_and_edge_of_the_view(release, view):
    """The downloads are the view's JSON written out: each node with its label, kind, metrics and
    position, each edge with its weight, read back by networkx as it reads anyone's file."""
    import io

    import networkx as nx

    from eqgraph.graphs import export

    data = release[1][view]
    for writer, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        graph = read(io.BytesIO(export(data, writer)))
        assert graph.is_directed() == data["directed"]
        assert sorted(graph.nodes) == sorted(n["id"] for n in data["nodes"]), writer
        for node in data["nodes"]:
            got = graph.nodes[node["id"]]
            assert got["label"] == node["label"] and got["kind"] == node["kind"], writer
            assert float(got["betweenness"]) == node["betweenness"] and float(got["x"]) == node["x"], writer
        edges = {(s, t): d["weight"] for s, t, d in graph.edges(data=True)}
        if not data["directed"]:
            edges |= {(t, s): w for (s, t), w in edges.items()}
        assert {(e["source"], e["target"]): e["weight"] for e in data["edges"]} == \
            {(e["source"], e["target"]): edges[(e["source"], e["target"])] for e in data["edges"]}, writer
        assert len(graph.edges) == len(data["edges"]), writer


def test_a_views_downloads_are_the_same_bytes_on_any_day(monkeypatch):
    """GEXF writers stamp the file with today's date; the same view gives the same file on any day."""
    import time

    from eqgraph.graphs import export, render_views

    rows = {VIEWS[0].edges: [{"action": "urn:a1", "source": "urn:s", "sourceLabel": "S", "target": "urn:t",
                              "targetLabel": "T"}]}
    files = render_views(rows)
    assert render_views(rows) == files
    data = json.loads(files[f"{VIEWS[0].name}.json"])
    today = {writer: export(data, writer) for writer in ("graphml", "gexf")}
    monkeypatch.setattr(time, "strftime", lambda fmt, *args: "1999-12-31")
    assert {writer: export(data, writer) for writer in ("graphml", "gexf")} == today
    assert b"lastmodifieddate" not in today["gexf"]
    assert b"<meta" in today["gexf"]
