"""Logical layer: table rows -> a Plan with objectives, priority areas and actions.

The two layouts of this document family number actions differently:

* priority-area layout (2013/14): `1.2.17 <action>` in the Priority Area column, priority areas as
  `1.2 <title>` rows; every action is numbered, so an unnumbered row always continues the row above
  (it is the top of a new page, or the rest of a wrapped cell).
* objective-sequence layout (2017-21): actions numbered `1.`, `2.` ... within each objective, the number
  attached to the text or in a cell of its own. Numbers were lost in extraction, so an unnumbered row
  that names an owner starts a new action whose number is inferred from its position; an unnumbered row
  without an owner continues the row above. A numbering restart at `1.` with no objective header in
  between means the header was lost: the next objective is opened with its title marked as not in
  the source. A numbered row without an owner whose number does not follow on (`2.`, `3.` after the
  inferred 4th action) is a sub-item of the action above, as in action 4.4.

Objective headers may be interleaved with an action row (`... is incorporated Equality Objective 5:
Promoting ...`) or garbled across cells; the row is split, and the raw fragments are kept so that
`data/corrections.yaml` can supply the reconstructed title and say where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import (
    TITLE_FROM_SOURCE,
    TITLE_NOT_IN_SOURCE,
    Action,
    Objective,
    Plan,
    PriorityArea,
    SourceSpan,
)
from .table import LAYOUT_PRIORITY_AREA, Row, Table
from .text import is_blank, join_items, join_one_line, one_line, strip_markup

# Searched over whole rows, so every part is bounded or possessive: an unbounded `\w*` after "Equali"
# would rescan a long run of letters from every "Equali" in it.
_OBJECTIVE = re.compile(r"(?:Equali\w{0,12}+\s++)?\bObjective\s++(?P<n>\d{1,2})\s*+[-–—:]\s*+")
# A tag never holds a `<` (see text.py): an unclosed `<p <p ...` is not rescanned.
_LEADING_TAGS = r"^(?P<tags>\s*+(?:<[^<>]*+>\s*+)*+)"
_ACTION_REF_3 = re.compile(_LEADING_TAGS + r"(?P<ref>\d{1,2}\.\d{1,2}\.\d{1,3})\.?(?=\s|<|$)")
_AREA_REF = re.compile(r"^(?P<ref>(?P<obj>\d{1,2})\.\d{1,2})\.?\s+(?P<title>\S.*)$")
_SEQUENCE_REF = re.compile(_LEADING_TAGS + r"(?P<ref>\d{1,2})\.(?=\s|<|$)")

TITLE_MAX = 140


@dataclass
class _ActionDraft:
    ref: str
    sequence: int
    objective: int
    priority_area: str | None
    first_line: int
    last_line: int
    ref_inferred: bool = False
    fragments: dict[str, list[str]] = field(default_factory=dict)

    def add(self, row: Row, fields: dict[str, str] | None = None) -> None:
        for name, raw in (fields if fields is not None else row.fields).items():
            if not is_blank(raw):
                self.fragments.setdefault(name, []).append(raw)
        self.last_line = max(self.last_line, row.line)


@dataclass
class _ObjectiveDraft:
    number: int
    first_line: int
    last_line: int
    fragments: list[str] = field(default_factory=list)
    title_lost: bool = False


def _split_ref(pattern: re.Pattern[str], raw: str) -> tuple[str | None, str]:
    """(number, rest of the cell with its markup) if the cell opens with an action number."""
    match = pattern.match(raw)
    if not match:
        return None, raw
    return match.group("ref"), match.group("tags") + raw[match.end():]


_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|No|St|Dr|Mr|Mrs|Ms)|\b[A-Za-z0-9])$")
_CLAUSE_END = re.compile(r"[.:](?=\s+\S|$)")


def _short_title(items: tuple[str, ...]) -> str:
    """A label for an action: its first item up to the first colon or full stop (not one that ends an
    abbreviation such as "e.g."), cut at a word if still long."""
    if not items:
        return ""
    text = items[0]
    for end in _CLAUSE_END.finditer(text):
        if end.start() > 2 * TITLE_MAX:
            break  # a head this long is cut at TITLE_MAX below anyway; looking further is quadratic
        head = text[: end.start()].rstrip()
        # An abbreviation is a few letters at the end: look at the tail only, not the whole head.
        if len(head) >= 12 and not _ABBREVIATION.search(head[-8:]):
            text = head
            break
    if len(text) > TITLE_MAX:
        text = text[:TITLE_MAX].rsplit(" ", 1)[0].rstrip(",;:–- ") + "…"
    return text


class _PlanParser:
    def __init__(self, path: Path, table: Table):
        self.path = path
        self.table = table
        self.priority_layout = table.layout == LAYOUT_PRIORITY_AREA
        self.objectives: dict[int, _ObjectiveDraft] = {}
        self.areas: dict[str, PriorityArea] = {}
        self.actions: list[_ActionDraft] = []
        self.objective: int | None = None
        self.area: str | None = None
        self.sequence = 0  # last action number within the current objective (objective-sequence layout)
        self.last: str | None = None  # what an unnumbered continuation row extends

    # --- blocks -----------------------------------------------------------------------------------
    def open_objective(self, number: int, line: int, fragments: list[str], title_lost: bool = False) -> None:
        if number in self.objectives:
            raise InputError(self.path, f"objective {number} appears twice", line)
        self.objectives[number] = _ObjectiveDraft(number, line, line, list(fragments), title_lost)
        self.objective, self.area, self.sequence, self.last = number, None, 0, "objective"

    def open_action(self, row: Row, ref: str, sequence: int, fields: dict[str, str], inferred: bool = False):
        if self.objective is None:
            raise InputError(self.path, "an action appears before any equality objective", row.line)
        if any(a.ref == ref for a in self.actions):
            raise InputError(self.path, f"action {ref} appears twice", row.line)
        draft = _ActionDraft(ref, sequence, self.objective, self.area, row.line, row.line, inferred)
        draft.add(row, fields)
        self.actions.append(draft)
        self.last = "action"

    def continue_last(self, row: Row) -> None:
        if self.last == "action":
            self.actions[-1].add(row)
        elif self.last == "objective":
            draft = self.objectives[self.objective]
            draft.fragments.extend(c for c in row.fields.values() if not is_blank(c))
            draft.last_line = row.line
        elif self.last == "area":
            area = self.areas[self.area]
            area.title = f"{area.title} {join_one_line(list(row.fields.values()))}".strip()
            area.span = area.span.widen(row.line)
        else:
            raise InputError(self.path, "text before the first objective or action: not an action plan row", row.line)

    # --- rows -------------------------------------------------------------------------------------
    def feed(self, row: Row) -> None:
        cleaned = one_line(row.all_text())
        match = _OBJECTIVE.search(cleaned)
        if match:
            self._objective_row(row, int(match.group("n")))
            return
        if self.priority_layout:
            self._priority_row(row)
        else:
            self._sequence_row(row)

    def _objective_row(self, row: Row, number: int) -> None:
        first_field = "statement" if "statement" in row.fields else "key_activity"
        first_raw = row.get(first_field)
        inside = _OBJECTIVE.search(one_line(first_raw))
        if inside and inside.start() > 0 and not row.blank("owner"):
            # An action row with the next objective's header printed into its first cell. The cut is
            # made in the raw cell (keeping the action's markup) when the header reads there as it
            # does once cleaned; markup, entities or control bytes inside the header ("Objective<b> 5",
            # "Objective&#32;5") hide it from the raw text, and then the cleaned text is cut instead.
            # Either way the action part no longer holds a header, so it is read as an action row.
            raw_match = _OBJECTIVE.search(first_raw)
            action_raw = first_raw[:raw_match.start()] if raw_match else ""
            header = first_raw[raw_match.start():] if raw_match else ""
            if not raw_match or _OBJECTIVE.search(one_line(action_raw)) or not _OBJECTIVE.search(one_line(header)):
                cleaned_first = strip_markup(first_raw)
                cleaned_match = _OBJECTIVE.search(cleaned_first)
                cut = cleaned_match.start() if cleaned_match else len(cleaned_first)
                action_raw, header = cleaned_first[:cut], cleaned_first[cut:]
            if _OBJECTIVE.search(one_line(action_raw)) is None:
                action_fields = dict(row.fields, **{first_field: action_raw})
                self.feed(Row(row.line, action_fields, row.after_header))
                self.open_objective(number, row.line, [_OBJECTIVE.sub("", one_line(header), count=1)])
                return
        fragments = []
        for raw in row.fields.values():
            text = one_line(raw)
            if not is_blank(text):
                fragments.append(_OBJECTIVE.sub("", text, count=1).strip() if _OBJECTIVE.search(text) else text)
        self.open_objective(number, row.line, [f for f in fragments if f])

    def _priority_row(self, row: Row) -> None:
        first = row.get("statement")
        ref, rest = _split_ref(_ACTION_REF_3, first)
        if ref:
            objective = int(ref.split(".")[0])
            if objective != self.objective:
                raise InputError(self.path, f"action {ref} is not under objective {objective}", row.line)
            area = ref.rsplit(".", 1)[0]
            if area != self.area:
                raise InputError(self.path, f"action {ref} is not under priority area {area}", row.line)
            self.open_action(row, ref, int(ref.rsplit(".", 1)[1]), dict(row.fields, statement=rest))
            return
        others_blank = all(is_blank(v) for k, v in row.fields.items() if k != "statement")
        area_match = _AREA_REF.match(one_line(first))
        if area_match and others_blank:
            ref, title = area_match.group("ref"), area_match.group("title").strip()
            if int(area_match.group("obj")) != self.objective:
                raise InputError(self.path, f"priority area {ref} is not under objective {self.objective}", row.line)
            if ref in self.areas:
                raise InputError(self.path, f"priority area {ref} appears twice", row.line)
            self.areas[ref] = PriorityArea(ref, self.objective, title, SourceSpan(self.path.name, row.line, row.line))
            self.area, self.last = ref, "area"
            return
        self.continue_last(row)

    def _sequence_row(self, row: Row) -> None:
        number, rest = _split_ref(_SEQUENCE_REF, row.get("key_activity"))
        has_owner = not row.blank("owner")
        if number is not None:
            n = int(number)
            if not has_owner and self.last == "action" and n != self.sequence + 1:
                # A numbered sub-item with measures but no owner of its own (action 4.4's "2.", "3.").
                sub = {k: f"<p>{one_line(v)}</p>" for k, v in dict(row.fields, key_activity=rest).items()
                       if not is_blank(v)}
                self.actions[-1].add(row, sub)
                return
            if n == 1 and self.sequence > 0 and self.last != "objective":
                # Numbering restarts with no objective header in between: the header was lost.
                self.open_objective(self.objective + 1, row.line, [], title_lost=True)
            self.sequence = n
            self.open_action(row, f"{self.objective}.{n}", n, dict(row.fields, key_activity=rest))
            return
        if has_owner:
            if self.objective is None:
                raise InputError(self.path, "an action appears before any equality objective", row.line)
            self.sequence += 1
            self.open_action(row, f"{self.objective}.{self.sequence}", self.sequence, dict(row.fields),
                             inferred=True)
            return
        self.continue_last(row)

    # --- result -----------------------------------------------------------------------------------
    def _action(self, draft: _ActionDraft) -> Action:
        f = draft.fragments
        statement = join_items(f.get("statement", []))
        key_activity = join_items(f.get("key_activity", []))
        owner = join_one_line(f.get("owner", []))
        where = SourceSpan(self.path.name, draft.first_line, draft.last_line)
        if not key_activity and not statement:
            raise InputError(self.path, f"action {draft.ref} has no key activity", draft.first_line)
        if not key_activity:
            key_activity, statement = statement, ()
        return Action(
            ref=draft.ref,
            sequence=draft.sequence,
            objective=draft.objective,
            priority_area=draft.priority_area,
            title=_short_title(statement or key_activity),
            statement=statement,
            key_activity=key_activity,
            measures=join_items(f.get("measures", [])),
            strategy_text=join_one_line(f.get("strategy", [])),
            owner_text=owner,
            update=join_items(f.get("update", [])),
            span=where,
            ref_inferred=draft.ref_inferred,
        )

    def _objective(self, draft: _ObjectiveDraft) -> Objective:
        span = SourceSpan(self.path.name, draft.first_line, draft.last_line)
        if draft.title_lost or not draft.fragments:
            return Objective(draft.number, f"Equality Objective {draft.number}", TITLE_NOT_IN_SOURCE, span)
        title = one_line(" ".join(draft.fragments)).strip(" -–—:.")
        return Objective(draft.number, title, TITLE_FROM_SOURCE, span, tuple(draft.fragments))

    def plan(self, plan_id: str) -> Plan:
        for row in self.table.rows:
            self.feed(row)
        if not self.actions:
            raise InputError(self.path, "no actions found: not an action plan")
        actions = [self._action(d) for d in self.actions]
        last = self.actions[-1]
        if not actions[-1].owner_text:
            raise InputError(self.path, f"file ends inside action {last.ref} (no Department/Division cell): "
                                        "truncated?", last.last_line)
        return Plan(
            id=plan_id,
            title=self.table.title or self.path.stem,
            document=self.path.name,
            sha256="",
            line_count=0,
            layout=self.table.layout,
            objectives=[self._objective(d) for d in sorted(self.objectives.values(), key=lambda d: d.number)],
            priority_areas=list(self.areas.values()),
            actions=actions,
            document_title=self.table.title,
        )


def parse_plan(path: Path, table: Table, plan_id: str) -> Plan:
    return _PlanParser(path, table).plan(plan_id)
