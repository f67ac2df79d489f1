"""Links between an action and the entities it names, with the evidence they were read from.

A `Link` says: action `ref` --predicate--> `target`, read from the action's `field` where the words
`words` appear. Every extractor returns links of this shape, so the build can publish the evidence of
each one next to it and a reader can check it against the source text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import URIRef

from ..model import Action

# Field names as the documents' column headers call them, in reading order.
STATEMENT = "statement"
KEY_ACTIVITY = "key activity"
MEASURE = "performance measure"
STRATEGY_CELL = "key strategy/plan"
OWNER_CELL = "department/division"
UPDATE = "progress update"

COMMITMENT_FIELDS = (STATEMENT, KEY_ACTIVITY, MEASURE)  # what the action commits to
TEXT_FIELDS = (*COMMITMENT_FIELDS, STRATEGY_CELL, UPDATE)
ALL_FIELDS = (*TEXT_FIELDS, OWNER_CELL)

_ATTRIBUTE = {
    STATEMENT: "statement",
    KEY_ACTIVITY: "key_activity",
    MEASURE: "measures",
    STRATEGY_CELL: "strategy_text",
    OWNER_CELL: "owner_text",
    UPDATE: "update",
}


@dataclass(frozen=True)
class Link:
    action: str  # the action's ref within its plan
    predicate: str  # local name of the eqg: property, e.g. "worksWith"
    target: URIRef
    field: str  # one of ALL_FIELDS
    words: str  # the words of the field the link was read from


@dataclass(frozen=True)
class NewConcept:
    """An entity found in the text that no curated vocabulary has: minted so it can be linked."""

    iri: URIRef
    rdf_type: str  # local name of the eqg: class
    label: str
    note: str


def field_texts(action: Action, fields=TEXT_FIELDS) -> Iterator[tuple[str, str]]:
    """(field name, text) for each non-empty item of the given fields of an action."""
    for name in fields:
        value = getattr(action, _ATTRIBUTE[name])
        for text in (value,) if isinstance(value, str) else value:
            if text:
                yield name, text
