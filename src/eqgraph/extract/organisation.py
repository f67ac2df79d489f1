"""Who delivers an action: the Department/Division cell -> council units (W3C ORG).

Cells name a department, a division, both ("Community and Housing – Public Health"), several
("C&H CSF", "CS/ER", "Public Health & E&R") or every department ("All departments – Heads of Service").
When a cell names a division and a unit above it (its department), the unit above is context, not a
second owner: the division is kept. Words that name nothing (e.g. "TBC", "Lead") are ignored.

Only the plan's own council's units count (eqgraph.extract.councils). A cell that names none of them
names units the council's vocabulary does not know yet: they become units of that council, labelled as
printed ("Resources - Human Resources": the division Human Resources of the department Resources;
"A / B": two units) and marked for review (eqg:curated false; `eqgraph names` lists them), rather than
failing the build or borrowing another council's unit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..model import Action
from ..namespaces import ORG, Iris
from .links import OWNER_CELL, Link
from .vocabulary import Match, Vocabulary

_OWNERS = re.compile(r"\s*(?:/|;|\n)\s*")  # between owners
_LEVELS = re.compile(r"\s+[-–—]\s+|\s*:\s+")  # between a department and its division
_NOTHING = re.compile(r"^(?:tbc|tbd|n/?a|lead|-+|–)$", re.IGNORECASE)


def units_above(parent: dict, unit) -> set:
    """The units above `unit` (its division, department ...), following org:subOrganizationOf."""
    found = set()
    while unit in parent and parent[unit] not in found:
        unit = parent[unit]
        found.add(unit)
    return found


@dataclass(frozen=True)
class NewUnit:
    """A unit a plan's owner cell names that its council's vocabulary does not know."""

    iri: URIRef
    label: str
    parent: URIRef  # its department, or the council for a department
    council: URIRef
    department: bool
    document: str
    line: int


class OrganisationResolver:
    def __init__(self, vocab: Graph, iris: Iris | None = None):
        self.units = set(vocab.subjects(RDF.type, ORG.OrganizationalUnit))
        self.parent = {u: p for u in self.units for p in vocab.objects(u, ORG.subOrganizationOf)}
        self.vocabulary = Vocabulary(vocab, self.units)
        self.iris = iris
        self.new: dict[URIRef, NewUnit] = {}

    def resolve(self, cell: str, foreign=lambda unit: False) -> list[Match]:
        matches = [m for m in self.vocabulary.find(cell) if not foreign(m.concept)]
        named = {m.concept for m in matches}
        return [m for m in matches if not any(m.concept in units_above(self.parent, other) for other in named)]

    def links(self, action: Action, council: URIRef | None = None, foreign=lambda unit: False,
              document: str = "") -> list[Link]:
        found = [Link(action.ref, "deliveredBy", m.concept, OWNER_CELL, m.words)
                 for m in self.resolve(action.owner_text, foreign)]
        if found or council is None or self.iris is None:
            return found
        return [Link(action.ref, "deliveredBy", unit, OWNER_CELL, words)
                for unit, words in self._mint(action, council, document)]

    def _mint(self, action: Action, council: URIRef, document: str) -> list[tuple[URIRef, str]]:
        minted = []
        prefix = str(council).rstrip("/").rsplit("/", 1)[-1]
        for owner in _OWNERS.split(action.owner_text.strip()):
            levels = [level.strip(" .,") for level in _LEVELS.split(owner) if level.strip(" .,")]
            levels = [level for level in levels if not _NOTHING.match(level)]
            parent, unit, path = council, None, []
            for depth, label in enumerate(levels):
                # Named by every level ("resources/finance" and "childrens-services/finance" are two
                # units); a label with no letter or digit a slug keeps is named by its digest.
                path.append(re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
                            or "unit-" + hashlib.sha256(label.encode("utf-8")).hexdigest()[:12])
                unit = self.iris.council_unit(prefix, "/".join(path))
                self.new.setdefault(unit, NewUnit(unit, label, parent, council, depth == 0, document,
                                                  action.span.first_line))
                self.parent.setdefault(unit, parent)
                parent = unit
            if unit is not None:
                minted.append((unit, owner))
        return minted
