"""Label matching against a SKOS-style vocabulary.

Labels (skos:prefLabel, skos:altLabel) match case- and punctuation-insensitively as whole words;
abbreviations (eqg:abbreviation) match case-sensitively as whole words, so "CS" never matches inside
"CSF". Longer labels win over shorter ones they overlap, so "Adult Social Care Commissioning" is not also
read as "Commissioning".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ..namespaces import EQG


def normalise(text: str) -> str:
    text = text.lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"[^a-z0-9']+", " ", text)
    return f" {' '.join(text.split())} "


@dataclass(frozen=True)
class Match:
    concept: URIRef
    words: str  # the words of the text that matched, as printed


class Vocabulary:
    def __init__(self, graph: Graph, concepts: set[URIRef]):
        labels: list[tuple[str, URIRef]] = []
        abbreviations: list[tuple[str, URIRef]] = []
        for concept in concepts:
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in graph.objects(concept, prop):
                    labels.append((normalise(str(label)), concept))
            for abbr in graph.objects(concept, EQG.abbreviation):
                abbreviations.append((str(abbr), concept))
        # Longest first, so that the longest label claims its words.
        self._labels = sorted(set(labels), key=lambda lc: -len(lc[0]))
        self._abbreviations = [
            (re.compile(r"(?<![A-Za-z&])" + re.escape(a) + r"(?![A-Za-z&])"), a, c) for a, c in abbreviations
        ]

    def find(self, text: str) -> list[Match]:
        """Concepts named in the text, in order of appearance."""
        found: list[tuple[int, Match]] = []
        norm = normalise(text)
        taken = [False] * len(norm)
        for label, concept in self._labels:
            start = norm.find(label)
            while start >= 0:
                end = start + len(label)
                if not any(taken[start + 1:end - 1]):
                    for i in range(start + 1, end - 1):
                        taken[i] = True
                    found.append((start, Match(concept, label.strip())))
                start = norm.find(label, end - 1)
        for pattern, abbr, concept in self._abbreviations:
            for m in pattern.finditer(text):
                found.append((len(norm) * m.start() // max(len(text), 1), Match(concept, abbr)))
        found.sort(key=lambda pm: pm[0])
        seen: set[URIRef] = set()
        result = []
        for _, match in found:
            if match.concept not in seen:
                seen.add(match.concept)
                result.append(match)
        return result
