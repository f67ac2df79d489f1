"""Label matching against SKOS-style vocabularies.

Labels (skos:prefLabel, skos:altLabel) match case- and punctuation-insensitively as whole words;
abbreviations (eqg:abbreviation) match case-sensitively as whole words, so "CS" never matches inside
"CSF". skos:hiddenLabel holds synonyms people type when searching ("over 50s") that are not used to
read documents: they are matched only when `hidden=True`.

All concepts of all vocabularies are matched together, left to right, the longest match at each
position claiming its words: "Homelessness Strategy" is a strategy, not also the community "homeless
people"; "BAME Voice" is a partner, not also the community "BAME"; "Older People's Housing Forum" is a
partner. Callers then keep the matches of the class they want. One compiled regular expression per
vocabulary makes a match one pass over the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ..namespaces import EQG

_SENTENCE_END = re.compile(r"[.;:!?](?=\s|$)")
_NOT_WORD = re.compile(r"[^a-z0-9'|&]")
_QUOTES = str.maketrans({"’": "'", "‘": "'"})


def normalise(text: str) -> str:
    """Lower case, "&" as "and", punctuation as spaces; a sentence end becomes a "|" token so that no
    label matches across it ("... for East Merton. Partnership work ..." names no Merton Partnership)."""
    return _normalise_mapped(text)[0]


def _normalise_mapped(text: str) -> tuple[str, list[int]]:
    """normalise(text), and for each character of the result the index in `text` it came from."""
    chars: list[str] = [" "]
    where: list[int] = [0]
    for i, ch in enumerate(text):
        low = ch.lower()
        if ch == "&":
            piece = " and "
        elif ch in "’‘'":
            piece = "'"
        elif low.isascii() and low.isalnum():
            piece = low
        elif ch in ".;:!?" and (i + 1 == len(text) or text[i + 1].isspace()):
            piece = " | "
        else:
            piece = " "
        for c in piece:
            if c == " " and chars[-1] == " ":
                continue
            chars.append(c)
            where.append(i)
    if chars[-1] != " ":
        chars.append(" ")
        where.append(len(text))
    return "".join(chars), where


def _scan_text(text: str) -> str | None:
    """The text prepared for matching, the same length as `text` so that offsets carry over: lower
    case, sentence ends as "|", "&" kept (labels match it as "and"), everything else a space. None
    when lower-casing changes the length (rare non-ASCII), where the slower mapped form is used."""
    lowered = text.translate(_QUOTES).lower()
    if len(lowered) != len(text):
        return None
    return _NOT_WORD.sub(" ", _SENTENCE_END.sub("|", lowered))


def _label_pattern(key: str) -> str:
    """A normalised label as a pattern over `_scan_text` output: any run of spaces between words,
    "and" also written "&"."""
    return r" +".join("(?:and|&)" if word == "and" else re.escape(word) for word in key.split())


@dataclass(frozen=True)
class Match:
    """A concept found in a text, with the words that named it and where (character offsets)."""

    concept: URIRef
    words: str
    start: int = 0
    end: int = 0


class Vocabulary:
    def __init__(self, graph: Graph, concepts: set[URIRef], hidden: bool = False):
        self.graph = graph
        self.concepts = set(concepts)
        # A label may name several concepts ("the LGBT and Faith and Belief forums" names two).
        self._by_label: dict[str, list[URIRef]] = {}
        self._by_abbreviation: dict[str, list[URIRef]] = {}
        label_properties = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel) if hidden else \
            (SKOS.prefLabel, SKOS.altLabel)
        for concept in sorted(concepts):
            for prop in label_properties:
                for label in graph.objects(concept, prop):
                    key = normalise(str(label)).strip()
                    if key and concept not in self._by_label.get(key, []):
                        self._by_label.setdefault(key, []).append(concept)
            for abbr in graph.objects(concept, EQG.abbreviation):
                self._by_abbreviation.setdefault(str(abbr), []).append(concept)
        labels = sorted(self._by_label, key=lambda k: (-len(k), k))
        self._labels = re.compile(r"(?<= )(?:" + "|".join(map(re.escape, labels)) + r")(?= )") if labels else None
        self._fast_labels = re.compile(r"(?<![a-z0-9'&])(?:" + "|".join(map(_label_pattern, labels))
                                       + r")(?![a-z0-9'&])") if labels else None
        abbreviations = sorted(self._by_abbreviation, key=lambda k: (-len(k), k))
        self._abbreviations = re.compile(
            r"(?<![A-Za-z0-9&])(?:" + "|".join(map(re.escape, abbreviations)) + r")(?![A-Za-z0-9&])"
        ) if abbreviations else None

    def matches(self, text: str) -> list[Match]:
        """Every concept occurrence, non-overlapping (longest first at each position), in text order."""
        candidates: list[tuple[int, int, list[URIRef], str]] = []
        scan = _scan_text(text) if self._fast_labels is not None else None
        if scan is not None:
            for m in self._fast_labels.finditer(scan):
                key = normalise(m.group()).strip()
                candidates.append((m.start(), m.end(), self._by_label[key], key))
        elif self._labels is not None:
            norm, where = _normalise_mapped(text)
            for m in self._labels.finditer(norm):
                start, end = where[m.start()], where[m.end() - 1] + 1
                candidates.append((start, end, self._by_label[m.group()], m.group()))
        if self._abbreviations is not None:
            for m in self._abbreviations.finditer(text):
                candidates.append((m.start(), m.end(), self._by_abbreviation[m.group()], m.group()))
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        taken_until = -1
        result: list[Match] = []
        for start, end, concepts, words in candidates:
            if start < taken_until:
                continue
            taken_until = end
            result.extend(Match(c, words, start, end) for c in concepts)
        return result

    def find(self, text: str) -> list[Match]:
        """Concepts named in the text, each once, in order of first appearance."""
        seen: set[URIRef] = set()
        result = []
        for match in self.matches(text):
            if match.concept not in seen:
                seen.add(match.concept)
                result.append(match)
        return result

    def residue(self, text: str) -> str:
        """The words of `text` that no label or abbreviation covers (normalised)."""
        kept, last = [], 0
        for match in self.matches(text):
            kept.append(text[last:match.start])
            last = max(last, match.end)
        kept.append(text[last:])
        return " ".join(normalise(" ".join(kept)).replace("|", " ").split())
