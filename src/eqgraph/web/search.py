"""Search across everything: the /search page and its JSON twin (/search.json, or Accept: application/json).

The index (eqgraph.search_index) is built from the release on first use and kept for the release's
life (`Release.memo`), so a search reads no SPARQL: it answers in milliseconds, and a new build brings
a new index. What a result shows is eqgraph.search_results.
"""

from __future__ import annotations

import time

from flask import Blueprint, request, url_for

from ..search_index import SearchIndex, SearchSettings
from ..search_results import page
from .render import render, safe_href, state

bp = Blueprint("search", __name__)

INDEX = "search-index"  # the key of the release's memo


def search_index() -> SearchIndex:
    """The current release's index, built once per release."""
    release = state().release
    return release.memo(INDEX, lambda: SearchIndex.from_store(release.store, SearchSettings.load()))


@bp.route("/search.json")
def search_json():
    """The JSON twin under its own address (an endpoint of its own, so url_for('search.search') is /search)."""
    return search("json")


@bp.route("/search")
def search(fmt: str | None = None):
    text = request.args.get("q", "")
    index = search_index()
    if not text.strip():
        return render("search.html", {"title": "Search", "q": "", "result": None,
                                      "examples": ["ethnic minority", "disabilty", "Merton Voluntary", "C&H"]}, fmt)
    kind = request.args.get("kind") or None
    plan = request.args.get("plan") or None
    if kind != "action" and index.settings.kind(kind or "") is None:
        kind, plan = None, None
    started = time.perf_counter()
    found = index.search(text, kind=kind, plan=plan if kind == "action" else None)

    def url(**params) -> str:
        asked = {"q": text, **params}
        return url_for("search.search", **{k: v for k, v in asked.items() if v})

    result = page(found, safe_href, url)
    result["ms"] = round((time.perf_counter() - started) * 1000, 2)
    shown = text[:index.settings.limits["query_characters"]]
    return render("search.html", {"title": f"Search: {shown}", "q": shown, "kind": kind, "plan": plan,
                                  "result": result}, fmt)
