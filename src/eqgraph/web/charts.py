"""The charts of /graphs: actions counted by plan and by status, objective, characteristic or department,
as counts or as shares of each plan's actions, every bar a link to the list of the actions it counts.

What is charted is data (data/charts.yaml). The counts come from one internal query over every action's
facets (graph-action-facets, the definitions of the saved query that lists actions, so a bar and its
list agree) and are computed once per release (`Release.memo`); a request only picks counts or shares.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlencode

import yaml
from flask import url_for

from .. import resources
from ..catalogue import UnknownQuery, internal_query
from ..graphs import settings as view_settings
from .render import state


@cache
def settings() -> dict:
    return yaml.safe_load((resources.data_dir() / "charts.yaml").read_text(encoding="utf-8"))


def chart_settings() -> list[dict]:
    return settings()["charts"]


def charted_plans() -> tuple[int, int]:
    """(plans charted, plans in the release)."""
    counted = state().release.memo("graph-charts", _count)
    return (len(counted[0]["series"]) if counted else 0), state().release.memo("graph-chart-plans", lambda: len(_rows("chart-plans")))


def charts(share: bool) -> list[dict]:
    """The charts as the page shows them: each bar's count, its share of its plan's actions, its width
    (by share, or by count against the chart's largest) and its link."""
    counted = state().release.memo("graph-charts", _count)
    shown = []
    for chart in counted:
        top = max((bar["count"] for group in chart["groups"] for bar in group["bars"]), default=0) or 1
        groups = [{**group, "bars": [{**bar, "width": round(bar["share"] if share else 100 * bar["count"] / top, 1)}
                                     for bar in group["bars"]]} for group in chart["groups"]]
        shown.append({**chart, "groups": groups})
    return shown


def _rows(name: str) -> list[dict]:
    answer = state().release.store.query(internal_query(name))
    names = list(answer.variables)
    return [{v: (None if row[i] is None else row[i].value) for i, v in enumerate(names)} for row in answer]


def _count() -> list[dict]:
    plans = [(p["key"], p["label"], p["period"] or p["key"]) for p in _rows("chart-plans")]
    plans = plans[-int(settings().get("latest_plans") or len(plans) or 1):]  # ordered by period
    facets: dict[str, dict[str, set[str]]] = {}  # facet -> action -> values
    labels: dict[tuple[str, str], str] = {}
    plan_of: dict[str, str] = {}
    for row in _rows("graph-action-facets"):
        if row["facet"] == "plan":
            plan_of[row["action"]] = row["key"]
        else:
            facets.setdefault(row["facet"], {}).setdefault(row["action"], set()).add(row["key"])
            labels.setdefault((row["facet"], row["key"]), row["label"])
    totals = {key: 0 for key, _, _ in plans}
    for plan in plan_of.values():
        totals[plan] = totals.get(plan, 0) + 1
    lister = _lister()
    out = []
    for spec in chart_settings():
        counts: dict[tuple[str, str], int] = {}
        for action, values in facets.get(spec["facet"], {}).items():
            for value in values:
                key = (plan_of.get(action, ""), value)
                counts[key] = counts.get(key, 0) + 1
        values = {value for _, value in counts}
        if spec.get("all_values"):
            values |= {row["key"] for row in _rows(spec["all_values"])}
        values = _ordered(values, spec)

        def bar(plan_key: str, plan_label: str, period: str, value: str, label: str) -> dict:
            count = counts.get((plan_key, value), 0)
            return {"label": label, "plan": plan_label, "period": period, "count": count,
                    "total": totals.get(plan_key, 0),
                    "share": round(100 * count / totals[plan_key], 1) if totals.get(plan_key) else 0.0,
                    "href": lister({"plan": plan_key, spec["facet"]: value}) if count else None}

        if spec["by"] == "plan":
            groups = [{"label": f"{label} ({period})", "bars": [
                bar(key, label, period, value, _value_label(spec, value, labels))
                for value in values if counts.get((key, value))]} for key, label, period in plans]
        else:
            groups = [{"label": labels.get((spec["facet"], value), value), "bars": [
                bar(key, label, period, value, period) for key, label, period in plans]} for value in values]
        out.append({"title": spec["title"], "note": spec.get("note", ""), "by": spec["by"],
                    "series": [{"label": label, "period": period} for _, label, period in plans],
                    "groups": groups})
    return out


def _ordered(values: set[str], spec: dict) -> list[str]:
    order = {v: i for i, v in enumerate(spec.get("order") or ())}
    return sorted(values, key=lambda v: (order.get(v, len(order)), int(v) if v.isdigit() else 0, v.casefold()))


def _value_label(spec: dict, value: str, labels: dict) -> str:
    if spec["facet"] == "objective":  # objectives of different plans share numbers, not titles
        return f"Objective {value}"
    return labels.get((spec["facet"], value), value)


def _lister():
    """Link to the saved query listing actions, with the parameters it has; None when it is missing."""
    name = view_settings()["actions_query"]
    try:
        query = state().release.catalogue.get(name)
    except UnknownQuery:  # the catalogue has no such query: the bars are shown without links
        return lambda params: None
    known = {p.name for p in query.params}

    def href(params: dict[str, str]) -> str | None:
        if not set(params) <= known:
            return None
        return url_for("pages.query_page", name=name) + "?" + urlencode(params)
    return href
