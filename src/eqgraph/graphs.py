"""Graph views: saved-query results -> networkx graphs, their metrics and exports.

Computed once per build (exact betweenness is cheap on these few hundred nodes but not on a large
projection, so never per request) and stored in the release as JSON, GraphML and GEXF. Node size in the
views follows betweenness centrality; degree and weighted degree are kept too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import networkx as nx


@dataclass(frozen=True)
class View:
    name: str
    title: str
    description: str
    query: str
    source: tuple[str, str, str]  # (IRI column, label column, kind)
    target: tuple[str, str, str]
    directed: bool = True


VIEWS = (
    View("strategies", "Strategies feeding objectives",
         "Which strategies and plans the actions of each equality objective serve; edge width is the number "
         "of actions.", "strategy-dependencies", ("strategy", "strategyLabel", "strategy"),
         ("objective", "objectiveLabel", "objective")),
    View("partners", "Departments and partners",
         "Which partner organisations each council department works with; edge width is the number of actions.",
         "department-partners", ("department", "departmentLabel", "department"),
         ("partner", "partnerLabel", "partner"), directed=False),
    View("communities", "Communities and objectives",
         "Which equality objectives have actions aimed at each community; edge width is the number of actions.",
         "community-objectives", ("community", "communityLabel", "community"),
         ("objective", "objectiveLabel", "objective")),
)


def build_graph(view: View, rows: list[dict]) -> nx.Graph:
    graph = nx.DiGraph() if view.directed else nx.Graph()
    for row in rows:
        (s_col, s_label, s_kind), (t_col, t_label, t_kind) = view.source, view.target
        graph.add_node(row[s_col], label=row[s_label], kind=s_kind)
        graph.add_node(row[t_col], label=row[t_label], kind=t_kind)
        weight = int(row.get("weight") or 1)
        if graph.has_edge(row[s_col], row[t_col]):
            graph[row[s_col]][row[t_col]]["weight"] += weight
        else:
            graph.add_edge(row[s_col], row[t_col], weight=weight)
    betweenness = nx.betweenness_centrality(graph.to_undirected()) if len(graph) else {}
    for node, data in graph.nodes(data=True):
        data["betweenness"] = round(betweenness.get(node, 0.0), 5)
        data["degree"] = graph.degree(node)
        data["weighted_degree"] = graph.degree(node, weight="weight")
    return graph


def to_json(view: View, graph: nx.Graph) -> dict:
    top = max((d["betweenness"] for _, d in graph.nodes(data=True)), default=0.0) or 1.0
    return {
        "name": view.name, "title": view.title, "description": view.description, "query": view.query,
        "directed": view.directed,
        "nodes": [{"id": n, "label": d["label"], "kind": d["kind"], "betweenness": d["betweenness"],
                   "degree": d["degree"], "weighted_degree": d["weighted_degree"],
                   "size": round(20 + 40 * d["betweenness"] / top + 2 * min(d["degree"], 10), 1)}
                  for n, d in graph.nodes(data=True)],
        "edges": [{"source": s, "target": t, "weight": d["weight"]} for s, t, d in graph.edges(data=True)],
    }


def write_views(catalogue, folder: Path) -> dict[str, dict]:
    """Compute every view from the store behind `catalogue` and write JSON, GraphML and GEXF files."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for view in VIEWS:
        rows = catalogue.run(view.query, {}, limit=100_000).plain_rows()
        graph = build_graph(view, rows)
        data = to_json(view, graph)
        (folder / f"{view.name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        nx.write_graphml(graph, folder / f"{view.name}.graphml")
        nx.write_gexf(graph, folder / f"{view.name}.gexf")
        out[view.name] = data
    return out
