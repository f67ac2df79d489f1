"""Reading the links' data files (YAML tables, CSV link sets, reference files) as input: whatever is
wrong is refused with its file, line and problem, never a traceback."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from ..errors import InputError


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x})",
                         exc.object.count(b"\n", 0, exc.start) + 1) from None


def read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(read_text(path))
    except RecursionError:
        raise InputError(path, "not valid YAML: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(path, f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                         mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise InputError(path, "not a YAML mapping")
    return data


def read_csv(path: Path, required: tuple[str, ...] = ()) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(line, row)]) of a CSV file with a header row; `required` columns must be in it."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))  # records end at CR/LF only, not at U+2028 or a form feed
    try:
        header = next(reader, None)
        if header is None:
            raise InputError(path, "empty: a CSV file needs a header row")
        missing = [name for name in required if name not in header]
        if missing:
            raise InputError(path, f"the header lacks the column(s) {', '.join(missing)}", 1)
        rows = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InputError(path, f"{len(row)} fields where the header has {len(header)}", reader.line_num)
            rows.append((reader.line_num, dict(zip(header, row))))
        return header, rows
    except csv.Error as exc:
        raise InputError(path, f"not valid CSV: {exc}", reader.line_num) from None
