"""Continuity across plans: which later actions carry on an earlier plan's commitments.

Each action of a plan is compared with each action of the plan before it (plans ordered by period,
then id): a TF-IDF cosine over the words of what each commits to (statement, key activity, measures),
plus the share of entities they have in common (strategies, partners, communities). Pairs scoring at
least `THRESHOLD` are linked, best first, with the evidence: shared terms and shared entities.
Transparent and offline; the threshold was set on the project's own labelled pairs (tests/data).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef

from ..model import Action, Plan
from .links import COMMITMENT_FIELDS, Link, field_texts

THRESHOLD = 0.30
ENTITY_WEIGHT = 0.35
MAX_PER_ACTION = 3
ENTITY_PREDICATES = {"servesStrategy", "worksWith", "targetsCommunity"}

_STOP = set("""a about above across after again all also am an and any are as at be been being both but by can
continue continued could do does during each eg either ensure etc for from further had has have having how i ie in
including into is it its more most new no not of on or other our out over own per same should so some such than that
the their them then there these they this those through to too under until up us very was we were what when where
which while who will with within would year years work working council merton merton's support develop improve
increase deliver delivering provide""".split())
_WORD = re.compile(r"[a-z][a-z'\-]+")


def _stem(word: str) -> str:
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _terms(action: Action) -> Counter:
    text = " ".join(t for _, t in field_texts(action, COMMITMENT_FIELDS)).lower()
    return Counter(_stem(w.strip("'-")) for w in _WORD.findall(text) if w not in _STOP and len(w) > 2)


@dataclass(frozen=True)
class Continuity:
    earlier_plan: str
    earlier: str  # ref
    later_plan: str
    later: str
    score: float
    shared_terms: tuple[str, ...]
    shared_entities: tuple[URIRef, ...]

    @property
    def evidence(self) -> str:
        parts = []
        if self.shared_terms:
            parts.append("shared terms: " + ", ".join(self.shared_terms))
        if self.shared_entities:
            parts.append("shared entities: " + ", ".join(str(e).rsplit("/", 1)[-1] for e in self.shared_entities))
        return "; ".join(parts)


def _vectors(actions: Sequence[Action]) -> list[dict[str, float]]:
    counts = [_terms(a) for a in actions]
    df = Counter(term for c in counts for term in c)
    n = len(counts)
    vectors = []
    for c in counts:
        v = {t: (1 + math.log(k)) * math.log((1 + n) / (1 + df[t])) for t, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({t: x / norm for t, x in v.items()})
    return vectors


def continuity(earlier: Plan, later: Plan, links: dict[tuple[str, str], list[Link]]) -> list[Continuity]:
    """Pairs (earlier action, later action) that carry on the same commitment."""
    vectors = _vectors([*earlier.actions, *later.actions])
    old_vectors, new_vectors = vectors[: len(earlier.actions)], vectors[len(earlier.actions):]

    def entities(plan: Plan, action: Action) -> set[URIRef]:
        return {l.target for l in links.get((plan.id, action.ref), []) if l.predicate in ENTITY_PREDICATES}

    old_entities = [entities(earlier, a) for a in earlier.actions]
    result: list[Continuity] = []
    for new_action, new_vec in zip(later.actions, new_vectors):
        new_entities = entities(later, new_action)
        scored = []
        for old_action, old_vec, old_ent in zip(earlier.actions, old_vectors, old_entities):
            common = set(old_vec) & set(new_vec)
            cosine = sum(old_vec[t] * new_vec[t] for t in common)
            shared = old_ent & new_entities
            union = old_ent | new_entities
            overlap = len(shared) / len(union) if union else 0.0
            score = (1 - ENTITY_WEIGHT) * cosine + ENTITY_WEIGHT * overlap
            if score >= THRESHOLD:
                terms = tuple(sorted(common, key=lambda t: -old_vec[t] * new_vec[t])[:6])
                scored.append(Continuity(earlier.id, old_action.ref, later.id, new_action.ref, round(score, 3),
                                         terms, tuple(sorted(shared))))
        scored.sort(key=lambda c: -c.score)
        result.extend(scored[:MAX_PER_ACTION])
    return result


def plan_sequence(plans: Sequence[Plan]) -> list[tuple[Plan, Plan]]:
    """Consecutive (earlier, later) pairs, plans ordered by period then id."""
    ordered = sorted(plans, key=lambda p: (p.period or "", p.id))
    return list(zip(ordered, ordered[1:]))
