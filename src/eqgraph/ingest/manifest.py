"""Which document is which plan.

A directory of documents may hold a `plans.yaml` that names each file's plan id, title, period and
source, and may record the document's sha256 (and its number of actions): a document that no longer
matches it is reported as damaged (see `damage.py`). A document without an entry gets a plan id made
from its file name, so `eqgraph build any.txt` works on its own. A `plans.yaml` that is there but is
not a readable file (a directory, a FIFO, a symbolic link loop) is refused, never silently skipped.

The manifest is input like the documents: whatever it holds (a list, another encoding, a number
where a name belongs) is refused with its file, line and problem, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import InputError
from .table import read_document

MANIFEST_NAME = "plans.yaml"
_PLAN_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TEXT_KEYS = {"title": "title", "period": "period", "publisher": "publisher", "source": "source_url",
              "strategy": "strategy", "replaces": "replaces"}


@dataclass(frozen=True)
class PlanEntry:
    id: str
    title: str | None = None
    period: str | None = None
    publisher: str | None = None
    source_url: str | None = None
    strategy: str | None = None  # the strategy (with its years) whose action plan this is
    update: int | None = None  # which yearly update of that strategy's plan
    replaces: str | None = None  # the id of a plan this document replaces (a corrected edition)
    sha256: str | None = None  # of the document as catalogued; a mismatch is reported as damage
    actions: int | None = None  # how many actions the catalogued document holds, for that report
    manifest: str | None = None  # where the entry is written, for messages: "plans.yaml"
    line: int | None = None


def _brief(value) -> str:
    """A value as a message may quote it: short, on one line, and never a whole YAML structure (a
    few aliases can make a list of millions of items)."""
    if isinstance(value, (dict, list, set, tuple)):
        return f"a YAML {'mapping' if isinstance(value, dict) else 'list'}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "plan"


def _text(manifest: Path) -> str:
    data = read_document(manifest, "manifest")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        raise InputError(manifest, f"not UTF-8 text (byte 0x{data[offset]:02x})",
                         data.count(b"\n", 0, offset) + 1)


def _entry_lines(text: str) -> list[int]:
    """The line of each item of `plans:`, read from the YAML node tree (best effort: [] if unknown)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        for key, value in root.value:
            if key.value == "plans" and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    except Exception:  # noqa: BLE001 - line numbers only decorate messages; _load reports real problems
        pass
    return []


def read_manifest(manifest: Path) -> list[tuple[Path, PlanEntry]]:
    """Each entry of a manifest with the document path it names, in the order written."""
    text = _text(manifest)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(manifest, f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
                         line + 1 if line is not None else None)
    except RecursionError:
        raise InputError(manifest, "invalid YAML: nested too deeply")
    if data is None:
        return []
    if not isinstance(data, dict):
        raise InputError(manifest, f"expected a mapping with a 'plans:' list, not a YAML {type(data).__name__}", 1)
    items = data.get("plans")
    if items is None:
        return []
    lines = _entry_lines(text)
    if not isinstance(items, list):
        raise InputError(manifest, f"'plans' must be a list of entries, not a YAML {type(items).__name__}")
    entries: list[tuple[Path, PlanEntry]] = []
    for index, item in enumerate(items, start=1):
        line = lines[index - 1] if index <= len(lines) else None

        def fail(problem: str):
            raise InputError(manifest, f"plans entry {index}: {problem}", line)

        if not isinstance(item, dict) or "file" not in item or "id" not in item:
            fail("needs 'file' and 'id'")
        if not isinstance(item["file"], str) or not item["file"].strip() or "\0" in item["file"]:
            fail(f"'file' must be a file name, not {_brief(item['file'])}")
        if not isinstance(item["id"], str) or not _PLAN_ID.fullmatch(item["id"]):
            fail(f"plan id {_brief(item['id'])} must be lower-case letters, digits and hyphens (at most 100)")
        values = {}
        for key, name in _TEXT_KEYS.items():
            value = item.get(key)
            if isinstance(value, (dict, list, set, bytes)):
                fail(f"'{key}' must be text, not {_brief(value)}")
            values[name] = None if value is None else str(value)
        sha256 = item.get("sha256")
        if sha256 is not None and not (isinstance(sha256, str) and _SHA256.fullmatch(sha256)):
            fail("'sha256' must be 64 lower-case hexadecimal digits")
        actions = item.get("actions")
        if actions is not None and (isinstance(actions, bool) or not isinstance(actions, int) or actions < 1):
            fail(f"'actions' must be a whole number of actions, not {_brief(actions)}")
        update = item.get("update")
        if update is not None and (isinstance(update, bool) or not isinstance(update, int) or not 1 <= update <= 99):
            fail(f"'update' must be the number of the yearly update (1, 2, ...), not {_brief(update)}")
        try:
            path = (manifest.parent / item["file"]).resolve()
        except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop (Python < 3.13)
            fail(f"cannot resolve {_brief(item['file'])}: {exc}")
        entries.append((path, PlanEntry(id=item["id"], sha256=sha256, actions=actions, update=update,
                                        manifest=manifest.name, line=line, **values)))
    return entries


def _load(manifest: Path) -> dict[Path, PlanEntry]:
    """A manifest's entries by document, read once per version of the file: a build asks for each of
    its documents' entries, and a hundred documents beside one manifest would otherwise read it a
    hundred times."""
    try:
        stat = manifest.stat()
        version = (str(manifest), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    except OSError:
        return dict(read_manifest(manifest))  # which reports the problem
    found = _READ.get(version)
    if found is None:
        found = dict(read_manifest(manifest))
        if len(_READ) >= 64:
            _READ.clear()
        _READ[version] = found
    return dict(found)


_READ: dict[tuple, dict[Path, PlanEntry]] = {}


def entry_for(document: Path) -> PlanEntry:
    """The manifest entry for a document (from `plans.yaml` beside it or one level up), or a default."""
    try:
        resolved = document.resolve()
    except (OSError, RuntimeError) as exc:
        raise InputError(document, f"cannot resolve the path: {exc}")
    for folder in (resolved.parent, resolved.parent.parent):
        manifest = folder / MANIFEST_NAME
        if manifest.is_symlink() or manifest.exists():  # then it must be a readable file: say so if not
            entry = _load(manifest).get(resolved)
            if entry:
                return entry
    return PlanEntry(id=slug(document.stem))
