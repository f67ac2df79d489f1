"""Scoring the extractors against the hand-labelled answers in tests/data/gold-*.yaml.

The gold files were labelled by reading the documents, independently of the extraction code. Names
in them are resolved through the curated vocabularies (a name no vocabulary knows counts as a miss).
Communities are compared through the hierarchy: a predicted community matches a gold one when it is
the same concept or one is broader than the other (finding "BAME" where the label says "Black pupils"
is right, but less specific).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from eqgraph.extract.vocabulary import Vocabulary
from eqgraph.namespaces import EQG, ORG

GOLD_DIR = Path(__file__).resolve().parents[1] / "data"
CATEGORIES = {
    "units": (ORG.OrganizationalUnit, ("deliveredBy",)),
    "partners": (EQG.Partner, ("worksWith",)),
    "communities": (EQG.Community, ("targetsCommunity",)),
    "strategies": (EQG.StrategyOrPlan, ("servesStrategy", "mentionsStrategy")),
}


def load_gold() -> dict:
    merged: dict = {"actions": {}, "carried_over": [], "notes": []}
    for path in sorted(GOLD_DIR.glob("gold-*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for plan_id, actions in data.items():
            if plan_id in ("carried_over", "notes"):
                merged[plan_id] += data[plan_id] or []
            elif isinstance(actions, dict):
                for ref, labels in actions.items():
                    merged["actions"][(plan_id, str(ref))] = labels or {}
    return merged


@dataclass
class Score:
    true_positive: int = 0
    predicted: int = 0
    expected: int = 0
    unresolved: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.expected if self.expected else 1.0

    def __str__(self) -> str:
        return (f"precision {self.precision:.2f} ({self.true_positive}/{self.predicted}), "
                f"recall {self.recall:.2f} ({self.true_positive}/{self.expected})")


class Scorer:
    def __init__(self, vocab):
        self.vocab = vocab
        # Gold names are what people call things, so synonyms (skos:hiddenLabel) count here.
        self.vocabularies = {name: Vocabulary(vocab, set(vocab.subjects(RDF.type, cls)), hidden=True)
                             for name, (cls, _) in CATEGORIES.items()}
        self.ancestors: dict[URIRef, set[URIRef]] = {}
        for concept in vocab.subjects(RDF.type, EQG.Community):
            seen, todo = set(), [concept]
            while todo:
                for parent in vocab.objects(todo.pop(), SKOS.broader):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            self.ancestors[concept] = seen

    def resolve(self, category: str, name: str) -> URIRef | None:
        """The concept a gold name stands for: the one whose label covers most of the name."""
        found = self.vocabularies[category].find(name)
        if not found:
            return None
        return max(found, key=lambda m: (m.end - m.start, -m.start)).concept

    def _same(self, category: str, a: URIRef, b: URIRef) -> bool:
        if a == b:
            return True
        if category == "communities":
            return a in self.ancestors.get(b, ()) or b in self.ancestors.get(a, ())
        return False

    def score(self, category: str, gold: dict, predicted: dict[tuple[str, str], set[URIRef]]) -> Score:
        result = Score()
        for key, labels in gold["actions"].items():
            expected = []
            for name in labels.get(category) or []:
                concept = self.resolve(category, str(name))
                if concept is None:
                    result.unresolved.append(f"{key[0]} {key[1]}: {name}")
                    result.expected += 1
                    result.misses.append(f"{key[1]} {name} (unresolved)")
                else:
                    expected.append(concept)
            expected = list(dict.fromkeys(expected))
            found = predicted.get(key, set())
            result.expected += len(expected)
            result.predicted += len(found)
            hits = {p for p in found if any(self._same(category, p, e) for e in expected)}
            result.true_positive += min(len(hits), len(expected))
            result.extras += [f"{key[1]} {str(p).rsplit('/', 1)[1]}" for p in found - hits]
            result.misses += [f"{key[1]} {str(e).rsplit('/', 1)[1]}" for e in expected
                              if not any(self._same(category, p, e) for p in found)]
        return result


def predictions(graph, base: str, category: str) -> dict[tuple[str, str], set[URIRef]]:
    """(plan id, ref) -> linked concepts of one category, read from a built graph."""
    predicates = [EQG[p] for p in CATEGORIES[category][1]]
    out: dict[tuple[str, str], set[URIRef]] = {}
    for action in graph.subjects(RDF.type, EQG.Action):
        plan_id, ref = str(action)[len(base):].split("/")[1], str(action).rsplit("/", 1)[1]
        out[(plan_id, ref)] = {o for p in predicates for o in graph.objects(action, p)}
    return out
