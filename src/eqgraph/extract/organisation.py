"""Who delivers an action: the Department/Division cell -> council units (W3C ORG).

Cells name a department, a division, both ("Community and Housing – Public Health"), several
("C&H CSF", "CS/ER", "Public Health & E&R") or every department ("All departments – Heads of Service").
When a cell names a division and a unit above it (its department), the unit above is context, not a
second owner: the division is kept. Words that name nothing (e.g. "TBC", "Lead") are ignored.
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF

from ..model import Action
from ..namespaces import ORG
from .links import OWNER_CELL, Link
from .vocabulary import Match, Vocabulary


def units_above(parent: dict, unit) -> set:
    """The units above `unit` (its division, department ...), following org:subOrganizationOf."""
    found = set()
    while unit in parent and parent[unit] not in found:
        unit = parent[unit]
        found.add(unit)
    return found


class OrganisationResolver:
    def __init__(self, vocab: Graph):
        self.units = set(vocab.subjects(RDF.type, ORG.OrganizationalUnit))
        self.parent = {u: p for u in self.units for p in vocab.objects(u, ORG.subOrganizationOf)}
        self.vocabulary = Vocabulary(vocab, self.units)

    def resolve(self, cell: str) -> list[Match]:
        matches = self.vocabulary.find(cell)
        named = {m.concept for m in matches}
        return [m for m in matches if not any(m.concept in units_above(self.parent, other) for other in named)]

    def links(self, action: Action) -> list[Link]:
        return [Link(action.ref, "deliveredBy", m.concept, OWNER_CELL, m.words)
                for m in self.resolve(action.owner_text)]
