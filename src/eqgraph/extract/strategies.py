"""The Key strategy/Plan cell of the 2017 layout: which strategies an action serves.

The cell often runs several strategies together ("Children and Young People's Plan 2016 -2019 CSF
Departmental Equalities and Community Cohesion Annual Plan Annual School Standards Report" is three).
The curated vocabulary splits it: each label found is one strategy. What the labels leave over is
judged, not trusted:

* a council unit named in the cell ("Customer Contact strategy/Business Improvement") is not a
  strategy; it is read as the unit that does the work when it belongs to the owner's department;
* words that read as a measure ("% of council tax collection") are not a strategy;
* words that name a plan-like thing (…strategy, …plan, …programme, …framework) but are in no vocabulary
  become a new strategy node, marked as not curated, so a new document's strategies are not lost.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from ..model import Action
from ..namespaces import Iris
from .links import STRATEGY_CELL, Link, NewConcept
from .vocabulary import Vocabulary

_PLAN_WORDS = re.compile(r"\b(strategy|plan|programme|framework|standards|report|policy|charter)\b")
_MEASURE = re.compile(r"(^|\s)(%|percent|number of|rate of|\d+\s*%)")
_FILLER = {"and", "the", "of", "for", "to", "s", "plan", "plans", "strategy", "merton", "merton's", "lbm"}


class StrategyCellReader:
    def __init__(self, lexicon: Vocabulary, strategies: set[URIRef], iris: Iris,
                 publishers: dict[URIRef, URIRef] | None = None):
        self.lexicon = lexicon
        self.strategies = strategies
        self.publishers = publishers or {}
        self.iris = iris
        self.new: dict[URIRef, NewConcept] = {}

    def links(self, action: Action, foreign=lambda entity: False, council: str = "") -> list[Link]:
        """The strategies the action's cell names. One of another council's strategies (`foreign`) is
        not this plan's: what the cell prints there is minted as a strategy of the plan's `council` (a
        slug), like any strategy no vocabulary of its council knows."""
        cell = action.strategy_text
        if not cell:
            return []
        named = [m for m in self.lexicon.find(cell) if m.concept in self.strategies]
        found = [m for m in named if not foreign(m.concept)]
        links = [Link(action.ref, "servesStrategy", m.concept, STRATEGY_CELL, m.words) for m in found]
        links += [Link(action.ref, "worksWith", self.publishers[m.concept], STRATEGY_CELL, m.words)
                  for m in found if m.concept in self.publishers]
        for match in named:
            if foreign(match.concept):
                printed = " ".join(cell[match.start:match.end].split()) or match.words
                concept = self._mint(printed, council, cell, "named like another council's curated "
                                     "strategy, which is not this council's")
                links.append(Link(action.ref, "servesStrategy", concept.iri, STRATEGY_CELL, printed))
        left = self.lexicon.residue(cell)
        concept = self._uncurated(left, cell, council)
        if concept is not None:
            links.append(Link(action.ref, "servesStrategy", concept.iri, STRATEGY_CELL, left))
        return links

    def _uncurated(self, left: str, cell: str, council: str = "") -> NewConcept | None:
        words = [w for w in left.split() if w not in _FILLER and not w.isdigit()]
        if len(words) < 2 or not _PLAN_WORDS.search(left) or _MEASURE.search(left):
            return None
        return self._mint(left, council, cell, "not in the curated strategy vocabulary")

    def _mint(self, words: str, council: str, cell: str, why: str) -> NewConcept:
        """A strategy no vocabulary of the council knows, named by its council and words
        (`strategy/<council>/<words>`), so two councils' strategies of one name stay two."""
        slug = re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")
        iri = self.iris.council_strategy(council, slug) if council else self.iris.strategy(slug)
        return self.new.setdefault(iri, NewConcept(
            iri, "StrategyOrPlan", words[:1].upper() + words[1:],
            f"Named in a Key strategy/Plan cell ('{cell}'); {why}."))
