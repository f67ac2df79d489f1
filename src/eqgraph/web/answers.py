"""A saved query's answer as people read it: the table its `display:` block declares (eqgraph.display).

The rows are the query's, unchanged (downloads and the JSON twin carry them as they are); this only
decides what the page shows of them: the title column linked to the thing, plan names for plan ids,
who delivers each action and its status, counts that lead to the actions behind them, shares of a
plan, natural order of refs, and a sentence when nothing was found. What it looks up beside the rows
(plans, every action's delivering units and status, pick-lists) depends on the release alone and is
read once per release (`Release.memo`).
"""

from __future__ import annotations

import re

from flask import url_for

from ..catalogue import bind_values, internal_query
from ..display import PLACEHOLDER, Column, Display, natural_key
from ..store import IRI
from ..store.terms import Literal
from .render import local_path, safe_href, state

UNITS_HEADER, STATUS_HEADER = "Delivered by", "Status"


# --- what is read once per release --------------------------------------------------------------------

def plans() -> dict[str, dict]:
    """Plan id and plan IRI -> {iri, id, title, name (the period), actions}."""
    release = state().release

    def compute():
        found = {}
        for row in release.store.query(internal_query("answers-plans")):
            plan = {"iri": row["plan"].value, "id": row["id"].value, "title": row["title"].value,
                    "name": row["period"].value if row["period"] is not None else row["title"].value,
                    "actions": int(row["actions"].value)}
            found[plan["id"]] = found[plan["iri"]] = plan
        return found
    return release.memo("answers:plans", compute)


def action_facts() -> dict[str, dict]:
    """Action IRI -> {units: who delivers it, status: its label} for every action."""
    release = state().release

    def compute():
        return {row["action"].value: {"units": row["units"].value if row["units"] is not None else "",
                                      "status": row["statusLabel"].value if row["statusLabel"] is not None else ""}
                for row in release.store.query(internal_query("answers-action-facts"))}
    return release.memo("answers:action-facts", compute)


def objectives() -> list[dict]:
    """Every plan's objectives (plan id, number, label), for the objective field's list."""
    release = state().release

    def compute():
        return [{"plan": row["planId"].value, "number": row["number"].value, "label": row["label"].value,
                 "iri": row["objective"].value}
                for row in release.store.query(internal_query("browse"))]
    return release.memo("answers:objectives", compute)


# --- the table -----------------------------------------------------------------------------------------

def humanise(variable: str) -> str:
    """A column name as words, for queries that declare no display: `objectiveNumber` -> `Objective number`."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", variable).replace("_", " ").lower()
    return words[:1].upper() + words[1:]


def fallback(variables: list[str]) -> Display:
    """A display worked out from the column names alone: each IRI column shown through its label column
    (`unit` through `unitLabel`, `action` through `title`), plan ids as plan names."""
    used, shown = set(), []
    for var in variables:
        label = next((c for c in (f"{var}Label", f"{var}Title", "title" if var == "action" else "")
                      if c and c in variables), "")
        if label:
            used.add(label)
            shown.append(Column(label, "Action" if var == "action" else humanise(var), link=var))
    for var in variables:
        if var in used or any(c.link == var for c in shown):
            continue
        kind = "plan" if var == "plan" else "ref" if var == "ref" else "text"
        shown.append(Column(var, humanise(var), kind=kind))
    return Display(title=shown[0] if shown and shown[0].link else None,
                   columns=tuple(shown[1:] if shown and shown[0].link else shown),
                   action="action" if "action" in variables else "")


def table(query, result) -> dict:
    """The readable table of a result: headers, rows of cells (each with its header, for the cards a
    phone shows), the note explaining it and, when there are no rows, what that means."""
    display = query.display or fallback(result.variables)
    known_plans = plans()
    facts = action_facts() if display.action else {}
    headers = [{"text": c.header, "kind": c.kind} for c in display.shown]
    if display.action:
        headers += [{"text": UNITS_HEADER, "kind": "text"}, {"text": STATUS_HEADER, "kind": "status"}]
    rows = list(result.rows)
    for var in reversed(display.sort):
        rows.sort(key=lambda row: natural_key(None if row.get(var) is None else row[var].value))
    shaped = []
    numbers = {o["iri"]: o["number"] for o in objectives()} if any(c.leads for c in display.shown) else {}
    for row in rows:
        cells = [_cell(col, row, known_plans, result.bindings, numbers) for col in display.shown]
        if display.action:
            action = row.get(display.action)
            fact = facts.get(action.value, {}) if action is not None else {}
            cells.append({"text": fact.get("units", ""), "kind": "text"})
            cells.append(_status(fact.get("status", "")))
        for cell, header in zip(cells, headers):
            cell["header"] = header["text"]
        shaped.append(cells)
    return {"headers": headers, "rows": shaped, "note": display.note,
            "empty": None if rows else empty_sentence(query, display, result)}


def _cell(col: Column, row: dict, known_plans: dict, bindings: dict, numbers: dict) -> dict:
    term = row.get(col.column)
    text = "" if term is None else term.value
    cell = {"text": text, "kind": col.kind}
    if col.ref and row.get(col.ref) is not None:
        cell["ref"] = row[col.ref].value
    target = row.get(col.link) if col.link else None
    if isinstance(target, IRI):
        cell["href"] = safe_href(target.value)
    elif isinstance(term, IRI):
        cell["href"] = safe_href(term.value)
        cell["text"] = (local_path(term.value) or term.value).removeprefix("/id/")
    if col.kind == "plan" and col.separator:
        ids = [item.strip() for item in text.split(col.separator)]
        cell["text"] = col.separator.join(sorted((known_plans[i]["name"] if i in known_plans else i) for i in ids))
    elif col.kind == "plan" and text in known_plans:
        plan = known_plans[text]
        cell.update(text=plan["name"], title=plan["title"], href=safe_href(plan["iri"]))
    elif col.kind == "term" and isinstance(term, IRI):
        cell.update(text=humanise(re.split(r"[#/]", text.rstrip("/#"))[-1]).lower(), href=safe_href(text))
    elif col.kind == "status":
        cell.update(_status(text))
    elif col.kind == "score" and term is not None:
        try:
            cell["text"] = f"{round(float(text) * 100)}%"
        except ValueError:
            pass
    elif col.kind == "list" and col.separator:
        cell["entries"] = [item.strip() for item in text.split(col.separator) if item.strip()]
    elif col.kind == "count":
        count = _int(text)
        if col.leads is not None and count:
            cell["href"] = _lead(col, row, bindings, numbers)
        if col.share and count is not None and row.get("plan") is not None:
            plan = known_plans.get(row["plan"].value)
            if plan and plan["actions"]:
                cell["share"] = f"{round(100 * count / plan['actions'])}% of {plan['actions']}"
    return cell


def _status(label: str) -> dict:
    return {"text": label, "kind": "status", "badge": re.sub(r"[^a-z]+", "-", label.lower()).strip("-")}


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _lead(col: Column, row: dict, bindings: dict, numbers: dict) -> str | None:
    """The page of the saved query that lists what a count counts, its parameters from the row (or,
    `$name`, from this query's own). The queries ask for an objective by plan and number, so an
    objective's IRI stands for its number."""
    params = {}
    for param, source in col.leads.params:
        if source.startswith("$"):
            value = bindings.get(source[1:])
        else:
            value = None if row.get(source) is None else row[source].value
        if value is not None:
            params[param] = numbers.get(value, value) if param == "objective" else value
    return url_for("pages.query_page", name=col.leads.query, **params)


# --- an empty answer ------------------------------------------------------------------------------------

def empty_sentence(query, display: Display, result) -> str:
    """What an empty answer means: the first of the display's cases whose check (an internal query, with
    the same parameters bound) finds a row, its placeholders filled from the parameters and that row."""
    words = _parameter_words(query, result)
    for case in display.empty:
        facts: dict[str, str] = {}
        if any(p.name not in words for p in query.params if f"{{{p.name}}}" in case.say):
            continue  # it speaks of a choice not made
        if case.when:
            row = _check(case.when, query, result)
            if row is None:
                continue
            facts = row
        return PLACEHOLDER.sub(lambda m: {**facts, **words}.get(m.group(1), m.group(0)), case.say)
    return "Nothing in the graph answers this question" + (" with these choices." if result.bindings else ".")


def _parameter_words(query, result) -> dict[str, str]:
    """Each parameter as a sentence names it: the label of the thing it was read as, else as typed."""
    catalogue = state().release.catalogue
    words = {}
    for param in query.params:
        bound = result.bindings.get(param.name)
        if bound is None:
            continue
        if param.type == "plan" and bound in plans():
            words[param.name] = plans()[bound]["title"]
        elif "class" in catalogue.types.get(param.type, {}):
            words[param.name] = next((label for iri, label in catalogue.options(param.type) if iri == bound), bound)
        else:
            words[param.name] = bound
    return words


def _check(name: str, query, result) -> dict[str, str] | None:
    """The first row of an internal check query, with the saved query's parameters bound as terms by the
    same variables; None when it finds nothing or needs a parameter that was not given."""
    sparql = internal_query(name)
    catalogue = state().release.catalogue
    terms = {}
    for param in query.params:
        var = param.var or param.name
        if not re.search(rf"[?$]{re.escape(var)}\b", sparql):
            continue
        bound = result.bindings.get(param.name)
        if bound is None:
            return None
        spec = catalogue.types[param.type]
        if "class" in spec:
            terms[var] = IRI(bound)
        elif spec["datatype"].endswith("#string"):
            terms[var] = Literal(bound)
        else:
            terms[var] = Literal(bound, IRI(spec["datatype"]))
    answer = state().release.store.query(bind_values(sparql, terms), limit=1)
    if isinstance(answer, bool):  # an ASK check
        return {} if answer else None
    for row in answer:
        return {var: ("" if row[var] is None else row[var].value) for var in answer.variables}
    return None
