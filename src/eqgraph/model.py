"""Plain records that ingest produces and later stages consume. No RDF here: these are what the
documents say, cleaned, with provenance (file and line span) on every record."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceSpan:
    """Where a record came from: a document and an inclusive 1-based line range."""

    document: str  # plan-relative document name, e.g. "001_0627c223ffbd227d.txt"
    first_line: int
    last_line: int

    def widen(self, line: int) -> "SourceSpan":
        return SourceSpan(self.document, min(self.first_line, line), max(self.last_line, line))


@dataclass
class Action:
    """One row of an action plan table (possibly broken over pages and lines).

    Text fields that can hold several items (paragraphs, bullets, lines of a cell) are tuples of
    strings, each item clean text; single-valued cells are plain strings."""

    ref: str  # as the document numbers it: "1.2.17" (2013 layout) or "2.6" (2017 layout)
    sequence: int  # position within its priority area (2013) or objective (2017)
    objective: int
    priority_area: str | None  # "1.2" in the 2013 layout, None otherwise
    title: str
    statement: tuple[str, ...]  # the action's own wording (2013 "Priority Area" column), if any
    key_activity: tuple[str, ...]
    measures: tuple[str, ...]
    strategy_text: str  # "Key strategy/Plan" cell as printed (2017 layout), "" if absent
    owner_text: str  # "Department/Division" cell as printed
    update: tuple[str, ...]
    span: SourceSpan
    ref_inferred: bool = False  # the number was lost in extraction and inferred from position
    notes: list[str] = field(default_factory=list)  # corrections applied, with their source


@dataclass
class PriorityArea:
    ref: str  # "1.2"
    objective: int
    title: str
    span: SourceSpan


TITLE_FROM_SOURCE = "from-source"
TITLE_RECONSTRUCTED = "reconstructed"
TITLE_NOT_IN_SOURCE = "not-in-source"


@dataclass
class Objective:
    number: int
    title: str
    title_status: str  # one of the TITLE_* values
    span: SourceSpan
    fragments: tuple[str, ...] = ()  # the raw pieces the title was read from
    notes: list[str] = field(default_factory=list)


def period_start(period: str | None) -> int | None:
    """The first year of a period as written ("2018/19", "2018-19", "2018"), or None."""
    match = re.search(r"\b(19|20)\d\d\b", period or "")
    return int(match.group(0)) if match else None


@dataclass
class Plan:
    id: str  # e.g. "merton-2013-14"
    title: str
    document: str  # file name of the source document
    sha256: str
    line_count: int
    layout: str  # "priority-area" (2013 family) or "objective-sequence" (2017 family)
    objectives: list[Objective] = field(default_factory=list)
    priority_areas: list[PriorityArea] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    period: str | None = None
    publisher: str | None = None
    source_url: str | None = None
    document_title: str | None = None  # the title line printed in the document, if any
    strategy: str | None = None  # the strategy whose action plan this is ("Equality Strategy")
    strategy_key: str | None = None  # the strategy and its years, compared to tell updates of one strategy
    strategy_years: tuple[int, int] | None = None  # (2017, 2021) for the 2017-21 strategy
    update: int | None = None  # which yearly update of the strategy's action plan (Year 2 -> 2)
    read_from_title: dict[str, str] = field(default_factory=dict)  # what the title line gave, for the report
    guesses: list[str] = field(default_factory=list)  # what the build assumed, said to the user

    def objective(self, number: int) -> Objective | None:
        return next((o for o in self.objectives if o.number == number), None)

    def action(self, ref: str) -> Action | None:
        return next((a for a in self.actions if a.ref == ref), None)
