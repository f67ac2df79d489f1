"""Names of organisations found in the text that no vocabulary knows yet.

Curated vocabularies only know what someone has put in them. This reads the documents for names that
look like organisations — capitalised phrases ending in an organisational word ("... Society",
"... Forum", "... Partnership", "... Board") and acronyms introduced in brackets ("(MUN)") — and
reports those that no vocabulary covers and that have not been reviewed and set aside
(data/vocab/reviewed-names.yaml). `eqgraph names` lists them with their file and line, so curating a
new document starts from its text, not from memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..model import Plan
from .links import ALL_FIELDS, field_texts
from .vocabulary import Vocabulary, normalise

_HEADS = (r"Society|Councils?|Trust|Forums?|Board|Partnership|Commission|Police|Committee|Panel|Parliament|"
          r"Association|Network|Agency|Office|Alliance|Foundation|Federation|Institute|Authority|Guild|Unions?|"
          r"Voice|Concern|Action|Plus|Rail|England|Centre|Ltd|Limited|Group|Advisors")
_WORD = r"(?:[A-Z][A-Za-z'’\-]*|of|for|and|the|in|&)"
_NAME = re.compile(rf"\b(?:[A-Z][A-Za-z'’\-]*\s+)(?:{_WORD}\s+){{0,6}}(?:{_HEADS})\b")
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]*[A-Z][A-Za-z]*)\)")


@dataclass(frozen=True)
class Candidate:
    name: str
    plan: str
    action: str
    field: str
    line: int  # first line of the action in its document
    document: str


def load_reviewed(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {normalise(str(item["name"])).strip() for item in data.get("reviewed", [])}


def _names(text: str) -> Iterable[tuple[str, int, int]]:
    for match in _NAME.finditer(text):
        name = re.sub(r"^(?:The|A|An|Our|With|By|And|Work|Working|Monthly)\s+", "", match.group().strip())
        if len(name.split()) >= 2:
            yield name, match.end() - len(name), match.end()
    for match in _ACRONYM.finditer(text):
        yield match.group(1), match.start(1), match.end(1)


def candidates(plans: Iterable[Plan], lexicon: Vocabulary, reviewed: set[str]) -> list[Candidate]:
    """Organisation-like names in the plans that no vocabulary covers and nobody has set aside."""
    found: dict[str, Candidate] = {}
    for plan in plans:
        for action in plan.actions:
            for field, text in field_texts(action, ALL_FIELDS):
                known = [(m.start, m.end) for m in lexicon.matches(text)]
                for name, start, end in _names(text):
                    key = normalise(name).strip()
                    if key in reviewed or key in found:
                        continue
                    if any(s < end and start < e for s, e in known):
                        continue  # part of (or next to) a name a vocabulary already knows
                    found[key] = Candidate(name, plan.id, action.ref, field, action.span.first_line,
                                           action.span.document)
    return sorted(found.values(), key=lambda c: (c.plan, c.line, c.name))

