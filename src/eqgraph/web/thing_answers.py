"""The answer each kind of page starts with, from the rows of its one query (`queries/internal/page-*.rq`).

* an action: the commitment in full, who delivers it and with whom, for whom, its status with the
  sentence of the update that decided it (and the status of every yearly report on the commitment),
  the strategies it serves, what it carries on from or into, its measures and progress text;
* an objective: its actions in the order people number them, the strategies feeding it, its status mix;
* a plan: its objectives with their action counts and status mixes, its place in the sequence;
* a strategy, partner, community or council unit: what it is, and the actions it is part of, by plan.

Lists of actions are in the order people read their numbers (1.2 before 1.10: the graph's sort key),
plans in the order of their periods.
"""

from __future__ import annotations

from ..namespaces import EQG, ORG, SKOS
from .page_settings import settings

_E = str(EQG)


def answer(kind: str, node, statements, data: dict, facts: dict) -> dict:
    from . import things

    builder = {"action": _action, "objective": _objective, "plan": _plan}.get(kind)
    if builder is not None:
        return builder(node, _Statements(statements), data, facts, things)
    if kind in ("strategy", "partner", "community", "department"):
        return _actions_of(node, _Statements(statements), data, facts, things)
    data["inbound"] = [things.inbound(r["property"], r["propertyLabel"], r["subject"], r["subjectLabel"])
                       for r in things.query("entity-inbound", node)]
    return {}


class _Statements:
    """A thing's statements by property: values as terms with their labels."""

    def __init__(self, rows):
        self.by: dict[str, list] = {}
        for row in rows:
            values = self.by.setdefault(row["property"].value, [])
            if all(row["value"] != v for v, _ in values):
                values.append((row["value"], row["valueLabel"]))

    def links(self, prop: str, things) -> list[dict]:
        found = [things.link(term, label) for term, label in self.by.get(prop, [])]
        return sorted(found, key=lambda link: link["text"].lower())

    def text(self, prop: str) -> str:
        values = self.by.get(prop)
        return values[0][0].value if values else ""

    def texts(self, prop: str) -> list[str]:
        return sorted(term.value for term, _ in self.by.get(prop, []))

    def iri(self, prop: str) -> str | None:
        values = self.by.get(prop)
        return values[0][0].value if values else None


def _v(term):
    return term.value if term is not None else None


def _lines(text: str | None) -> list[str]:
    return [line for line in (text or "").split("\n") if line.strip()]


def _status(iri: str | None, facts: dict) -> dict | None:
    return facts["statuses"].get(iri) if iri else None


def _plan_link(iri: str, facts: dict) -> dict:
    plan = facts["plans"].get(iri)
    return dict(plan) if plan else {"iri": iri, "href": None, "text": iri, "period": "", "id": ""}


# --- an action ----------------------------------------------------------------------------------------

def _action(node, s: _Statements, data: dict, facts: dict, things) -> dict:
    rows = list(things.query("page-action", node))
    wording = s.text(_E + "statement") or s.text(_E + "keyActivity")
    commitment = _lines(wording) or [data["title"]]
    status_iri = s.iri(_E + "progressStatus")
    found = {"ref": s.text(_E + "ref"), "commitment": commitment,
             "activities": _lines(s.text(_E + "keyActivity")) if s.text(_E + "statement") else [],
             "status": _status(status_iri, facts), "phrase": s.text(_E + "statusPhrase"),
             "delivered_by": s.links(_E + "deliveredBy", things), "owner_text": s.text(_E + "ownerText"),
             "partners": s.links(_E + "worksWith", things),
             "communities": s.links(_E + "targetsCommunity", things),
             "named_communities": s.links(_E + "mentionsCommunity", things),
             "strategies": s.links(_E + "servesStrategy", things),
             "named_strategies": s.links(_E + "mentionsStrategy", things),
             "strategy_text": s.text(_E + "strategyText"),
             "themes": s.links(_E + "hasTheme", things), "legislation": s.links(_E + "citesLegislation", things),
             "characteristics": [], "measures": [], "progress_text": [], "history": [], "dropped": [],
             "carries_from": [], "carries_into": [], "plan": None, "objective": None, "area": None}
    measures, characteristics = [], {}
    for row in rows:
        part = row["part"].value
        if part == "context":
            found["plan"] = _plan_link(row["plan"].value, facts)
            found["objective"] = {**things.link(row["item"]), "number": int(row["number"].value),
                                  "text": row["itemLabel"].value}
        elif part == "area":
            found["area"] = {"ref": row["ref"].value, "text": row["text"].value}
        elif part == "measure":
            measures.append((int(row["number"].value), row["text"].value))
        elif part == "update":
            found["progress_text"] = _lines(row["text"].value)
        elif part == "dropped":
            found["dropped"].append(_plan_link(row["plan"].value, facts))
        elif part == "concerns":
            characteristics[row["item"].value] = things.link(row["item"], row["itemLabel"])
    for item, r in _records(rows, "report", "item").items():
        plan = _plan_link(r["plan"].value, facts)
        found["history"].append({
            "action": things.link(item), "ref": r["ref"].value, "plan": plan, "period": plan["period"],
            "status": _status(_v(r.get("status")), facts), "phrase": _v(r.get("phrase")) or "",
            "reworded": _v(r.get("reworded")) or "", "renumbered": _v(r.get("renumbered")) or "",
            "current": item == node.value})
    for part in ("from", "into"):
        for item, r in _records(rows, part, "item").items():
            found["carries_" + part].append({
                "action": things.link(item), "ref": r["ref"].value,
                "plan": _plan_link(r["plan"].value, facts), "text": _lines(_wording(r))[:1],
                "status": _status(_v(r.get("status")), facts),
                "score": round(float(r["score"].value), 2) if "score" in r else None,
                "evidence": _readable(_v(r.get("evidence")) or "")})
    found["measures"] = [text for _, text in sorted(measures)]
    found["characteristics"] = sorted(characteristics.values(), key=lambda c: c["text"].lower())
    found["history"].sort(key=lambda h: h["period"])
    for key in ("carries_from", "carries_into"):
        found[key].sort(key=lambda c: (c["plan"]["period"], c["ref"]))
    data["title"] = commitment[0]
    return found


def _readable(evidence: str) -> str:
    """The continuity evidence with the things both actions name in words, not as identifiers
    ("shared entities: send-services" -> "shared: send services")."""
    parts = []
    for part in evidence.split("; "):
        if part.startswith("shared entities: "):
            part = "shared themes, strategies and partners: " + part.split(": ", 1)[1].replace("-", " ")
        parts.append(part)
    return "; ".join(parts)


# --- lists of actions ------------------------------------------------------------------------------------

def _mix(actions: list[dict], facts: dict) -> list[dict]:
    """How many of these actions stand at each status, in the settings' order (done first)."""
    counts: dict[str, int] = {}
    for action in actions:
        if action["status"]:
            counts[action["status"]["iri"]] = counts.get(action["status"]["iri"], 0) + 1
    order = list(settings().statuses)
    return [{**facts["statuses"][iri], "count": n}
            for iri, n in sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
            if iri in facts["statuses"]]


def _wording(record) -> str:
    """What an action commits to, as the document words it: its statement, else its key activity."""
    return (record.get("statement") or record.get("keyActivity")).value


def _records(rows, part: str, key: str) -> dict[str, dict]:
    """The rows of one part added up per thing (`key`, an IRI): each row of a page query brings a few of
    a thing's values (what may be missing comes in a row of its own), so a record holds every value
    bound in any of its rows. In the order the things first appear."""
    records: dict[str, dict] = {}
    for row in rows:
        if row["part"].value == part and row[key] is not None:
            record = records.setdefault(row[key].value, {})
            for name in row:
                if row[name] is not None:
                    record.setdefault(name, row[name])
    return records


def _action_row(record, facts: dict, things) -> dict:
    return {**things.link(record["action"]), "ref": record["ref"].value, "order": record["order"].value,
            "text": (_lines(_wording(record)) or [record["ref"].value])[0],
            "status": _status(_v(record.get("status")), facts)}


# --- an objective ---------------------------------------------------------------------------------------

def _objective(node, s: _Statements, data: dict, facts: dict, things) -> dict:
    actions: dict[str, dict] = {}
    units: dict[str, dict] = {}
    strategies: dict[str, dict] = {}
    plan = None
    rows = list(things.query("page-objective", node))
    for row in rows:
        if row["part"].value == "context":
            plan = _plan_link(row["plan"].value, facts)
    for iri, r in _records(rows, "action", "action").items():
        if "order" not in r:  # not an action: a priority area of the objective
            continue
        action = _action_row(r, facts, things)
        action["area"] = {"ref": r["areaRef"].value, "text": r["areaTitle"].value} if "areaRef" in r else None
        actions[iri] = {**action, "units": []}
    for row in rows:
        part, action = row["part"].value, row["action"]
        if part == "unit" and action is not None and action.value in actions:
            unit = things.link(row["item"], row["itemLabel"])
            if unit not in actions[action.value]["units"]:
                actions[action.value]["units"].append(unit)
        elif part == "strategy" and action is not None and action.value in actions:
            entry = strategies.setdefault(row["item"].value, {**things.link(row["item"], row["itemLabel"]),
                                                              "actions": set()})
            entry["actions"].add(action.value)
    ordered = sorted(actions.values(), key=lambda a: a["order"])
    for action in ordered:
        action["units"].sort(key=lambda u: u["text"].lower())
    title_status = s.iri(_E + "titleStatus")
    data["title"] = s.text("http://purl.org/dc/terms/title") or data["title"]
    return {"number": int(s.text(_E + "objectiveNumber") or 0), "plan": plan, "actions": ordered,
            "groups": _by_area(ordered), "mix": _mix(ordered, facts),
            "title_note": settings().title_notes.get(title_status, "") if title_status else "",
            "fragments": s.texts(_E + "titleFragment"), "corrections": s.texts(_E + "correctionNote"),
            "strategies": sorted(({**{k: v for k, v in e.items() if k != "actions"}, "count": len(e["actions"])}
                                  for e in strategies.values()), key=lambda e: (-e["count"], e["text"].lower()))}


def _by_area(actions: list[dict]) -> list[dict]:
    """Actions under their priority area (2013 layout), or in one group when the plan has none."""
    groups: list[dict] = []
    for action in actions:
        area = action.get("area")
        if not groups or groups[-1]["area"] != area:
            groups.append({"area": area, "actions": []})
        groups[-1]["actions"].append(action)
    return groups


# --- a plan --------------------------------------------------------------------------------------------

def _plan(node, s: _Statements, data: dict, facts: dict, things) -> dict:
    objectives: dict[str, dict] = {}
    sequence = {"previous": [], "next": [], "updates": [], "updated by": []}
    rows = list(things.query("page-plan", node))
    for row in rows:
        part = row["part"].value
        if part == "objective":
            untitled = row["titleStatus"].value == _E + "TitleNotInSource"
            objectives[row["item"].value] = {**things.link(row["item"]), "number": int(row["number"].value),
                                             "title": "" if untitled else row["itemLabel"].value, "actions": []}
        elif part in sequence:
            sequence[part].append(_plan_link(row["item"].value, facts))
    statuses = {row["action"].value: row["status"].value for row in rows if row["part"].value == "status"}
    actions = [(row["item"].value, {"status": _status(statuses.get(row["action"].value), facts)})
               for row in rows if row["part"].value == "action"]
    for objective, action in actions:
        if objective in objectives:
            objectives[objective]["actions"].append(action)
    listed = sorted(objectives.values(), key=lambda o: o["number"])
    for objective in listed:
        objective["count"] = len(objective["actions"])
        objective["mix"] = _mix(objective.pop("actions"), facts)
    everything = [a for _, a in actions]
    return {"objectives": listed, "count": len(everything), "mix": _mix(everything, facts),
            "period": s.text(_E + "period"), "strategy": s.text(_E + "strategyTitle"),
            "update_number": s.text(_E + "updateNumber"), "document": s.text("http://purl.org/dc/terms/description"),
            "previous": _unique(sequence["previous"] + sequence["updates"]),
            "next": _unique(sequence["next"] + sequence["updated by"])}


# --- a strategy, partner, community or council unit -----------------------------------------------------

def _actions_of(node, s: _Statements, data: dict, facts: dict, things) -> dict:
    config = settings()
    direct = {wording["direct"] for wording in config.relations.values()}
    by_action: dict[str, dict] = {}
    for row in things.query("page-actions-of", node):
        relation = row["relation"].value
        if relation not in config.relations:
            continue
        action = by_action.setdefault(row["action"].value, {**_action_row(row, facts, things),
                                                            "plan": row["plan"].value, "how": [], "direct": False})
        action["direct"] = action["direct"] or row["via"].value == node.value
        wording = config.relations[relation]
        how = wording["direct"] if row["via"].value == node.value else \
            wording["via"].format(part=_v(row["viaLabel"]) or "a part of it")
        if how not in action["how"]:
            action["how"].append(how)
    plans: dict[str, dict] = {}
    for action in by_action.values():  # what it says of the thing itself first, then of its parts
        action["how"].sort(key=lambda how: (how not in direct, how))
        plan = plans.setdefault(action["plan"], {**_plan_link(action["plan"], facts), "actions": []})
        plan["actions"].append(action)
    listed = sorted(plans.values(), key=lambda p: (p["period"], p["text"]), reverse=True)  # newest first
    for plan in listed:
        plan["actions"].sort(key=lambda a: a["order"])
        plan["count"] = len(plan["actions"])
        plan["mix"] = _mix(plan["actions"], facts)
    everything = [a for plan in listed for a in plan["actions"]]
    inbound, data["inbound"] = data["inbound"], []  # shown here as narrower groups, divisions, ...
    hierarchy = (str(SKOS.broader), str(ORG.subOrganizationOf))
    narrower = [i["subject"] for i in inbound if i["iri"] in hierarchy]
    related = [i["subject"] for i in inbound if i["iri"] not in hierarchy]
    return {"definition": s.text(str(SKOS.definition)),
            "aliases": s.texts(str(SKOS.altLabel)), "abbreviations": s.texts(_E + "abbreviation"),
            "kinds": s.links(_E + "partnerKind", things) + s.links(_E + "kind", things),
            "period": s.text(_E + "period"),
            "broader": _unique(s.links(str(SKOS.broader), things) + s.links(str(ORG.subOrganizationOf), things)),
            "concerns": s.links(_E + "concerns", things),
            "for_communities": s.links(_E + "concernsCommunity", things),
            "narrower": sorted(narrower, key=lambda n: n["text"].lower()),
            "related": sorted(related, key=lambda n: n["text"].lower()),
            "plans": listed, "count": len(everything), "mix": _mix(everything, facts),
            "through_parts": sum(not a["direct"] for a in everything)}


def _unique(links: list[dict]) -> list[dict]:
    seen, kept = set(), []
    for link in links:
        if link["iri"] not in seen:
            seen.add(link["iri"])
            kept.append(link)
    return kept
