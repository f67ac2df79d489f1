"""Physical layer: a tab-separated text file extracted from PDF tables -> logical rows.

Handles everything that is about the page rather than the plan: page furniture, the document's title
line, header rows repeated on every page (also split over two lines, or split mid-word across cells as
`Key ac<TAB>tivity`), extra empty columns, and the check that every row has as many cells as its
header (a row with fewer is a truncated or malformed file).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from dataclasses import field as _field
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
    # Evidence of damage seen on the page (line, what looks wrong); eqgraph.ingest.damage reports it.
    damage: list[tuple[int, str]] = _field(default_factory=list)
    first_header_line: int = 0
    last_header_line: int = 0
    ends_with_line_break: bool = True
    line_count: int = 0


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


def read_document(path: Path, what: str = "document") -> bytes:
    """A document's bytes, or an InputError that says what the path is instead of a readable file:
    a directory, a FIFO (reading one would wait for a writer forever), a device, a symbolic link
    loop, a file that cannot be read. A file name that is not UTF-8 is refused too: the name is
    recorded in the graph, which is UTF-8. `what` names the kind of file in messages."""
    check_regular_file(path, what)
    try:
        os.fsencode(path.name).decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = os.fsencode(path.name)[exc.start]
        raise InputError(path, f"the file name is not UTF-8 (byte 0x{byte:02x}); rename the file: its name is "
                               "recorded in the graph")
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = "permission denied" if exc.errno == errno.EACCES else (exc.strerror or str(exc))
        raise InputError(path, f"cannot read the file: {reason}")


def check_regular_file(path: Path, what: str = "document") -> None:
    """Raise an InputError that says what the path is when it is not a regular file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(path, "no such file" + (" (a symbolic link to a missing file)" if path.is_symlink() else ""))
    except OSError as exc:
        problems = {errno.ELOOP: "symbolic link loop: the link never reaches a file",
                    errno.ENOTDIR: "no such file (a part of the path is a file, not a directory)",
                    errno.EACCES: "permission denied: cannot reach the file",
                    errno.ENAMETOOLONG: "file name too long"}
        raise InputError(path, problems.get(exc.errno, f"cannot read the file: {exc.strerror or exc}"))
    except ValueError:
        raise InputError(path, "the file name holds a NUL byte")
    if stat.S_ISDIR(info.st_mode):
        hint = ": give the files in it (e.g. DIR/*.txt)" if what == "document" else ""
        raise InputError(path, f"is a directory, not a {what}{hint}")
    if stat.S_ISFIFO(info.st_mode):
        raise InputError(path, f"is a named pipe (FIFO), not a {what} file: save the text to a file first")
    if not stat.S_ISREG(info.st_mode):
        kind = "a socket" if stat.S_ISSOCK(info.st_mode) else "a device"
        raise InputError(path, f"is {kind}, not a {what} file")


def read_text(path: Path, data: bytes | None = None) -> list[str]:
    """The document's lines; empty, binary and non-UTF-8 files are refused with the line at fault."""
    data = read_document(path) if data is None else data
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


def read_table(path: Path, data: bytes | None = None) -> Table:
    lines = read_text(path, data)
    rows: list[Row] = []
    title: str | None = None
    first_text = 0  # the first line with any text
    mapping: list[str | None] | None = None
    header_line = 0
    layout: str | None = None
    previous_was_header = False
    damage: list[tuple[int, str]] = []
    first_header_line = last_header_line = 0
    ends_with_line_break = lines[-1] == ""
    # A file that ends inside a line may have been cut there: a short row on it is the file cut short.
    last_line = len(lines) if lines[-1].strip() else -1
    for number, line in enumerate(lines, start=1):
        if mapping is None:
            # A byte-order mark is no content: editors put one at the start of a file, and copies made
            # by joining files carry it further down, before the leading blank lines or the title.
            line = line.replace("\ufeff", "")
        if not line.strip():
            continue
        first_text = first_text or number
        cells = line.split("\t")
        if len(cells) == 1 or all(is_blank(c) for c in cells[1:]):
            single = one_line(cells[0])
            if any(p.match(single) for p in FURNITURE):
                continue
            if mapping is None and not _is_header(cells):
                # Before the table: the first line is the document's title (eqgraph.ingest.identity
                # reads the plan's identity from it and drops its page furniture); any further
                # line there is a caption or a note, not part of any action.
                title = title or single
                continue
        if _is_header(cells):
            mapping = _column_map(cells)
            header_line = number
            first_header_line = first_header_line or number
            last_header_line = number
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
            if number == last_line:
                raise InputError(
                    path,
                    f"the file ends inside this row{_row_name(cells)}, with {len(cells)} of the {len(mapping)} "
                    f"cells of the table header (line {header_line}) and no final line break: it looks truncated; "
                    "the rest of this row and anything after it are missing",
                    number,
                )
            raise InputError(
                path,
                f"row{_row_name(cells)} has {len(cells)} cells but the table header (line {header_line}) has "
                f"{len(mapping)}: truncated or malformed row (a line break inside a cell, or cells lost)",
                number,
            )
        extra = [c for c in cells[len(mapping):] if not is_blank(c)]
        if len(cells) > len(mapping) and extra and len(cells) >= len(mapping) + 2:
            damage.append((number, f"this line has {len(cells)} cells where the table header (line {header_line}) "
                                   f"has {len(mapping)}, with text in {len(extra)} of the extra ones: it looks like "
                                   "two rows whose line break was lost, the second read into the first"))
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
                               "Department/Division, Update) found", first_text or len(lines))
    return Table(layout, title, rows, damage, first_header_line, last_header_line, ends_with_line_break,
                 len(lines))


def _row_name(cells: list[str]) -> str:
    """` ("1.2.3 Deliver support …")`: the start of a row, so a message says which row it is."""
    start = one_line(cells[0])[:40] if cells else ""
    return f" (\"{start}…\")" if start else ""
