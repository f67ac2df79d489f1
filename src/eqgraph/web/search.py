"""Search across everything: the /search page and its JSON twin (/search.json, or Accept: application/json).

The index (eqgraph.search_index) is built from the release on first use and kept for the release's
life (`Release.memo`), so a search reads no SPARQL: it answers in milliseconds, and a new build brings
a new index. What a result shows is eqgraph.search_results.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Blueprint, request, url_for

from ..search_index import SearchIndex, SearchSettings
from ..search_results import page
from .render import render, safe_href, state

bp = Blueprint("search", __name__)
log = logging.getLogger("eqgraph.search")

INDEX = "search-index"  # the key of the release's memo


def search_index() -> SearchIndex:
    """The current release's index, built once per release."""
    return _index_of(state().release)


def _index_of(release) -> SearchIndex:
    return release.memo(INDEX, lambda: SearchIndex.from_store(release.store, SearchSettings.load()))


_warmed: set[str] = set()  # releases whose index is built (or being built) ahead of the first search
_warmed_lock = threading.Lock()


@bp.before_app_request
def _warm() -> None:
    """On a release's first request, build its index in the background, so the first search does not
    wait for it (a second at most on the built-in graph; seconds at a hundred plans). A search arriving
    meanwhile waits for the same build (`Release.memo` computes once)."""
    release = state().release
    name = str(release.path)
    if name in _warmed:
        return
    with _warmed_lock:
        if name in _warmed:
            return
        _warmed.add(name)
    threading.Thread(target=_build_quietly, args=(release,), name="eqgraph-search-index", daemon=True).start()


def _build_quietly(release) -> None:
    try:
        _index_of(release)
    except Exception as error:  # the first search builds it again and reports what fails
        log.warning("search index not built ahead: %s", error)


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
                                      "examples": list(index.settings.examples)}, fmt)
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
