"""Search across the graph: the /search page."""

from __future__ import annotations

from flask import Blueprint, request

from .pages import _result_data
from .render import render, state

bp = Blueprint("search", __name__)


@bp.route("/search")
def search():
    text = request.args.get("q", "").strip()
    if not text:
        return render("search.html", {"title": "Search", "q": "", "result": None})
    result = state().release.catalogue.run("search", {"text": text})
    return render("search.html", {"title": f"Search: {text}", "q": text, "result": _result_data(result)})
