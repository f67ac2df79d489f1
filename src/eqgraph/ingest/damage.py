"""Damage: what a document's own text says is missing from it.

A document cut short, or with lines lost, often still parses: the rows that are left make a smaller
plan. These checks look for the evidence the document itself (or its manifest entry) gives that
something is missing, and report it as a warning naming what looks missing and why; `eqgraph build
--strict` makes them errors. The evidence:

* the checksum: a manifest entry may record the sha256 of the document as catalogued (and how many
  actions it holds); a document that differs is not the one catalogued (cut, edited, another edition);
* the end: the documents end on a whole sentence, so a last row whose text stops mid-sentence ("… is
  well placed to") was cut there (a row cut before its last cell is already an error in table.py);
* numbering: objectives, priority areas and actions are numbered 1, 2, 3 ...; a number skipped means
  its rows were lost, or read into the action above when the line that opened it went missing (a
  number that repeats is an error in actionplan.py);
* empty blocks: an objective or priority area with no action, and an objective whose header is gone
  (action numbering restarting at 1. with no header before it);
* rows merged into their neighbour: a line with more cells than its table header and text in the
  extra ones is two rows whose line break was lost (seen by table.py);
* text cut mid-sentence: a field whose text ends on a word no sentence ends on ("for", "to", "the" ...)
  lost the rest of its text, typically the line that continued it on the next page.

What a curated correction explains (data/corrections.yaml records it on the objective or action it
fixes, e.g. the 2017 plan's lost objective 2 header) is not reported again.

What no check can see: a cut at a clean boundary, after a whole row that ends a sentence and before
the next objective, priority area or action, when the manifest records no checksum, leaves a shorter
document that is in every respect a whole one.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import shown
from ..model import TITLE_NOT_IN_SOURCE, Action, Plan
from .manifest import PlanEntry
from .table import Table
from .text import is_blank, one_line

# Words that do not end an English sentence: a cell whose text ends on one was cut off.
_OPEN_ENDED = frozenset("""
a an the and or nor but to for of with in on at by from into onto as than that which who whose whom
is are was were be been being has have had will would shall should can could may might must their its
our your his her this these those such via per including between among within without towards under
""".split())
_SENTENCE_END = re.compile(r"[.!?:;)\]'\"’”]$")
# A short cell ("On-going", "Work in progress", "From April 2014") is whole without a full stop.
_SHORT_CELL_WORDS = 3

_FIELD_NAMES = {"statement": "Priority Area", "key_activity": "Key activity", "measures": "Performance Measure",
                "strategy": "Key strategy/Plan", "owner": "Department/Division", "update": "Update"}
_ACTION_FIELDS = {"statement": "Priority Area", "key_activity": "Key activity", "measures": "Performance Measure",
                  "update": "Update"}
_BOM = "\ufeff".encode()

Warn = Callable[[int | None, str], None]  # (line, what looks missing and why)


@dataclass(frozen=True)
class Damage:
    """One piece of evidence that something is missing: the document, the line, what and why."""

    document: str  # the path as given
    line: int | None
    problem: str

    def __str__(self) -> str:
        where = f"{shown(self.document)}:{self.line}" if self.line else shown(self.document)
        return f"{where}: {self.problem}"

    def as_dict(self) -> dict:
        return {"document": Path(self.document).name, "line": self.line, "problem": self.problem}


def find_damage(path: Path, data: bytes, table: Table, plan: Plan, entry: PlanEntry) -> list[Damage]:
    """Every piece of evidence of damage in one parsed (and corrected) document, in line order."""
    found: list[Damage] = []

    def warn(line: int | None, problem: str) -> None:
        found.append(Damage(str(path), line, problem))

    catalogued = _checksum(data, table, plan, entry, warn)
    if not catalogued:
        _end(table, plan, warn)
    for line, problem in table.damage:
        action = _action_at(plan, line)
        warn(line, problem + (f" (both are read as action {action.ref})" if action else ""))
    _numbering(plan, warn)
    _cut_text(plan, warn)
    return sorted(found, key=lambda d: d.line or 0)


# --- checks ---------------------------------------------------------------------------------------------

def _checksum(data: bytes, table: Table, plan: Plan, entry: PlanEntry, warn: Warn) -> bool:
    """True when the manifest records this document's checksum (it is the one catalogued)."""
    if entry.sha256 is None:
        return False
    if entry.sha256 in (plan.sha256, _without_leading_boms(data, table.first_header_line)):
        return True
    last = plan.actions[-1] if plan.actions else None
    count = ""
    if entry.actions is not None and entry.actions != len(plan.actions):
        count = (f"; it holds {len(plan.actions)} actions where the catalogued document holds {entry.actions}"
                 + (f" (the last read is {last.ref}, line {last.span.last_line})" if last else ""))
    where = f"{entry.manifest} line {entry.line}" if entry.line else entry.manifest
    warn(None, f"sha256 {plan.sha256[:12]}… differs from the {entry.sha256[:12]}… that {where} records for plan "
               f"{entry.id}: this is not the document catalogued (cut short, edited or another edition?){count}")
    return False


def _without_leading_boms(data: bytes, header_line: int) -> str:
    """The sha256 of the document without the byte-order marks before its table header (no content)."""
    cut = 0
    for _ in range(max(header_line - 1, 0)):
        cut = data.find(b"\n", cut) + 1
        if cut == 0:
            return ""
    return hashlib.sha256(data[:cut].replace(_BOM, b"") + data[cut:]).hexdigest()


def _end(table: Table, plan: Plan, warn: Warn) -> None:
    """The last row stops mid-sentence, or a page header has no row under it: the file was cut there.

    Only the Update column reliably ends on a full stop (the other columns hold names and phrases),
    so the last row counts as cut when its Update stops mid-sentence or any of its cells ends on a
    word no sentence ends on. A short Update ("On-going") is whole, unless the file ends inside its
    line: then "On-go" and "Heal" are as likely as "Work in progress"."""
    if not table.rows:
        return
    row = table.rows[-1]
    action = _action_at(plan, row.line)
    if table.last_header_line > row.line:
        warn(table.last_header_line, "the file ends with a table header and no row under it: the page that "
                                     "followed looks cut off, with anything after "
                                     + (f"action {action.ref}" if action else f"line {row.line}"))
        return
    inside_line = not table.ends_with_line_break and row.line == table.line_count
    cut = None
    for name, raw in row.fields.items():
        text = "" if is_blank(raw) else one_line(raw)
        words = text.split()
        if words and (_open_ended(words[-1]) or (name == "update" and not _ends_whole(text, not inside_line))):
            cut = (name, text)
    if cut is None:
        return
    name, text = cut
    what = (f"the rest of action {action.ref}'s {_FIELD_NAMES.get(name, name)} and anything after it"
            if action else "anything after it")
    how = "ends inside a line, mid-sentence" if inside_line else "ends mid-sentence"
    warn(row.line, f"the file {how} (\"…{_tail(text)}\"): it looks cut short here; {what} may be missing")


def _open_ended(word: str) -> bool:
    return word.lower().strip(",") in _OPEN_ENDED


def _ends_whole(text: str, short_is_whole: bool = True) -> bool:
    words = text.split()
    if not words:
        return True
    if _open_ended(words[-1]):
        return False
    if _SENTENCE_END.search(text):
        return True
    return short_is_whole and len(words) <= _SHORT_CELL_WORDS and not text.endswith(("<", ","))


def _numbering(plan: Plan, warn: Warn) -> None:
    objectives = {o.number: o for o in plan.objectives}
    by_objective: dict[int, list[Action]] = defaultdict(list)
    by_area: dict[str, list[Action]] = defaultdict(list)
    for action in plan.actions:
        by_objective[action.objective].append(action)
        if action.priority_area:
            by_area[action.priority_area].append(action)

    for n in _missing(objectives):
        line = min(o.span.first_line for m, o in objectives.items() if m > n)
        warn(line, f"objective {n} is missing: the objectives are numbered {_listed(objectives)}; its header "
                   "and actions may be lost")
    for n, objective in sorted(objectives.items()):
        if objective.notes:
            continue  # a curated correction explains what happened to this objective
        if not by_objective.get(n):
            warn(objective.span.first_line, f"objective {n} has no action: its actions may be lost")
        elif objective.title_status == TITLE_NOT_IN_SOURCE and not objective.fragments and any(
                a.span.first_line == objective.span.first_line for a in by_objective[n]):
            warn(objective.span.first_line,
                 f"objective {n} has no header: action numbering restarts at 1 here with no 'Equality Objective "
                 f"{n}' line before it, which may be lost (a correction in data/corrections.yaml can record it)")

    areas_of: dict[int, dict[int, int]] = defaultdict(dict)
    for area in plan.priority_areas:
        areas_of[area.objective][int(area.ref.rsplit(".", 1)[1])] = area.span.first_line
        if not by_area.get(area.ref):
            warn(area.span.first_line, f"priority area {area.ref} has no action: its actions may be lost")
    for objective, numbers in sorted(areas_of.items()):
        for n in _missing(numbers):
            line = min(first for m, first in numbers.items() if m > n)
            warn(line, f"priority area {objective}.{n} is missing: objective {objective}'s priority areas are "
                       f"numbered {_listed(numbers, f'{objective}.')}; its rows may be lost")

    groups = by_area if plan.priority_areas else {str(n): actions for n, actions in by_objective.items()}
    for group, actions in sorted(groups.items()):
        refs = {a.sequence: a for a in actions}
        for n in _missing(refs):
            before = max((m for m in refs if m < n), default=None)
            after = refs[min(m for m in refs if m > n)]
            if before is None:
                warn(after.span.first_line, f"action {group}.{n} is missing: the numbering starts at {after.ref}; "
                                            "the rows before it may be lost")
                continue
            previous = refs[before]
            warn(after.span.first_line,
                 f"action {group}.{n} is missing: the numbering goes from {previous.ref} (line "
                 f"{previous.span.first_line}) to {after.ref}; the line that opened it may be lost and its rows "
                 f"read into action {previous.ref}")


def _cut_text(plan: Plan, warn: Warn) -> None:
    for action in plan.actions:
        for name, label in _ACTION_FIELDS.items():
            items = getattr(action, name)
            words = items[-1].split() if items else []
            if words and _open_ended(words[-1]):
                warn(action.span.last_line,
                     f"action {action.ref}'s {label} ends mid-sentence (\"…{_tail(items[-1])}\"): the rest of its "
                     "text may be lost (a line cut or deleted, e.g. where the row continues on the next page)")


# --- helpers --------------------------------------------------------------------------------------------

def _missing(numbers) -> list[int]:
    """The numbers below the highest that are absent: 1, 2, 4 -> [3]."""
    present = set(numbers)
    return [n for n in range(1, max(present)) if n not in present] if present else []


def _listed(numbers, prefix: str = "") -> str:
    return ", ".join(f"{prefix}{n}" for n in sorted(numbers))


def _tail(text: str, words: int = 6) -> str:
    return " ".join(text.split()[-words:])


def _action_at(plan: Plan, line: int) -> Action | None:
    return next((a for a in plan.actions if a.span.first_line <= line <= a.span.last_line), None)

