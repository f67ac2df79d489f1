"""A graph view's page as a reader sees it without JavaScript: the filters chosen, the nodes and edges
they leave, a node found by name with its details, and the plain list of nodes.

The browser (web/static/graph.js) applies the same rules to the same view JSON, so the picture and the
list agree: an edge stays when at least one of the actions behind it passes every filter, with those
actions as its weight; a node stays when one of its edges does (or when nothing is filtered).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import url_for

from ..graphs import settings as view_settings
from .render import safe_href, state

MAX_FIND = 200  # characters of a name searched for


def chosen(data: dict, args) -> tuple[dict[str, str], list[str]]:
    """The filters asked for (facet -> key), only values the view has; and a sentence for each value
    it does not have."""
    picked, unknown = {}, []
    for facet in data.get("facets", ()):
        value = (args.get(facet["name"]) or "").strip()
        if not value:
            continue
        keys = {v["key"] for v in facet["values"]}
        if value in keys:
            picked[facet["name"]] = value
        else:
            unknown.append(f"This view has no {facet['label'].lower()} named “{value[:MAX_FIND]}”; it is not filtered by it.")
    return picked, unknown


def visible(data: dict, picked: dict[str, str]) -> tuple[dict[str, set[int]], list[dict]]:
    """Node id -> the passing actions of its edges; and the edges left, each with its passing actions."""
    facets = data.get("facets", [])
    wanted = []
    for position, facet in enumerate(facets):
        if facet["name"] in picked:
            index = next(i for i, v in enumerate(facet["values"]) if v["key"] == picked[facet["name"]])
            wanted.append((position, index))
    actions = data.get("actions", [])
    passes = [all(index in action[position] for position, index in wanted) for action in actions]
    nodes: dict[str, set[int]] = {}
    edges = []
    for edge in data["edges"]:
        kept = [a for a in edge.get("actions", ()) if passes[a]] if wanted else list(edge.get("actions", ()))
        if kept or (not wanted and not edge.get("actions")):
            edges.append({**edge, "kept": kept, "weight": len(kept) if wanted else edge["weight"]})
            nodes.setdefault(edge["source"], set()).update(kept)
            nodes.setdefault(edge["target"], set()).update(kept)
    return nodes, edges


def page_model(name: str, data: dict, args) -> dict:
    """What graph.html shows: filters, legend, the node found, the list of nodes left."""
    picked, unknown = chosen(data, args)
    if not picked:  # the common case, the same for every visitor: once per release
        shown, edges = state().release.memo(f"graph-view-unfiltered:{name}", lambda: visible(data, {}))
    else:
        shown, edges = visible(data, picked)
    by_id = {n["id"]: n for n in data["nodes"]}
    links: dict[str, int] = {}
    for edge in edges:
        links[edge["source"]] = links.get(edge["source"], 0) + 1
        links[edge["target"]] = links.get(edge["target"], 0) + 1
    kinds = view_settings()["kinds"]
    nodes = [{"id": n["id"], "label": n["label"], "kind": kinds.get(n["kind"], {}).get("label", n["kind"]),
              "kind_key": n["kind"], "href": safe_href(n["id"]), "links": links.get(n["id"], 0),
              "actions": len(shown.get(n["id"], ()))}
             for n in data["nodes"] if n["id"] in shown]
    find = (args.get("find") or "").strip()[:MAX_FIND]
    found = _find(nodes, find) if find else None
    details = _details(found, by_id, edges, picked, kinds) if found else None
    return {"filters": [{**f, "chosen": picked.get(f["name"], "")} for f in data.get("facets", ())],
            "unknown": unknown, "filtered": bool(picked), "nodes": nodes, "total": len(data["nodes"]),
            "edge_count": len(edges), "find": find, "found": found, "details": details,
            "not_found": bool(find) and found is None,
            "legend": [{**entry} for entry in data.get("legend", {}).get("nodes", ())],
            "edge_legend": data.get("legend", {}).get("edge", ""), "directed": data.get("directed", False),
            **_lister()}


def _lister() -> dict[str, str]:
    """Where the browser sends "list its actions": the saved query and the parameters it takes."""
    name = view_settings()["actions_query"]
    query = state().release.catalogue.queries.get(name)
    if query is None:
        return {"actions_url": "", "actions_params": ""}
    return {"actions_url": url_for("pages.query_page", name=name),
            "actions_params": " ".join(p.name for p in query.params)}


def _find(nodes: list[dict], text: str) -> dict | None:
    """The node named `text`: by its whole name, else the first whose name starts with it, else the first
    with a word starting with it, else the first containing it (case ignored; most linked first)."""
    wanted = " ".join(text.split()).casefold()
    names = [(node, node["label"].casefold()) for node in nodes]
    for test in (lambda name: name == wanted, lambda name: name.startswith(wanted),
                 lambda name: f" {wanted}" in f" {name}", lambda name: wanted in name):
        for node, name in names:
            if test(name):
                return node
    return None


def _details(node: dict, by_id: dict, edges: list[dict], picked: dict[str, str], kinds: dict) -> dict:
    """The details panel: the node, its neighbours (heaviest first) and the list of its actions."""
    around = []
    for edge in edges:
        other = edge["target"] if edge["source"] == node["id"] else edge["source"] if edge["target"] == node["id"] else None
        if other is not None and other in by_id:
            around.append((edge["weight"], by_id[other]["label"]))
    around.sort(key=lambda item: (-item[0], item[1].casefold()))
    return {"neighbours": [{"label": label, "weight": weight} for weight, label in around],
            "list_href": actions_href(by_id[node["id"]], picked, kinds)}


def actions_href(node: dict, picked: dict[str, str], kinds: dict) -> str | None:
    """The saved query listing a node's actions, narrowed by the filters chosen; None when the catalogue
    has no such query or the node's kind is not one of its parameters."""
    name = view_settings()["actions_query"]
    queries = state().release.catalogue.queries
    if name not in queries:
        return None
    known = {p.name for p in queries[name].params}
    params = dict(picked)
    param = kinds.get(node["kind"], {}).get("param")
    if param == "objective" and "plan" in node:
        params.update(plan=node["plan"], objective=str(node["number"]))
    elif param:
        params[param] = node["label"]
    if not param or not set(params) <= known:
        return None
    return url_for("pages.query_page", name=name) + "?" + urlencode(params)
