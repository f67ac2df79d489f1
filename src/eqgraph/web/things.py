"""The page of one thing, as data: its answer first, then what it was read from.

A page is built from two queries, both bound with `bind_values`: `entity-page.rq` (the thing's
statements, its links elsewhere, the evidence of its links, its source lines) and the query of its kind
(`page-action.rq`, `page-objective.rq`, `page-plan.rq`, `page-actions-of.rq`, or `entity-inbound.rq`
for any other thing), turned into an answer by `eqgraph.web.thing_answers`. What every page needs and
depends on the release alone (the plans' names, the statuses) is asked once per release, and a page's
data, which depends on nothing but the release and the thing, is kept for the release's life in a
small cache of recently asked pages: a new build is a new release, so nothing kept is ever stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from ..catalogue import bind_values, internal_query
from ..store import IRI, BlankNode, Literal
from . import thing_answers
from .page_settings import settings
from .render import safe_href, state

TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
          "http://purl.org/dc/terms/title")
PAGES_KEPT = 256  # pages of one release kept at once, and at most ...
ACTIONS_KEPT = 20_000  # ... actions listed on them (a few hundred bytes each): at 100 plans a department
                       # lists 1,600


class RecentPages:
    """The last pages asked for, by IRI, least recently used first out, safe across threads: at most
    `size` pages listing at most `weight` actions in all. Names that do not exist are remembered apart
    (a `.ttl` twin first asks for the name with its extension), so asking for them never pushes a real
    page out. Two requests for a page not yet kept may both build it; the page is the same either way."""

    def __init__(self, size: int, weight: int):
        self.size, self.weight = size, weight
        self._pages: "OrderedDict[str, dict]" = OrderedDict()
        self._missing: "OrderedDict[str, None]" = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def get(self, iri: str, compute):
        with self._lock:
            for kept in (self._pages, self._missing):
                if iri in kept:
                    kept.move_to_end(iri)
                    return kept[iri]
        page = compute()
        with self._lock:
            if page is None:
                self._missing[iri] = None
                while len(self._missing) > self.size:
                    self._missing.popitem(last=False)
            elif iri not in self._pages:
                self._pages[iri] = page
                self._held += _weight(page)
                while len(self._pages) > 1 and (len(self._pages) > self.size or self._held > self.weight):
                    _, old = self._pages.popitem(last=False)
                    self._held -= _weight(old)
        return page


def _weight(page: dict) -> int:
    """What a page holds, counted in the actions it lists."""
    answer = page.get("answer", {})
    return 1 + answer.get("count", 0) + len(answer.get("actions", ()))


def page(node: IRI) -> dict | None:
    """The page data of `node`, or None when the graph says nothing about it."""
    recent = state().release.memo("entity-pages", lambda: RecentPages(PAGES_KEPT, ACTIONS_KEPT))
    return recent.get(node.value, lambda: _build(node))


def release_facts() -> dict:
    """The plans (IRI -> identifier, name, period) and statuses (IRI -> name, definition, style) of the
    release, asked once for its life."""
    return state().release.memo("entity-release-facts", _release_facts)


def _release_facts() -> dict:
    plans, statuses = {}, {}
    for row in state().release.store.query(internal_query("page-release")):
        iri = row["item"].value
        if row["part"].value == "plan":
            plans[iri] = {"iri": iri, "href": safe_href(iri), "id": row["id"].value, "text": row["label"].value,
                          "period": row["period"].value if row["period"] else ""}
        else:
            statuses[iri] = {"iri": iri, "href": safe_href(iri), "text": row["label"].value,
                             "style": settings().style(iri) or "unclear",
                             "definition": row["definition"].value if row["definition"] else ""}
    return {"plans": plans, "statuses": statuses}


def query(name: str, node: IRI):
    return state().release.store.query(bind_values(_text(name), {"entity": node}))


_TEXTS: dict[str, str] = {}


def _text(name: str) -> str:
    """An internal query's text, read from its file once per process."""
    if name not in _TEXTS:
        _TEXTS[name] = internal_query(name)
    return _TEXTS[name]


def _build(node: IRI) -> dict | None:
    rows = list(query("entity-page", node))
    parts: dict[str, list] = {}
    for row in rows:
        parts.setdefault(row["part"].value, []).append(row)
    statements = parts.get("property", [])
    if not statements:
        return None
    types = {r["value"].value for r in statements if r["property"].value == TYPE}
    kind = settings().kind_of(types)
    elsewhere = [_elsewhere(r) for r in parts.get("elsewhere", [])]
    shown_elsewhere = {(e["relation"], e["target"]) for e in elsewhere}  # shown once, with its provenance
    data = {
        "iri": node.value,
        "kind": kind.kind if kind else "thing",
        "kind_name": kind.name if kind else _type_names(statements),
        "title": _label(statements) or node.value.rstrip("/").rsplit("/", 1)[-1],
        "properties": properties([r for r in statements
                                  if (r["property"].value, r["value"].value) not in shown_elsewhere]),
        "elsewhere": elsewhere,
        "evidence": sorted((_evidence(r) for r in parts.get("evidence", [])),
                           key=lambda e: (e["link"], e["target"]["text"].lower())),
        "source": _source(parts.get("source", [])),
        "findings": [{"severity": f["severity"], "message": f["message"]}
                     for f in state().release.report.get(node.value, [])],
        "inbound": [inbound(r["property"], r["propertyLabel"], r["value"], r["valueLabel"])
                    for r in parts.get("inbound", [])],
        "answer": {},
    }
    data["answer"] = thing_answers.answer(data["kind"], node, statements, data, release_facts())
    return data


def inbound(prop, prop_label, subject, subject_label) -> dict:
    """A statement pointing at the thing, as "what it is to them": its name read backwards."""
    return {"iri": prop.value, "subject": link(subject, subject_label),
            "property": settings().inverse_name(prop.value, _value(prop_label))}


def _label(statements) -> str | None:
    for wanted in LABELS:
        for row in statements:
            if row["property"].value == wanted:
                return row["value"].value
    return None


def _type_names(statements) -> str:
    names = [settings().name(r["value"].value, _value(r["valueLabel"])) for r in statements
             if r["property"].value == TYPE and r["value"].value not in settings().hidden_types]
    return (sorted(names)[0] if names else "thing").capitalize()


def _value(term) -> str | None:
    return term.value if term is not None else None


def link(term, label=None) -> dict:
    """A thing as a page links it: its label (never a prefixed name) and where it may link."""
    iri = term.value if hasattr(term, "value") else str(term)
    text = _value(label) if label is not None and not isinstance(label, str) else label
    return {"iri": iri, "href": safe_href(iri), "text": text or _fallback_text(iri)}


def _fallback_text(iri: str) -> str:
    """An IRI with no label: this site's own as its last part in words, any other as the address."""
    base = state().settings.base
    if iri.startswith(base):
        return iri[len(base):].replace("/", " ")
    return iri


def properties(statements) -> list[dict]:
    """The recorded facts of a thing, each property under its name for people, in the settings' order
    then by name; bookkeeping properties left out, literal flags in words."""
    config = settings()
    groups: dict[str, dict] = {}
    for row in statements:
        prop, term = row["property"].value, row["value"]
        if prop in config.hidden or (prop == TYPE and term.value in config.hidden_types):
            continue
        group = groups.setdefault(prop, {"property": prop, "values": [],
                                         "label": config.name(prop, _value(row["propertyLabel"]))})
        value = _shown(prop, term, row["valueLabel"])
        if value not in group["values"]:
            group["values"].append(value)
    return sorted(groups.values(), key=lambda g: (config.order.get(g["property"], len(config.order)),
                                                  g["label"].lower()))


def _shown(prop: str, term, label) -> dict:
    config = settings()
    if isinstance(term, IRI):
        if label is None and term.value in config.names:
            return {"iri": term.value, "href": safe_href(term.value), "text": config.names[term.value]}
        return link(term, label)
    if isinstance(term, BlankNode):
        return {"text": "(details)"}
    text = term.value
    if isinstance(term, Literal) and prop in config.values:
        text = config.values[prop].get(text.lower(), text)
    return {"text": text, "lines": text.split("\n")}


def _elsewhere(row) -> dict:
    target = row["target"].value
    return {"relation": row["property"].value, "target": target, "href": safe_href(target),
            "text": row["targetLabel"].value if row["targetLabel"] else target,
            "scheme": row["scheme"].value,
            "how": settings().name(row["property"].value, _value(row["propertyLabel"])),
            "method": row["method"].value, "source": row["source"].value,
            "note": row["note"].value if row["note"] else ""}


def _evidence(row) -> dict:
    prop = row["property"].value
    return {"link": settings().name(prop, _value(row["propertyLabel"])),
            "target": link(row["target"], row["targetLabel"]), "field": row["field"].value,
            "words": row["words"].value}


def _source(rows) -> dict | None:
    """The document lines a thing was read from (the first excerpt, in line order)."""
    if not rows:
        return None
    row = min(rows, key=lambda r: int(r["first"].value))
    name, first, last = row["documentTitle"].value, int(row["first"].value), int(row["last"].value)
    return {"document": name, "first": first, "last": last,
            "lines": [{"number": n, "cells": text.split("\t")}
                      for n, text in state().release.document_lines(name, first, last)]}
