"""Saved queries: `queries/*.rq`, each a valid SPARQL file whose metadata sits in `#+` YAML comment
lines at its top (title, description, tags), so the file runs as-is in any SPARQL editor.

    #+ title: Plans
    #+ description: Every action plan in the graph, with its counts.
    #+ tags: [overview]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import resources
from .errors import InputError


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    sparql: str
    path: Path
    tags: tuple[str, ...] = field(default_factory=tuple)


def parse_query_file(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    header = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(path, f"invalid metadata header: {getattr(exc, 'problem', exc)}",
                         mark.line + 1 if mark is not None else None)
    if not isinstance(meta, dict) or not meta.get("title"):
        raise InputError(path, "metadata header needs at least '#+ title: ...'")
    return SavedQuery(
        name=path.stem,
        title=str(meta["title"]),
        description=str(meta.get("description", "")).strip(),
        sparql=text,
        path=path,
        tags=tuple(meta.get("tags") or ()),
    )


def load_catalogue(folder: Path | None = None) -> dict[str, SavedQuery]:
    folder = folder or resources.queries_dir()
    return {q.name: q for q in map(parse_query_file, sorted(folder.glob("*.rq")))}
