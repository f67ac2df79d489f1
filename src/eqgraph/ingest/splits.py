"""Words split across cells by the PDF extraction, rejoined by a general rule.

A PDF-to-text extraction breaks a word where a table cell or a text run ends: "strategie\ts",
"bo\trough", "Busines s Improvement", "Infrastr ucture". Two pieces are joined when

* the join is a known word: in the English dictionary (PyPI `pyspellchecker`) or written whole
  somewhere in the same document (British spellings and local names: "organisation", "Merton");
* at least one piece is not a word by the dictionary ("strategie", "bo"), so two real words are
  never run together ("a new", "in to");
* the first piece is at least two letters (so a possessive's "s" never starts a join: "Merton's in" is
  not "sin") and not an abbreviation ("CCG s"), and the second is lower case, as the rest of a word is.

Each join is reported, so the caller records it as a correction note on the node it changed.
Garbles no rule can know ("b oetween" with a stray letter, interleaved titles) stay for the curated
corrections (data/corrections.yaml).
"""

from __future__ import annotations

import re
from functools import cache

_WORD = re.compile(r"[A-Za-z]+")
_ONE_LETTER_WORDS = {"a", "i"}


@cache
def _dictionary():
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1)


class WordRepair:
    """Rejoins split words in one document's text, knowing the words the document writes whole."""

    def __init__(self, document_text: str):
        self.document_words = {w.lower() for w in _WORD.findall(document_text)}
        self.dictionary = _dictionary()

    def _is_word(self, piece: str) -> bool:
        lower = piece.lower()
        if len(lower) == 1:
            return lower in _ONE_LETTER_WORDS
        return lower in self.dictionary

    def _known(self, joined: str) -> bool:
        lower = joined.lower()
        return lower in self.dictionary or lower in self.document_words

    def repair(self, text: str) -> tuple[str, list[str]]:
        """(text with split words rejoined, a note for each join)."""
        notes: list[str] = []
        pieces = _PIECES.split(text)  # words and what is between them, alternately (from a word on)
        out: list[str] = []
        i = 0
        while i < len(pieces):
            piece = pieces[i]
            # A word, then only spaces or tabs, then a lower-case word: perhaps one word split in two.
            while (i + 2 < len(pieces) and _LETTERS.fullmatch(piece) and _GAP.fullmatch(pieces[i + 1])
                   and _REST.fullmatch(pieces[i + 2]) and len(piece) >= 2 and not piece.isupper()):
                rest = pieces[i + 2]
                joined = piece + rest
                if not self._known(joined) or (self._is_word(piece) and self._is_word(rest)):
                    break
                notes.append(f"{piece!r} and {rest!r} rejoined as {joined!r}: a word split across cells by the "
                             "PDF extraction (rule: the join is a known word, a piece is not)")
                piece = joined
                i += 2
            out.append(piece)
            i += 1
        return "".join(out), notes


_PIECES = re.compile(r"([A-Za-z]+)")
_LETTERS = re.compile(r"[A-Za-z]+")
_GAP = re.compile(r"[ \t]+")
_REST = re.compile(r"[a-z]+")



_ITEM_FIELDS = ("statement", "key_activity", "measures", "update")
_LINE_FIELDS = ("title", "strategy_text", "owner_text")


def repair_plan(plan, document_text: str) -> int:
    """Rejoin split words in a plan's objective titles read from the source and in its actions' text,
    each join noted on the node it changed. Returns how many joins were made."""
    from ..model import TITLE_FROM_SOURCE

    repair = WordRepair(document_text)
    made = 0
    for objective in plan.objectives:
        if objective.title_status == TITLE_FROM_SOURCE:
            objective.title, notes = repair.repair(objective.title)
            objective.notes.extend(notes)
            made += len(notes)
    for action in plan.actions:
        found: list[str] = []
        for name in _LINE_FIELDS:
            value, notes = repair.repair(getattr(action, name))
            setattr(action, name, value)
            found += notes
        for name in _ITEM_FIELDS:
            items = []
            for item in getattr(action, name):
                value, notes = repair.repair(item)
                items.append(value)
                found += notes
            setattr(action, name, tuple(items))
        action.notes.extend(dict.fromkeys(found))
        made += len(found)
    return made
