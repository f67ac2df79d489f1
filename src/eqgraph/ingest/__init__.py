"""Ingest: action plan documents -> typed records (eqgraph.model) with provenance.

`table` reads the page layer (furniture, headers, cells), `actionplan` the plan structure, `corrections`
applies the curated fixes in data/corrections.yaml, `manifest` says which file is which plan, and
`damage` reports what a document's own text says is missing from it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import InputError
from ..model import Plan
from .actionplan import parse_plan
from .corrections import Corrections
from .damage import Damage, find_damage
from .manifest import entry_for
from .table import read_document, read_table


def ingest_document(path: str | Path, corrections: Corrections | None = None,
                    damage: list[Damage] | None = None) -> Plan:
    """Read one document into a Plan; raises InputError naming the file and line on bad input. Evidence
    that something is missing from a document that still reads is added to `damage` when given."""
    path = Path(path)
    data = read_document(path)
    entry = entry_for(path)
    table = read_table(path, data)
    plan = parse_plan(path, table, entry.id)
    plan.sha256 = hashlib.sha256(data).hexdigest()
    plan.line_count = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    plan.title = entry.title or plan.title
    plan.period, plan.publisher, plan.source_url = entry.period, entry.publisher, entry.source_url
    if corrections is not None:
        corrections.apply(plan)
    if damage is not None:
        damage.extend(find_damage(path, data, table, plan, entry))
    return plan


def ingest_documents(paths, corrections: Corrections | None = None,
                     damage: list[Damage] | None = None) -> list[Plan]:
    plans = [ingest_document(p, corrections, damage) for p in paths]
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
    return plans


__all__ = ["Corrections", "Damage", "ingest_document", "ingest_documents"]
