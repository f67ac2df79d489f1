"""Physical layer: a tab-separated text file extracted from PDF tables -> logical rows.

Handles everything that is about the page rather than the plan: page furniture, the document's title
line, header rows repeated on every page (also split over two lines, or split mid-word across cells as
`Key ac<TAB>tivity`), extra empty columns, and the check that every row has as many cells as its
header (a row with fewer is a truncated or malformed file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .text import is_blank, one_line

# Column headers as they read once whitespace is removed, and the record field each one feeds.
HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("priorityarea", "statement"),
    ("keyactivity", "key_activity"),
    ("performancemeasure", "measures"),
    ("keystrategy/plan", "strategy"),
    ("department/division", "owner"),
    ("update", "update"),
)
_HEADER_WORDS = {"priority", "area", "key", "activity", "performance", "measure", "strategy/", "strategy",
                 "plan", "department/", "department", "division", "update", "/"}

FURNITURE = (
    re.compile(r"^Equality Strategy Action Plan\s*[–—-]\s*Appendix\s+\d+$", re.IGNORECASE),
    re.compile(r"^This page is intentionally left blank\.?$", re.IGNORECASE),
    re.compile(r"^(?:Page\s+)?\d+(?:\s+of\s+\d+)?$", re.IGNORECASE),
)
_TITLE_LINE = re.compile(r"^Appendix\s+\d+\s*[–—-]\s*(?P<title>.*\bAction Plan\b.*)$", re.IGNORECASE)

LAYOUT_PRIORITY_AREA = "priority-area"  # 2013 family: Priority Area | Key activity | ... ; refs x.y.z
LAYOUT_OBJECTIVE_SEQUENCE = "objective-sequence"  # 2017 family: Key activity | ... | Key strategy/Plan


@dataclass
class Row:
    """One physical table row, its cells mapped to record fields (raw text, markup still in)."""

    line: int
    fields: dict[str, str]
    after_header: bool  # first row after a header, i.e. the top of a page

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    def blank(self, name: str) -> bool:
        return is_blank(self.get(name))

    @property
    def first_text(self) -> str:
        """The leftmost mapped cell: where action numbers and section headers are printed."""
        return self.get("statement") if "statement" in self.fields else self.get("key_activity")

    def all_text(self) -> str:
        return "\t".join(self.fields.values())


@dataclass
class Table:
    layout: str
    title: str | None
    rows: list[Row]


def _norm(cell: str) -> str:
    return re.sub(r"\s+", "", one_line(cell)).lower()


def _is_header(cells: list[str]) -> bool:
    joined = "".join(_norm(c) for c in cells)
    return joined.startswith(("priorityarea", "keyac")) and "performance" in joined


def _is_header_continuation(cells: list[str]) -> bool:
    words = " ".join(one_line(c) for c in cells).lower().split()
    return bool(words) and all(w in _HEADER_WORDS for w in words)


def _column_map(cells: list[str]) -> list[str | None]:
    """Map each header cell to a field. A cell that starts no header name is the rest of a word split
    across cells ("Key ac" | "tivity") and feeds the same field as its left neighbour; an empty
    header cell is an extra empty column."""
    mapping: list[str | None] = []
    previous: str | None = None
    for cell in cells:
        norm = _norm(cell)
        if not norm:
            mapping.append(None)
            continue
        field = next((f for name, f in HEADER_FIELDS if name.startswith(norm[:5]) or norm.startswith(name)), None)
        if field is None:
            field = previous
        mapping.append(field)
        previous = field
    return _name_empty_columns(mapping)


def _name_empty_columns(mapping: list[str | None]) -> list[str | None]:
    """Some pages print a header whose last cell is blank ("... Department/Division<TAB>") while the
    rows below still carry an Update cell there. An empty header cell takes the field that follows its
    left neighbour in the canonical column order when the header lacks that field; otherwise it is an
    extra empty column."""
    order = [f for _, f in HEADER_FIELDS]
    named = set(mapping)
    result = list(mapping)
    for index, field in enumerate(mapping):
        if field is not None or index == 0 or result[index - 1] is None:
            continue
        following = order[order.index(result[index - 1]) + 1:]
        candidate = next((f for f in following if f != "strategy" or "statement" not in named), None)
        if candidate and candidate not in named:
            result[index] = candidate
            named.add(candidate)
    return result


def _layout(mapping: list[str | None]) -> str:
    fields = set(mapping)
    return LAYOUT_PRIORITY_AREA if "statement" in fields else LAYOUT_OBJECTIVE_SEQUENCE


def read_text(path: Path) -> list[str]:
    """The document's lines; empty, binary and non-UTF-8 files are refused with the line at fault."""
    data = path.read_bytes()
    if not data.strip():
        raise InputError(path, "file is empty: expected an action plan table (tab-separated text)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "UTF-16 text (byte-order mark): save the document as UTF-8", 1)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(path, "binary data (NUL byte): not a text action plan", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x}): not a text action plan", line)
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_table(path: Path) -> Table:
    lines = read_text(path)
    rows: list[Row] = []
    title: str | None = None
    mapping: list[str | None] | None = None
    header_line = 0
    layout: str | None = None
    previous_was_header = False
    for number, line in enumerate(lines, start=1):
        if mapping is None:
            # A byte-order mark is no content: editors put one at the start of a file, and copies made
            # by joining files carry it further down, before the leading blank lines or the title.
            line = line.replace("\ufeff", "")
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) == 1 or all(is_blank(c) for c in cells[1:]):
            single = one_line(cells[0])
            if any(p.match(single) for p in FURNITURE):
                continue
            match = _TITLE_LINE.match(single)
            if match and mapping is None:
                title = title or single
                continue
        if _is_header(cells):
            mapping = _column_map(cells)
            header_line = number
            layout = layout or _layout(mapping)
            previous_was_header = True
            continue
        if previous_was_header and _is_header_continuation(cells):
            continue  # second line of a header split over two lines ("Measure", "Plan", "Division")
        if mapping is None:
            raise InputError(
                path,
                "not an action plan: no table header (Key activity, Performance Measure, Department/Division, "
                "Update) before this line",
                number,
            )
        if all(is_blank(c) for c in cells):
            continue  # a row of stray marks only ("_")
        if len(cells) < len(mapping):
            raise InputError(
                path,
                f"row has {len(cells)} cells but the table header (line {header_line}) has {len(mapping)}: "
                "truncated or malformed row",
                number,
            )
        fields: dict[str, list[str]] = {}
        last_field = next(f for f in mapping if f)
        for index, cell in enumerate(cells):
            field = mapping[index] if index < len(mapping) else None
            field = field or last_field  # text in an extra column stays with its neighbour
            last_field = field
            if cell.strip():
                fields.setdefault(field, []).append(cell.strip())
        mapped = {f: " ".join(fields.get(f, [])) for f in dict.fromkeys(m for m in mapping if m)}
        rows.append(Row(number, mapped, after_header=previous_was_header))
        previous_was_header = False
    if layout is None:
        raise InputError(path, "not an action plan: no table header (Key activity, Performance Measure, "
                               "Department/Division, Update) found", len(lines))
    return Table(layout, title, rows)
