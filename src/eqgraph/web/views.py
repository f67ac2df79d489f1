"""Graph views (computed at build time by eqgraph.graphs), their downloads, charts, and vendored JS.

The interactive view uses Cytoscape.js, installed from npm at set-up time into web/node_modules (never
committed) and served from this site, so it works offline.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory, url_for

from .. import formats
from ..formats import HTML, ON_GRAPH_VIEW
from .render import chosen, render, safe_href, state

bp = Blueprint("views", __name__)

DOWNLOADS = tuple(f for f in ON_GRAPH_VIEW if f is not HTML)  # a view's twins: .json, .graphml, .gexf
VENDOR = {"cytoscape.min.js": ("cytoscape", "dist", "cytoscape.min.js")}


@bp.route("/graphs.json")
def graphs_json():
    return graphs("json")


@bp.route("/graphs")
def graphs(fmt=None):
    views = [{"name": name, "title": g["title"], "description": g["description"], "nodes": len(g["nodes"]),
              "edges": len(g["edges"]), "href": url_for("views.graph", name=name)}
             for name, g in state().release.graphs.items()]
    return render("graphs.html", {"title": "Graph views", "views": views, "charts": _charts()}, fmt)


@bp.route("/graphs/<name>")
def graph(name: str):
    data = state().release.graphs.get(name)
    if data is None:
        abort(404, f"no graph view named {name!r}")
    fmt = chosen(formats.negotiate(request.headers.get("Accept"), ON_GRAPH_VIEW, HTML))
    if fmt.kind == "network":  # GraphML or GEXF by Accept: the twin's file
        return download(name, fmt.extension)
    return _page(name, data, fmt)


def _page(name: str, data: dict, fmt):
    nodes = sorted(data["nodes"], key=lambda n: -n["betweenness"])
    for node in nodes:
        node["href"] = safe_href(node["id"])
    return render("graph.html", {"title": data["title"], "name": name, "description": data["description"],
                                 "nodes": nodes, "edges": data["edges"], "query": data["query"],
                                 "downloads": {f.extension: url_for("views.download", name=name, fmt=f.extension)
                                               for f in DOWNLOADS},
                                 "data_url": url_for("views.download", name=name, fmt="json")}, fmt.name)


@bp.route("/graphs/<name>.<fmt>")
def download(name: str, fmt: str):
    """A view's twin: `.json` (its nodes and edges, each node linked to its page here), `.graphml`,
    `.gexf` (files written at build time), named as in the formats table."""
    found = formats.resolve(fmt, ON_GRAPH_VIEW)
    if found is None or name not in state().release.graphs:
        abort(404, f"no download {name}.{fmt}; formats: {', '.join('.' + f.extension for f in DOWNLOADS)}")
    chosen(found)
    if found is HTML:
        return _page(name, state().release.graphs[name], HTML)
    if found.name == "json":  # with a link to each node's page on this site
        data = dict(state().release.graphs[name])
        data["nodes"] = [{**n, "href": safe_href(n["id"])} for n in data["nodes"]]
        return jsonify(data)
    path = state().release.files.view_file(name, found.extension)
    if path is None:
        abort(404, f"no download {name}.{fmt}")
    return send_from_directory(path.parent, path.name, mimetype=found.media_type, as_attachment=True,
                               download_name=f"eqgraph-{name}.{found.extension}")


def _charts() -> list[dict]:
    catalogue = state().release.catalogue
    coverage = catalogue.run("characteristic-coverage", {}).plain_rows()
    plans = sorted({r["plan"] for r in coverage})
    labels = sorted({r["label"] for r in coverage})
    counts = {(r["plan"], r["label"]): int(r["actions"]) for r in coverage}
    top = max(counts.values(), default=1) or 1
    workload = catalogue.run("department-workload", {}).plain_rows()
    per_department: dict[tuple[str, str], int] = {}
    for r in workload:
        key = (r["departmentLabel"], r["plan"])
        per_department[key] = per_department.get(key, 0) + int(r["actions"])
    departments = sorted({d for d, _ in per_department})
    top_department = max(per_department.values(), default=1) or 1
    return [
        {"title": "Actions per protected characteristic, by plan", "query": "characteristic-coverage",
         "series": plans, "rows": [{"label": label, "values": [
             {"plan": p, "value": counts.get((p, label), 0), "width": round(100 * counts.get((p, label), 0) / top)}
             for p in plans]} for label in labels]},
        {"title": "Actions per department, by plan", "query": "department-workload",
         "series": plans, "rows": [{"label": d, "values": [
             {"plan": p, "value": per_department.get((d, p), 0),
              "width": round(100 * per_department.get((d, p), 0) / top_department)} for p in plans]}
             for d in departments]},
    ]


@bp.route("/vendor/<name>")
def vendor(name: str):
    folder = current_app.config.get("VENDOR_DIR")
    if name not in VENDOR or folder is None:
        abort(404, "this script is installed at set-up time (make run / make test run npm ci in web/)")
    *parts, filename = VENDOR[name]
    return send_from_directory(folder.joinpath(*parts), filename, mimetype="text/javascript", max_age=86400)
