"""The external datasets eqgraph links to, and the predicates a link may use (data/links/targets.yaml).

One table, read by the link checker, the build (one void:Linkset per target), the pages and
`eqgraph links suggest`: a target IRI belongs to the target whose namespace it starts with, and is
well formed when the rest matches the target's identifier pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import resources
from ..errors import InputError
from .files import read_yaml


@dataclass(frozen=True)
class Reference:
    """Where a target's identifiers must be found: a column of every reference file of one format
    (any council's cut of the ONS ward file), or of one file."""

    column: str
    file: str | None = None
    format: str | None = None

    @property
    def where(self) -> str:
        return self.file or f"the {self.format} files"


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    homepage: str
    namespace: str
    identifier: re.Pattern
    references: tuple[Reference, ...]  # empty: the IRI pattern is the guarantee
    relations: tuple[str, ...]  # CURIEs of `Relations`

    def identifier_of(self, iri: str) -> str | None:
        """The identifier an IRI of this target carries, or None if it is not one of its IRIs."""
        if not iri.startswith(self.namespace):
            return None
        rest = iri[len(self.namespace):]
        return rest if self.identifier.fullmatch(rest) else None

    @property
    def by_pattern(self) -> bool:
        return not self.references


@dataclass(frozen=True)
class Relation:
    curie: str
    iri: str
    means: str


@dataclass(frozen=True)
class LinkTables:
    targets: tuple[Target, ...]
    relations: dict[str, Relation]  # CURIE -> relation
    methods: dict[str, str]  # name -> what it means
    statuses: dict[str, str]

    def target(self, name: str) -> Target:
        for target in self.targets:
            if target.name == name:
                return target
        raise KeyError(name)

    def target_of(self, iri: str) -> Target | None:
        """The target whose namespace the IRI is in (the longest namespace wins)."""
        found = [t for t in self.targets if iri.startswith(t.namespace)]
        return max(found, key=lambda t: len(t.namespace)) if found else None

    def relation_by_iri(self, iri: str) -> Relation | None:
        for relation in self.relations.values():
            if relation.iri == iri:
                return relation
        return None


def targets_file() -> Path:
    return resources.data_dir() / "links" / "targets.yaml"


@cache
def load_link_tables(path: Path | None = None) -> LinkTables:
    path = path or targets_file()
    data = read_yaml(path)
    try:
        relations = {curie: Relation(curie, entry["iri"], entry["means"])
                     for curie, entry in data["relations"].items()}
        targets = []
        for entry in data["targets"]:
            reference = entry["reference"]
            refs = () if reference == "pattern" else tuple(
                Reference(r["column"], r.get("file"), r.get("format")) for r in [reference, *entry.get("also", [])])
            if any((ref.file is None) == (ref.format is None) for ref in refs):
                raise InputError(path, f"target {entry['name']}: each reference names a file or a format, not both")
            unknown = [r for r in entry["relations"] if r not in relations]
            if unknown:
                raise InputError(path, f"target {entry['name']} uses relation(s) {', '.join(unknown)} "
                                 "that `relations` does not define")
            targets.append(Target(entry["name"], entry["label"], entry["homepage"], entry["namespace"],
                                  re.compile(entry["identifier"]), refs, tuple(entry["relations"])))
        return LinkTables(tuple(targets), relations, dict(data["methods"]), dict(data["statuses"]))
    except (KeyError, TypeError, AttributeError, re.error) as exc:
        raise InputError(path, f"not a table of link targets ({type(exc).__name__}: {exc})") from None
