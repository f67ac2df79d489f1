"""What a search shows (eqgraph.search_index finds, this module says): results grouped by kind, things
first, then actions grouped by plan; the matched words marked; a long text cut around its first match;
and a sentence, with a spelling that would find something, when nothing matches.

Highlighting is data, not markup: a text is a list of segments `{"text", "mark"}` that the template
writes with autoescaping (`<mark>` around the marked ones), so document text is never trusted as HTML;
the JSON twin carries the same segments.
"""

from __future__ import annotations

from typing import Callable

from .search_index import ACTION, Found, words

DESCRIPTION = 220  # characters of a thing's description shown under its name
LINKS_SHOWN = 4  # links shown under an action found through them


def segments(text: str, keys: set[str], limit: int | None = None) -> list[dict]:
    """The text as segments, the words whose key is one of `keys` marked; with `limit`, only about that
    many characters around the first marked word, cut at spaces and shown cut with "…"."""
    spans = [(s, e) for s, e, k in words(text) if k in keys]
    start, end = 0, len(text)
    if limit and len(text) > limit:
        first = spans[0][0] if spans else 0
        start = max(0, first - limit // 3)
        if start:
            space = text.rfind(" ", 0, start + 1)
            start = space + 1 if space >= 0 else start
        end = min(len(text), start + limit)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    out: list[dict] = []
    if start:
        out.append({"text": "…", "mark": False})
    at = start
    for s, e in spans:
        if s < start or e > end:
            continue
        if out and out[-1]["mark"] and at < s and text[at:s].isspace():  # "Network Rail": one mark
            out[-1]["text"] += text[at:e]
        else:
            if s > at:
                out.append({"text": text[at:s], "mark": False})
            out.append({"text": text[s:e], "mark": True})
        at = e
    if at < end:
        out.append({"text": text[at:end], "mark": False})
    if end < len(text):
        out.append({"text": "…", "mark": False})
    return out


def has_mark(parts: list[dict]) -> bool:
    return any(p["mark"] for p in parts)


def _short(text: str, limit: int = DESCRIPTION) -> str:
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit)
    return text[:space if space > 0 else limit] + "…"


def page(found: Found, href: Callable[[str], str | None], url: Callable[..., str]) -> dict:
    """The page's data (and its JSON twin's): `href(iri)` is where a result links, `url(**params)` the
    address of this search with other parameters (one group in full)."""
    index, settings, limits = found.index, found.index.settings, found.index.settings.limits
    keys = found.keys
    one_group = found.kind is not None
    groups = []
    by_kind: dict[str, list[int]] = {}
    for number in found.things:
        by_kind.setdefault(index.docs[number].kind, []).append(number)
    for kind in settings.kinds:
        numbers = by_kind.get(kind.key)
        if not numbers or (one_group and found.kind != kind.key):
            continue
        numbers.sort(key=lambda n: (-found.things[n], index.docs[n].label.casefold()))
        shown = limits["one_kind"] if one_group else limits["per_kind"]
        groups.append({
            "key": kind.key, "heading": kind.many, "one": kind.one, "count": len(numbers),
            "more": url(kind=kind.key) if len(numbers) > shown else None,
            "results": [_thing(index, n, keys, href) for n in numbers[:shown]],
        })
    plans, other_plans, actions = [], [], 0
    by_plan: dict[str, list[int]] = {}
    if not one_group or found.kind == ACTION:
        for number in found.actions:
            doc = index.docs[number]
            if found.plan is None or index.identifier(doc.plan) == found.plan:
                by_plan.setdefault(doc.plan, []).append(number)
        # The plans with the best matches first; the first few shown, the others listed with counts.
        best = {plan: max(found.actions[n] for n in numbers) for plan, numbers in by_plan.items()}
        ordered = sorted(by_plan, key=lambda p: (-round(best[p], 6), index.identifier(p)))
        shown_plans = limits["plans"] if found.plan is None else 1
        per_plan = limits["one_kind"] if found.plan is not None else limits["per_plan"]
        for plan in ordered[:shown_plans]:
            numbers = by_plan[plan]
            numbers.sort(key=lambda n: (-round(found.actions[n], 6), index.docs[n].order))
            plan_id = index.identifier(plan)
            plans.append({
                "key": f"plan-{plan_id}", "plan": plan_id, "heading": _label(index, plan) or plan_id,
                "href": href(plan), "count": len(numbers),
                "more": url(kind=ACTION, plan=plan_id) if len(numbers) > per_plan else None,
                "results": [_action(found, n, href) for n in numbers[:per_plan]],
            })
        for plan in ordered[shown_plans:shown_plans + limits["plan_list"]]:
            plan_id = index.identifier(plan)
            other_plans.append({"plan": plan_id, "heading": _label(index, plan) or plan_id,
                                "count": len(by_plan[plan]), "href": url(kind=ACTION, plan=plan_id)})
        actions = sum(len(numbers) for numbers in by_plan.values())
    total = sum(g["count"] for g in groups) + actions
    listed = len(plans) + len(other_plans)
    return {
        "terms": [{"typed": t.typed, "alike": t.alike} for t in found.terms],
        "notes": found.notes,
        "total": total,
        "summary": [{"text": f"{g['count']} {g['one'] if g['count'] == 1 else g['heading'].lower()}",
                     "anchor": g["key"]} for g in groups]
        + ([{"text": f"{actions} action{'' if actions == 1 else 's'} in "
                     f"{len(by_plan)} plan{'' if len(by_plan) == 1 else 's'}",
             "anchor": plans[0]["key"]}] if plans else []),
        "other_plans": other_plans,
        "unlisted_plans": (len(by_plan) - listed) if plans else 0,
        "groups": groups,
        "plans": plans,
        "all": url() if one_group else None,
        **_nothing(found, url, total),
    }


def _label(index, iri: str) -> str:
    doc = index.doc(iri)
    return doc.label if doc is not None else ""


def _thing(index, number: int, keys: set[str], href) -> dict:
    doc = index.docs[number]
    label = segments(doc.label, keys)
    also = None
    if not has_mark(label):  # found by another name ("BAME" for Ethnic minorities): show that name too
        named = [segments(text, keys) for _, text, _ in doc.slots[1:]]
        named = [parts for parts in named if has_mark(parts)]
        if named:
            also = max(named, key=lambda parts: sum(p["mark"] for p in parts))
    context = [{"text": index.docs[p].label, "href": href(index.docs[p].iri)} for p in index.parents.get(number, ())]
    return {"iri": doc.iri, "href": href(doc.iri), "label": label, "also": also,
            "context": sorted(context, key=lambda c: c["text"].casefold()), "description": _short(doc.description)}


def _action(found: Found, number: int, href) -> dict:
    index, keys = found.index, found.keys
    doc = index.docs[number]
    fields = index.settings.action_fields
    masks = found.masks.get(number, [])  # for each word, the texts that hold it (none: found by a link)
    covered = [(sum(1 for m in masks if m >> slot & 1), weight, slot)  # (words held, weight, slot)
               for slot, (_, _, weight) in enumerate(doc.slots)]
    title_terms = max((c for c, _, s in covered if doc.slots[s][0] in ("title", "ref")), default=0)
    where = None
    if masks and title_terms < len(found.terms):
        best = max((c for c in covered if doc.slots[c[2]][0] not in ("title", "ref") and c[0] > title_terms),
                   default=None)
        if best is not None:
            name, text, _ = doc.slots[best[2]]
            where = {"field": fields[name]["label"],
                     "text": segments(text, keys, index.settings.limits["snippet"])}
    links = []
    for thing, relation, matched in found.via.get(number, ())[:LINKS_SHOWN]:
        linked = index.docs[thing]
        links.append({"relation": index.settings.action_links[relation], "label": segments(linked.label, keys),
                      "href": href(linked.iri),
                      "under": index.docs[matched].label if matched != thing else None})
    return {"iri": doc.iri, "href": href(doc.iri), "ref": doc.ref, "title": segments(doc.label, keys),
            "status": doc.status, "where": where, "links": links}


def _nothing(found: Found, url, total: int) -> dict:
    """When nothing matches: a sentence saying why, and a search that would find something."""
    if total:
        return {"empty": None, "suggestion": None, "words": []}
    if not found.terms:
        return {"empty": "Type a word that names something: an action's number or words, a community, a "
                         "partner, a strategy, a department.", "suggestion": None, "words": []}
    index = found.index
    unknown = [t for t in found.terms if not t.keys]
    if unknown:
        replaced, fixed = [], False
        for t in found.terms:
            close = [] if t.keys else index.spelt_like(_key(t.typed))
            if close:
                replaced.append(index.surface.get(close[0], close[0]))
                fixed = True
            else:
                replaced.append(t.typed)
        names = ", ".join(f"“{t.typed}”" for t in unknown)
        sentence = f"Nothing here holds the word{'s' if len(unknown) > 1 else ''} {names}."
        suggestion = None
        if fixed:
            text = " ".join(replaced)
            suggestion = {"q": text, "href": url(q=text, kind=None, plan=None)}
        return {"empty": sentence, "suggestion": suggestion, "words": []}
    return {"empty": "No action, and no single name, holds all of these words together. Search for each:",
            "suggestion": None,
            "words": [{"text": t.typed, "href": url(q=t.typed, kind=None, plan=None)} for t in found.terms]}


def _key(word: str) -> str:
    from .search_index import key

    return key(word)
