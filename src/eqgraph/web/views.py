"""Graph views (computed at build time by eqgraph.graphs), their downloads, charts, and vendored JS.

The interactive view uses Cytoscape.js, installed from npm at set-up time into web/node_modules (never
committed) and served from this site, so it works offline. Its filters, search and details panel are a
plain GET form answered here too (eqgraph.web.graph_page), so they work without JavaScript and a view
with its filters can be shared by its address; the charts are eqgraph.web.charts.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_from_directory, url_for

from .. import formats
from ..graphs import export
from ..formats import HTML, ON_GRAPH_VIEW
from . import graph_page
from .charts import charted_plans, charts
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
    share = request.args.get("share") in ("1", "true", "yes")
    shown, plans = charted_plans()
    return render("graphs.html", {"title": "Graph views", "views": views, "charts": charts(share), "share": share,
                                  "charted": shown, "plans": plans,
                                  "counts_href": url_for("views.graphs"),
                                  "shares_href": url_for("views.graphs", share=1)}, fmt)


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
    model = graph_page.page_model(name, data, request.args)
    return render("graph.html", {"title": data["title"], "name": name, "description": data["description"],
                                 **model, "query": data["query"],
                                 "downloads": {f.extension: url_for("views.download", name=name, fmt=f.extension)
                                               for f in DOWNLOADS},
                                 "data_url": url_for("views.download", name=name, fmt="json")}, fmt.name)


@bp.route("/graphs/<name>.<fmt>")
def download(name: str, fmt: str):
    """A view's twin: `.json` (its nodes and edges, each node linked to its page here), `.graphml`,
    `.gexf` (written from the view's JSON on first request and kept for the release), named as in the
    formats table."""
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
    release = state().release
    body = release.memo(f"graph-export:{name}.{found.writer}", lambda: export(release.graphs[name], found.writer))
    response = Response(body, mimetype=found.media_type)
    response.headers.set("Content-Disposition", "attachment", filename=f"eqgraph-{name}.{found.extension}")
    return response.make_conditional(request, accept_ranges=True, complete_length=len(body))  # ranges, as a file


@bp.route("/vendor/<name>")
def vendor(name: str):
    folder = current_app.config.get("VENDOR_DIR")
    if name not in VENDOR or folder is None:
        abort(404, "this script is installed at set-up time (make run / make test run npm ci in web/)")
    *parts, filename = VENDOR[name]
    return send_from_directory(folder.joinpath(*parts), filename, mimetype="text/javascript", max_age=86400)
