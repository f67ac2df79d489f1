"""Graph views: the actions that join two kinds of thing -> networkx graphs, their layout, metrics and exports.

Computed once per build and stored in the release as JSON, never per request (exact betweenness is
cheap on these few hundred nodes but not on a large projection, and the layout is not cheap at all).
The GraphML and GEXF downloads are that JSON written out by networkx (`export`): the web front end
makes each on its first request and keeps it for the release, so a build does not write files few
people fetch. What the views are, how their kinds are called and coloured, and what they can be
filtered by is data (data/graph-views.yaml).

Each edge keeps the actions behind it and each action its facets (plan, department, protected
characteristic, progress status), so the page can filter the view to the actions chosen and count what
remains without asking the store again. Positions come from a seeded layout (eqgraph.graph_layout), so
a view looks the same on every visit and every device. Node size follows betweenness centrality; degree
and weighted degree are kept too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from . import resources
from .catalogue import internal_query
from .graph_layout import layout

if TYPE_CHECKING:
    import networkx as nx

EXACT_BETWEENNESS = 300  # nodes; above, betweenness is estimated from SAMPLED_SOURCES sources
SAMPLED_SOURCES = 100  # enough to rank the few hundred nodes whose labels are drawn first
SHORT = 34  # characters of a label drawn on the graph; the whole label is in the details panel and list


@dataclass(frozen=True)
class View:
    name: str
    title: str
    description: str
    query: str  # the saved query publishing the edge list
    edges: str  # the internal query answering one row per action and edge
    source: str  # kinds of node
    target: str
    directed: bool = True
    edge: str = ""  # what an edge means, for the legend


@cache
def settings() -> dict:
    """data/graph-views.yaml: the views, the kinds of node and the facets."""
    return yaml.safe_load((resources.data_dir() / "graph-views.yaml").read_text(encoding="utf-8"))


def views() -> tuple[View, ...]:
    return tuple(View(**entry) for entry in settings()["views"])


VIEWS = views()


def short_label(label: str, kind: str, row: dict | None = None) -> str:
    """What is drawn beside a node: an objective by number and its plan's period (objectives of
    different plans share numbers, and their titles are sentences); any other name cut at a word."""
    if kind == "objective" and row and row.get("targetNumber"):
        return f"Objective {row['targetNumber']} · {row['targetPeriod']}"
    if len(label) <= SHORT:
        return label
    cut = label[:SHORT].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def build_graph(view: View, rows: list[dict]) -> tuple[nx.Graph, dict[tuple[str, str], list[str]]]:
    """The view's graph from one row per action and edge; and the actions behind each edge."""
    import networkx as nx  # imported where a view is made: each plan's unit reads `view_queries` only

    graph = nx.DiGraph() if view.directed else nx.Graph()
    behind: dict[tuple[str, str], set[str]] = {}
    for row in sorted(rows, key=lambda r: (r["source"], r["target"], r["action"])):  # never the store's order
        source, target = row["source"], row["target"]
        if source not in graph:
            graph.add_node(source, label=row["sourceLabel"], kind=view.source,
                           short=short_label(row["sourceLabel"], view.source))
        if target not in graph:
            named = f"{row['targetLabel']} ({row['targetPeriod']})" if row.get("targetPeriod") else row["targetLabel"]
            graph.add_node(target, label=named, kind=view.target,
                           short=short_label(row["targetLabel"], view.target, row))
            if row.get("targetNumber"):  # an objective: named in a query by its plan and number
                graph.nodes[target].update(plan=row["targetPlan"], number=row["targetNumber"])
        key = (source, target) if view.directed or source <= target else (target, source)
        behind.setdefault(key, set()).add(row["action"])
    for (source, target), actions in sorted(behind.items()):
        graph.add_edge(source, target, weight=len(actions))
    betweenness = _betweenness(graph.to_undirected())
    for node, data in graph.nodes(data=True):
        data["betweenness"] = round(betweenness.get(node, 0.0), 5)
        data["degree"] = graph.degree(node)
        data["weighted_degree"] = graph.degree(node, weight="weight")
    top = max(betweenness.values(), default=0.0) or 1.0
    for node, data in graph.nodes(data=True):
        data["size"] = round(20 + 40 * data["betweenness"] / top + 2 * min(data["degree"], 10), 1)
    positions = layout({n: d["size"] for n, d in graph.nodes(data=True)},
                       [(s, t, d["weight"]) for s, t, d in graph.edges(data=True)])
    for node, (x, y) in positions.items():
        graph.nodes[node]["x"], graph.nodes[node]["y"] = x, y
    return graph, {key: sorted(actions) for key, actions in behind.items()}


def _betweenness(graph: nx.Graph) -> dict[str, float]:
    """Exact on a graph of a few hundred nodes; estimated from a fixed, seeded sample of sources on a
    larger one (a hundred plans' objectives), where exact betweenness would cost seconds per build."""
    import networkx as nx

    if len(graph) <= EXACT_BETWEENNESS:
        return nx.betweenness_centrality(graph) if len(graph) else {}
    return nx.betweenness_centrality(graph, k=SAMPLED_SOURCES, seed=18)


def facet_table(rows: list[dict]) -> tuple[list[dict], dict[str, list[list[int]]]]:
    """The facets of data/graph-views.yaml with their values (sorted by label) and, per action, the
    indexes of its values of each facet."""
    names = [f["name"] for f in settings()["facets"]]
    values: dict[str, dict[str, str]] = {name: {} for name in names}
    for row in rows:
        if row["facet"] in values:
            values[row["facet"]].setdefault(row["key"], row["label"])
    ordered = {name: sorted(found.items(), key=lambda item: (item[1].casefold(), item[0]))
               for name, found in values.items()}
    index = {name: {key: i for i, (key, _) in enumerate(items)} for name, items in ordered.items()}
    per_action: dict[str, list[set[int]]] = {}
    for row in rows:
        if row["facet"] in index:
            slots = per_action.setdefault(row["action"], [set() for _ in names])
            slots[names.index(row["facet"])].add(index[row["facet"]][row["key"]])
    facets = [{**spec, "values": [{"key": key, "label": label} for key, label in ordered[spec["name"]]]}
              for spec in settings()["facets"]]
    return facets, {action: [sorted(slot) for slot in slots] for action, slots in per_action.items()}


def to_json(view: View, graph: nx.Graph, behind: dict[tuple[str, str], list[str]],
            facets: list[dict], per_action: dict[str, list[list[int]]]) -> dict:
    """The view as the page and its JSON twin read it: nodes (with positions), edges (with the actions
    behind them, as indexes into `actions`), the facets, each action's facet values, the legend."""
    actions = sorted({a for listed in behind.values() for a in listed})
    number = {a: i for i, a in enumerate(actions)}
    empty = [[] for _ in facets]
    kinds = settings()["kinds"]
    return {
        "name": view.name, "title": view.title, "description": view.description, "query": view.query,
        "directed": view.directed,
        "nodes": [{"id": n, "label": d["label"], "short": d["short"], "kind": d["kind"],
                   "betweenness": d["betweenness"], "degree": d["degree"], "weighted_degree": d["weighted_degree"],
                   "size": d["size"], "x": d["x"], "y": d["y"],
                   **({"plan": d["plan"], "number": d["number"]} if "plan" in d else {})}
                  for n, d in sorted(graph.nodes(data=True), key=lambda item: (-item[1]["betweenness"], item[0]))],
        "edges": [{"source": s, "target": t, "weight": d["weight"], "actions": [number[a] for a in behind.get((s, t)) or behind[(t, s)]]}
                  for s, t, d in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1]))],
        "actions": [per_action.get(a, empty) for a in actions],
        "facets": facets,
        "legend": {"nodes": [{"kind": k, **kinds[k]} for k in dict.fromkeys((view.source, view.target))],
                   "edge": view.edge},
    }


FACETS = "graph-action-facets"


def view_queries() -> dict[str, str]:
    """The internal queries the views are made from (each answers one row per action and edge or
    facet, so the rows of a graph are the rows of its plans: eqgraph.units keeps each plan's)."""
    return {name: internal_query(name) for name in (FACETS, *(view.edges for view in VIEWS))}


def write_views(catalogue, folder: Path, rows: dict[str, list[dict]] | None = None) -> dict[str, dict]:
    """Compute every view and write its JSON file into `folder`: from `rows` (query name -> rows, as
    `view_queries` answer), else from the store behind `catalogue`. Returns each view's data by name."""
    if rows is None:
        rows = {name: _rows(catalogue.store, name) for name in view_queries()}
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, data in render_views(rows).items():
        (folder / name).write_bytes(data)
        written[name[:-len(".json")]] = json.loads(data)
    return written


def render_views(rows: dict[str, list[dict]]) -> dict[str, bytes]:
    """Every view's file (`<view>.json`) from the views' rows."""
    facets, per_action = facet_table(rows.get(FACETS, []))
    files: dict[str, bytes] = {}
    for view in VIEWS:
        graph, behind = build_graph(view, rows.get(view.edges, []))
        data = to_json(view, graph, behind, facets, per_action)
        files[f"{view.name}.json"] = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return files


NODE_ATTRIBUTES = ("label", "kind", "short", "plan", "number", "betweenness", "degree", "weighted_degree",
                   "size", "x", "y")  # what a node carries into GraphML and GEXF, from the view's JSON


def graph_of(data: dict) -> nx.Graph:
    """A view's networkx graph from its JSON (as `to_json` wrote it): nodes with their label, kind,
    metrics and position, edges with their weight; nodes and edges in a fixed order."""
    import networkx as nx

    graph = nx.DiGraph() if data["directed"] else nx.Graph()
    for node in sorted(data["nodes"], key=lambda n: n["id"]):
        graph.add_node(node["id"], **{key: node[key] for key in NODE_ATTRIBUTES if key in node})
    for edge in data["edges"]:
        graph.add_edge(edge["source"], edge["target"], weight=edge["weight"])
    return graph


def export(data: dict, writer: str) -> bytes:
    """A view as a GraphML or GEXF file (`writer` as in the formats table: "graphml" or "gexf")."""
    import io

    import networkx as nx

    write = {"graphml": nx.write_graphml, "gexf": nx.write_gexf}[writer]
    out = io.BytesIO()
    write(graph_of(data), out)
    return _undated(out.getvalue())


def _undated(data: bytes) -> bytes:
    """The file without the day it was written: networkx's GEXF writer stamps its `<meta>` with
    today's date (an optional attribute), and the same graph must give the same bytes on any day."""
    return re.sub(rb'(<meta\b[^>]*?) lastmodifieddate="[^"]*"', rb"\1", data, count=1)


def _rows(store, name: str) -> list[dict[str, str]]:
    answer = store.query(internal_query(name))
    names = list(answer.variables)
    return [{v: (None if row[i] is None else row[i].value) for i, v in enumerate(names)} for row in answer]
