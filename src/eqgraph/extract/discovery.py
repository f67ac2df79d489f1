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
    kind: str = "organisation"  # or "unit" (an owner cell's unit), "council" (the publisher)


def load_reviewed(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {normalise(str(item["name"])).strip() for item in data.get("reviewed", [])}


_HEAD_END = re.compile(rf"(?:{_HEADS})$")
_JOIN = re.compile(r"\s+(?:and|&)\s+")


_NEW_NAME = re.compile(r"\s+(?:and|&)\s+the\s+")  # "Age UK and the Northfield Board": "the" opens a name


def _names(text: str) -> Iterable[tuple[str, int, int]]:
    for match in _NAME.finditer(text):
        found = match.group()
        cuts = [0, *(i for join in _NEW_NAME.finditer(found) for i in join.span()), len(found)]
        for a, b in zip(cuts[::2], cuts[1::2]):
            yield from _split(found[a:b], match.start() + a)
    for match in _ACRONYM.finditer(text):
        yield match.group(1), match.start(1), match.end(1)


def _split(found: str, at: int) -> Iterable[tuple[str, int, int]]:
    """The names in one run of capitalised words: "the Kingsmoor Safer Neighbourhoods Partnership and
    NHS England" is two names, as every part ends as a name does; "Children and Families Board" is one."""
    name = re.sub(r"^(?:The|A|An|Our|With|By|And|Work|Working|Monthly)\s+", "", found.strip())
    end = at + len(found.rstrip())
    start = end - len(name)
    cuts = [0, *(i for join in _JOIN.finditer(name) for i in join.span()), len(name)]
    parts = [(name[a:b], start + a) for a, b in zip(cuts[::2], cuts[1::2])]
    if len(parts) > 1 and all(_HEAD_END.search(p) and len(p.split()) >= 2 for p, _ in parts):
        for part, offset in parts:
            yield part, offset, offset + len(part)
    elif len(name.split()) >= 2 and _HEAD_END.search(name):
        yield name, start, end


def candidates(plans: Iterable[Plan], lexicon: Vocabulary, reviewed: set[str],
               organisations: set | None = None) -> list[Candidate]:
    """Organisation-like names in the plans that no vocabulary covers and nobody has set aside.

    A name overlapping a known name is known, except (when `organisations` is given) where the known
    name inside it is no organisation: "Kingsmoor Disability Forum" is a forum to review even though
    "disability" is a known word."""
    found: dict[str, Candidate] = {}
    for plan in plans:
        for action in plan.actions:
            for field, text in field_texts(action, ALL_FIELDS):
                known = [(m.start, m.end, m.concept) for m in lexicon.matches(text)]
                for name, start, end in _names(text):
                    key = normalise(name).strip()
                    if key in reviewed or key in found:
                        continue
                    if any(s < end and start < e and (organisations is None or concept in organisations
                                                       or (s <= start and end <= e))
                           for s, e, concept in known):
                        continue  # part of (or next to) a name a vocabulary already knows
                    found[key] = Candidate(name, plan.id, action.ref, field, action.span.first_line,
                                           action.span.document)
    return sorted(found.values(), key=lambda c: (c.plan, c.line, c.name))

