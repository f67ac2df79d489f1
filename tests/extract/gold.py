"""Scoring the extractors against the hand-labelled answers in tests/data/gold-*.yaml.

The gold files were labelled by reading the documents, independently of the extraction code. Names
in them are resolved through the curated vocabularies (a name no vocabulary knows counts as a miss).
Communities are compared through the hierarchy: a predicted community matches a gold one when it is
the same concept or one is broader than the other (finding "BAME" where the label says "Black pupils"
is right, but less specific); each label is matched to one prediction at most. `score_questions`
reads the same labels as the questions users ask ("which actions are for disabled people?").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from eqgraph.extract.vocabulary import Vocabulary
from eqgraph.naming import Name, read_name
from eqgraph.namespaces import EQG, ORG

GOLD_DIR = Path(__file__).resolve().parents[1] / "data"
CATEGORIES = {
    "units": (ORG.OrganizationalUnit, ("deliveredBy",)),
    "partners": (EQG.Partner, ("worksWith",)),
    "communities": (EQG.Community, ("targetsCommunity",)),
    "strategies": (EQG.StrategyOrPlan, ("servesStrategy", "mentionsStrategy")),
}


def load_second_reader() -> dict:
    """The second reader's labels (tests/data/second-reader), in the shape `load_gold` returns:
    units, partners, strategies and progress status of all 132 actions; communities of the 45 actions
    of 2017."""
    return _load_reader("second-reader")


def load_third_reader() -> dict:
    """The third reader's labels (tests/data/third-reader): communities of all 132 actions and
    carried-over pairs, labelled after the extraction rules were set. They were kept out of the choice of
    continuity weights; their communities then prompted three rule changes, each fixing an error every
    reader's labels agreed on (docs/design.md gives the figures from before that)."""
    return _load_reader("third-reader")


def _load_reader(name: str) -> dict:
    folder = GOLD_DIR / name
    actions: dict = {}
    for path in sorted(folder.glob("entities-*.yaml")) + sorted(folder.glob("communities-*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for plan_id, labelled in data.items():
            for ref, labels in labelled.items():
                actions.setdefault((plan_id, str(ref)), {}).update(
                    {k: v or [] for k, v in labels.items() if k in CATEGORIES})
    status = folder / "status.yaml"
    if status.exists():
        for plan_id, labelled in yaml.safe_load(status.read_text(encoding="utf-8")).items():
            for ref, labels in labelled.items():
                actions.setdefault((plan_id, str(ref)), {})["status"] = labels["status"]
    pairs = yaml.safe_load((folder / "carried-over.yaml").read_text(encoding="utf-8"))
    return {"actions": actions, "carried_over": pairs["carried_over"], "notes": []}


def carried_over(graph) -> set[tuple[str, str]]:
    """(earlier ref, later ref) of every continuity link in a built graph."""
    return {(str(graph.value(n, EQG.earlierAction)).rsplit("/", 1)[1],
             str(graph.value(n, EQG.laterAction)).rsplit("/", 1)[1])
            for n in graph.subjects(RDF.type, EQG.Continuity)}


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
        self.names = {name: _names(vocab, cls) for name, (cls, _) in CATEGORIES.items()}
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
        """The concept a reader's name stands for, read as the product reads a typed name
        (eqgraph.naming: "Trans pupils" is about transgender people, not school pupils); a name that
        reads as several concepts, the one whose label covers most of the name."""
        reading = read_name(name, self.names[category], groups=category == "communities")
        if len(reading) == 1:
            return URIRef(next(iter(reading)))
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
            if category not in labels:  # this reader did not label this category for this action
                continue
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
            pairs = _matching(sorted(found), expected, lambda p, e: self._same(category, p, e))
            result.true_positive += len(pairs)
            matched_found = {p for p, _ in pairs}
            matched_expected = {e for _, e in pairs}
            result.extras += [f"{key[1]} {str(p).rsplit('/', 1)[1]}" for p in sorted(found - matched_found)]
            result.misses += [f"{key[1]} {str(e).rsplit('/', 1)[1]}" for e in expected if e not in matched_expected]
        return result

    def score_questions(self, category: str, gold: dict, predicted: dict[tuple[str, str], set[URIRef]]) -> Score:
        """The same labels read as the questions users ask: for each community either side names (and
        the broader ones above it), "which actions are linked to it?", where (as in the saved queries)
        an action linked to a narrower community also answers for the broader one. Micro-averaged over
        the questions."""
        def answers(labels: dict[tuple[str, str], set[URIRef]], concept: URIRef) -> set[tuple[str, str]]:
            return {key for key, concepts in labels.items()
                    if any(c == concept or concept in self.ancestors.get(c, ()) for c in concepts)}

        expected = {key: {c for n in labels.get(category) or [] if (c := self.resolve(category, str(n)))}
                    for key, labels in gold["actions"].items() if category in labels}
        predicted = {key: predicted.get(key, set()) for key in expected}
        result = Score()
        # Every concept either side names, and those above them: a wrong guess at a group nobody
        # labelled is an extra answer to the question about that group.
        named = {c for cs in (*expected.values(), *predicted.values()) for c in cs}
        for concept in sorted(named | {a for c in named for a in self.ancestors.get(c, ())}):
            want, got = answers(expected, concept), answers(predicted, concept)
            result.expected += len(want)
            result.predicted += len(got)
            result.true_positive += len(want & got)
            name = str(concept).rsplit("/", 1)[1]
            result.misses += [f"{name}: {ref}" for _, ref in sorted(want - got)]
            result.extras += [f"{name}: {ref}" for _, ref in sorted(got - want)]
        return result


def _names(vocab, cls) -> list[Name]:
    shown = (SKOS.prefLabel, SKOS.altLabel, RDFS.label)
    hidden = (SKOS.hiddenLabel, EQG.abbreviation)
    return [Name(str(concept), str(label), prop in shown)
            for concept in vocab.subjects(RDF.type, cls) for prop in (*shown, *hidden)
            for label in vocab.objects(concept, prop)]


def _matching(found: list, expected: list, same) -> list[tuple]:
    """A largest one-to-one pairing of predicted and expected concepts (augmenting paths), so that a
    broader concept predicted next to a narrower one cannot both be counted against one label."""
    partner: dict = {}  # expected -> found

    def augment(p, seen: set) -> bool:
        for e in expected:
            if e not in seen and same(p, e):
                seen.add(e)
                if e not in partner or augment(partner[e], seen):
                    partner[e] = p
                    return True
        return False

    # Exact matches first, so "BAME" pairs with the label "BAME" before a broader guess takes it.
    for p in sorted(found, key=lambda p: p not in expected):
        augment(p, set())
    return [(p, e) for e, p in partner.items()]


def predictions(graph, base: str, category: str) -> dict[tuple[str, str], set[URIRef]]:
    """(plan id, ref) -> linked concepts of one category, read from a built graph."""
    predicates = [EQG[p] for p in CATEGORIES[category][1]]
    out: dict[tuple[str, str], set[URIRef]] = {}
    for action in graph.subjects(RDF.type, EQG.Action):
        plan_id, ref = str(action)[len(base):].split("/")[1], str(action).rsplit("/", 1)[1]
        out[(plan_id, ref)] = {o for p in predicates for o in graph.objects(action, p)}
    return out
