"""How the pages of one thing speak: `data/entity-pages.yaml` read once into plain lookups.

Which kind of page a thing gets, the human names of properties and types, literal values in words, what
is never shown, and the order of a thing's recorded facts are data, not code, so that wording a page
better is an edit of that file. A property or type the file does not name is shown by its label in the
ontology, and failing that by its local name in words (`propertyPartition` -> "property partition"):
never as a prefixed name or in camelCase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from .. import resources
from ..namespaces import PREFIXES


@dataclass(frozen=True)
class Kind:
    type: str  # the class IRI
    kind: str  # which page: action, objective, plan, strategy, partner, community, department
    name: str  # what the page calls it


@dataclass(frozen=True)
class PageSettings:
    kinds: tuple[Kind, ...]
    statuses: dict[str, str]  # status IRI -> badge style, in the order of a status mix
    relations: dict[str, dict[str, str]]  # predicate IRI -> {direct, via}: how an action stands to it
    names: dict[str, str]  # property or type IRI -> its name for people
    inverse_names: dict[str, str]  # property IRI -> what its subjects are to its object, for people
    values: dict[str, dict[str, str]]  # property IRI -> literal value -> words
    hidden: frozenset[str]
    hidden_types: frozenset[str]
    order: dict[str, int]  # property IRI -> its place among the recorded facts
    title_notes: dict[str, str]  # title status IRI -> the sentence shown under an objective's title

    def kind_of(self, types: set[str]) -> Kind | None:
        return next((k for k in self.kinds if k.type in types), None)

    def name(self, iri: str, label: str | None = None) -> str:
        """A property's or type's name for people: this file's, else the ontology's label, else its
        local name in words."""
        return self.names.get(iri) or label or words(iri)

    def inverse_name(self, iri: str, label: str | None = None) -> str:
        """What the things that point at a thing with this property are to it ("narrower places")."""
        return self.inverse_names.get(iri) or f"linked as “{label or words(iri)}”"

    def style(self, status: str | None) -> str | None:
        return self.statuses.get(status) if status else None


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def words(iri: str) -> str:
    """The last part of an IRI in words: `...#propertyPartition` -> "property partition"."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return _CAMEL.sub(" ", local).replace("_", " ").replace("-", " ").lower() or iri


def _expand(name: str, prefixes: dict[str, str]) -> str:
    prefix, colon, local = name.partition(":")
    if colon and prefix in prefixes:
        return prefixes[prefix] + local
    raise ValueError(f"data/entity-pages.yaml: {name!r} is not a prefixed name of a known namespace")


@cache
def settings() -> PageSettings:
    raw = yaml.safe_load((resources.data_dir() / "entity-pages.yaml").read_text(encoding="utf-8"))
    prefixes = {**PREFIXES, **(raw.get("prefixes") or {})}

    def iri(name: str) -> str:
        return _expand(name, prefixes)

    return PageSettings(
        kinds=tuple(Kind(iri(k["type"]), k["kind"], k["name"]) for k in raw["kinds"]),
        statuses={iri(s["status"]): s["style"] for s in raw["statuses"]},
        relations={iri(p): {"direct": words_["direct"], "via": words_["via"]} for p, words_ in raw["relations"].items()},
        names={iri(p): text for p, text in raw["names"].items()},
        inverse_names={iri(p): text for p, text in raw["inverse_names"].items()},
        values={iri(p): {str(k).lower(): v for k, v in table.items()} for p, table in raw["values"].items()},
        hidden=frozenset(iri(p) for p in raw["hidden"]),
        hidden_types=frozenset(iri(t) for t in raw["hidden_types"]),
        order={iri(p): n for n, p in enumerate(raw["order"])},
        title_notes={iri(s): text for s, text in raw["title_notes"].items()},
    )
