"""Which document is which plan.

A directory of documents may hold a `plans.yaml` that names each file's plan id, title, period and
source. A document without an entry gets a plan id made from its file name, so `eqgraph build any.txt`
works on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import InputError

MANIFEST_NAME = "plans.yaml"
_PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class PlanEntry:
    id: str
    title: str | None = None
    period: str | None = None
    publisher: str | None = None
    source_url: str | None = None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "plan"


def _load(manifest: Path) -> dict[Path, PlanEntry]:
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(manifest, f"invalid YAML: {getattr(exc, 'problem', exc)}", line + 1 if line is not None else None)
    entries: dict[Path, PlanEntry] = {}
    for index, item in enumerate(data.get("plans") or [], start=1):
        if not isinstance(item, dict) or "file" not in item or "id" not in item:
            raise InputError(manifest, f"plans entry {index} needs 'file' and 'id'")
        if not _PLAN_ID.match(str(item["id"])):
            raise InputError(manifest, f"plans entry {index}: plan id {item['id']!r} must be lower-case letters, "
                                       "digits and hyphens")
        entries[(manifest.parent / item["file"]).resolve()] = PlanEntry(
            id=str(item["id"]),
            title=item.get("title"),
            period=item.get("period"),
            publisher=item.get("publisher"),
            source_url=item.get("source"),
        )
    return entries


def entry_for(document: Path) -> PlanEntry:
    """The manifest entry for a document (from `plans.yaml` beside it or one level up), or a default."""
    resolved = document.resolve()
    for folder in (resolved.parent, resolved.parent.parent):
        manifest = folder / MANIFEST_NAME
        if manifest.is_file():
            entry = _load(manifest).get(resolved)
            if entry:
                return entry
    return PlanEntry(id=slug(document.stem))
