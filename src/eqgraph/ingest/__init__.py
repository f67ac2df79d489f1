"""Ingest: action plan documents -> typed records (eqgraph.model) with provenance.

`table` reads the page layer (furniture, headers, cells), `actionplan` the plan structure, `corrections`
applies the curated fixes in data/corrections.yaml, `manifest` says which file is which plan, `identity`
reads the plan's strategy, period and update from its title line, and `damage` reports what a
document's own text says is missing from it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import yaml

from ..errors import InputError
from ..model import Plan
from .actionplan import parse_plan
from .corrections import Corrections
from .damage import Damage, find_damage
from .identity import Identity, period_in, period_start, read_identity
from .manifest import PlanEntry, entry_for
from .splits import repair_plan
from .table import read_document, read_table


def ingest_document(path: str | Path, corrections: Corrections | None = None,
                    damage: list[Damage] | None = None, entry: PlanEntry | None = None) -> Plan:
    """Read one document into a Plan; raises InputError naming the file and line on bad input. Evidence
    that something is missing from a document that still reads is added to `damage` when given.
    `entry` says which plan it is; by default, its manifest entry (`plans.yaml` beside it)."""
    path = Path(path)
    data = read_document(path)
    entry = entry or entry_for(path)
    table = read_table(path, data)
    plan = parse_plan(path, table, entry.id)
    plan.sha256 = hashlib.sha256(data).hexdigest()
    plan.line_count = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    _identify(plan, entry, read_identity(table.title))
    plan.source_url = entry.source_url
    if corrections is not None:
        corrections.apply(plan)
    repair_plan(plan, data.decode("utf-8", errors="replace"))  # after the curated repairs, which match garbles
    if damage is not None:
        damage.extend(find_damage(path, data, table, plan, entry))
    return plan


def _identify(plan: Plan, entry: PlanEntry, identity: Identity) -> None:
    """The plan's title, period, strategy and update: what its manifest entry says, else what its title
    line states (recorded in `read_from_title`, so a build can say what it read), else unknown."""
    stated = {"title": identity.title, "period": identity.period, "strategy": identity.strategy,
              "update": identity.update, "publisher": identity.publisher}
    given = {"title": entry.title, "period": entry.period, "strategy": entry.strategy, "update": entry.update,
             "publisher": entry.publisher}
    plan.read_from_title = {key: str(value) for key, value in stated.items() if value and not given[key]}
    plan.title = entry.title or identity.title or plan.title
    plan.publisher = entry.publisher or identity.publisher
    if not plan.publisher:
        plan.publisher = default_publisher()
        plan.guesses.append(f"{plan.document} does not say which council publishes it (no manifest entry, no "
                            f"council in its title): read as {plan.publisher}, the default in data/councils.yaml; "
                            "say otherwise with `eqgraph add --publisher` or `publisher:` in its plans.yaml entry")
    plan.update = entry.update or identity.update
    named = read_identity(entry.strategy) if entry.strategy else identity
    plan.strategy = named.strategy or entry.strategy
    plan.strategy_key = named.strategy_key or (entry.strategy.lower() if entry.strategy else None)
    plan.strategy_years = named.strategy_years or identity.strategy_years
    # The period: given, else stated in the title, else worked out from the strategy's years and which
    # update this is, whichever of them the manifest or the title gave.
    worked_out = period_in(plan.strategy_years, plan.update) if plan.strategy_years and plan.update else None
    plan.period = entry.period or (identity.period if identity.period_stated else None) or worked_out
    if plan.period and not entry.period and not identity.period_stated:
        plan.read_from_title.pop("period", None)
        if identity.period == plan.period:
            plan.read_from_title["period"] = plan.period


@cache
def default_publisher() -> str:
    """The council a document that names none is read as (data/councils.yaml `default`)."""
    from .. import resources

    path = resources.data_dir() / "councils.yaml"
    try:
        value = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("default")
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(path, f"cannot read the councils file: {exc}") from None
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, "'default' must name the council a document that names none is read as")
    return value.strip()


def check_sequence(plans: list[Plan]) -> None:
    """Plans built together are put in order by period: each must have one. A plan without is refused,
    never put first (a Year 2 update placed before 2013/14 pairs its actions the wrong way round)."""
    if len(plans) < 2:
        return
    seen: dict[tuple, Plan] = {}
    for plan in plans:
        key = (plan.publisher, plan.strategy_key or plan.id, plan.period, plan.update)
        if plan.period and key in seen:
            raise InputError(plan.document, f"plan {plan.id!r} is the same update of the same strategy as "
                             f"{seen[key].id!r} ({seen[key].document}): {plan.period}"
                             + (f", update {plan.update}" if plan.update else "")
                             + "; a corrected edition replaces it (`eqgraph add FILE --replaces PLAN`)")
        seen[key] = plan
        if period_start(plan.period) is None:
            raise InputError(plan.document, f"cannot tell which year plan {plan.id!r} reports on: its title "
                             f"({plan.title!r}) states no period, and no manifest gives one; give it with "
                             "`eqgraph add FILE --period 2018/19` (or `period:` in its plans.yaml entry)")


def ingest_documents(paths, corrections: Corrections | None = None,
                     damage: list[Damage] | None = None) -> list[Plan]:
    plans = [ingest_document(p, corrections, damage) for p in paths]
    check_plans(plans)
    return plans


def check_plans(plans: list[Plan]) -> None:
    """What plans built together must be: each with its own id and file name, and each in its place
    in the sequence (`check_sequence`)."""
    seen: dict[str, Plan] = {}
    names: dict[str, Plan] = {}
    for plan in plans:
        if plan.id in seen:
            raise InputError(plan.document, f"plan id {plan.id!r} is also the id of {seen[plan.id].document}")
        if plan.document in names:
            # The release keeps each source document under its file name, for the source-text views.
            raise InputError(plan.document, f"another document of this build has the same file name "
                                            f"(plan {names[plan.document].id}); rename one")
        seen[plan.id] = plan
        names[plan.document] = plan
    check_sequence(plans)


__all__ = ["Corrections", "Damage", "check_plans", "ingest_document", "ingest_documents"]
