"""Continuity across plans: which later actions carry on an earlier plan's commitments.

Each action of a plan is compared with each action of the plan before it (plans ordered by period,
then id). The score adds three transparent signals:

* words: TF-IDF cosine over what each commits to (statement, key activity, measures) and, at a lower
  weight, its progress update;
* themes: IDF-weighted cosine of the themes both are about (data/vocab/themes.ttl), which catches the
  same commitment worded differently ("childhood obesity" 2013 vs "obese 10-11 year olds" 2017);
* entities: a bonus for each strategy and partner both name.

For each later action, the earlier actions scoring at least its threshold and at least `RELATIVE` of
the best score are linked (at most `MAX_PER_ACTION`), with the evidence: shared terms, themes and
entities. The threshold depends on what the later action says of itself: one that says it continues
("Continue to target families ...", "Continues to raise the issue of step free access ...") needs
less textual evidence (`CONTINUES_THRESHOLD`) than one that does not (`THRESHOLD`). Of the 13 actions
of the 2017 plan whose commitment says "continue(s/d)" or "continuing", 9 carry on a 2013 commitment
in both readers' labels, against 11 of the other 32 in the gold and 6 of 32 in the second reader's.
Weights and thresholds were chosen by a grid search on those labels (tests/data/gold-2017.yaml and
tests/data/second-reader/carried-over.yaml; best mean F over the two), so the figures they reach there
are not an independent test; a third reader's pairs (tests/data/third-reader), labelled afterwards,
took no part in the choice. Themes weigh little (0.2): sharing a theme such as BAME engagement does
not make two actions the same commitment. See docs/design.md for the figures.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef

from ..model import Action, Plan, period_start
from .links import COMMITMENT_FIELDS, UPDATE, Link, field_texts

THRESHOLD = 0.36
CONTINUES_THRESHOLD = 0.2
THEME_WEIGHT = 0.2
UPDATE_WEIGHT = 0.6
BONUS = {"servesStrategy": 0.15, "mentionsStrategy": 0.15, "worksWith": 0.10}
MAX_BONUS = 0.3
RELATIVE = 0.8
MAX_PER_ACTION = 3

_STOP = set("""a about above across after again all also am an and any are as at be been being both but by can
continue continued continues continuing could do does during each eg either ensure etc for from further had has have having how i ie in
including into is it its more most new no not of on or other our out over own per same should so some such than that
the their them then there these they this those through to too under until up us very was we were what when where
which while who will with within would year years work working council merton merton's support develop improve
increase deliver delivering provide""".split())
_WORD = re.compile(r"[a-z][a-z'\-]+")
_CONTINUES = re.compile(r"\bcontinu(?:e|es|ed|ing)\b", re.I)


def says_it_continues(action: Action) -> bool:
    """Whether what the action commits to presents it as the continuation of earlier work."""
    return any(_CONTINUES.search(text) for _, text in field_texts(action, COMMITMENT_FIELDS))


def _stem(word: str) -> str:
    """A light suffix-stripper for plural and tense ("assessments"/"assessment", "targeted"/"targeting");
    matching "apprentices" with "apprenticeship" is not its job."""
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _surface_words(text: str) -> list[tuple[str, str]]:
    """(stem, word as written) for each content word of a text."""
    found = []
    for word in _WORD.findall(text.lower()):
        word = word.strip("'-")
        if word.endswith("'s"):
            word = word[:-2]
        if word not in _STOP and len(word) > 2:
            found.append((_stem(word), word))
    return found


def _terms(action: Action, forms: dict[str, Counter]) -> Counter:
    """Stem counts of an action (its update at `UPDATE_WEIGHT`); each written form is tallied in `forms`
    on the way, so evidence can read "analysis", not the stem "analysi"."""
    counts: Counter = Counter()
    for field, text in field_texts(action, (*COMMITMENT_FIELDS, UPDATE)):
        weight = UPDATE_WEIGHT if field == UPDATE else 1
        for stem, word in _surface_words(text):
            counts[stem] += weight
            forms.setdefault(stem, Counter())[word] += 1
    return counts


@dataclass(frozen=True)
class Continuity:
    earlier_plan: str
    earlier: str  # ref
    later_plan: str
    later: str
    score: float
    shared_terms: tuple[str, ...]
    shared_entities: tuple[URIRef, ...]  # themes, strategies and partners both name
    says_it_continues: bool = False  # the later action presents itself as continuing earlier work

    @property
    def evidence(self) -> str:
        parts = []
        if self.shared_terms:
            parts.append("shared terms: " + ", ".join(self.shared_terms))
        if self.shared_entities:
            parts.append("shared entities: " + ", ".join(str(e).rsplit("/", 1)[-1] for e in self.shared_entities))
        if self.says_it_continues:
            parts.append("the later action says it continues")
        return "; ".join(parts)


def _vectors(actions: Sequence[Action]) -> tuple[list[dict[str, float]], dict[str, str]]:
    """TF-IDF vectors of the actions, and the commonest written form of each stem."""
    forms: dict[str, Counter] = {}
    counts = [_terms(a, forms) for a in actions]
    df = Counter(term for c in counts for term in c)
    n = len(counts)
    vectors = []
    for c in counts:
        v = {t: (1 + math.log(k) if k >= 1 else k) * math.log((1 + n) / (1 + df[t])) for t, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({t: x / norm for t, x in v.items()})
    return vectors, {stem: max(sorted(c), key=c.__getitem__) for stem, c in forms.items()}


def continuity(earlier: Plan, later: Plan, links: dict[tuple[str, str], list[Link]]) -> list[Continuity]:
    """Pairs (earlier action, later action) that carry on the same commitment."""
    vectors, written = _vectors([*earlier.actions, *later.actions])
    old_vectors, new_vectors = vectors[: len(earlier.actions)], vectors[len(earlier.actions):]

    def named(plan: Plan, action: Action) -> dict[URIRef, str]:
        return {l.target: l.predicate for l in links.get((plan.id, action.ref), [])
                if l.predicate in BONUS or l.predicate == "hasTheme"}

    old_named = [named(earlier, a) for a in earlier.actions]
    new_named = [named(later, a) for a in later.actions]
    themes = [{t for t, p in n.items() if p == "hasTheme"} for n in (*old_named, *new_named)]
    theme_df = Counter(t for s in themes for t in s)
    idf = {t: math.log((1 + len(themes)) / (1 + k)) for t, k in theme_df.items()}

    def theme_similarity(a: set, b: set) -> float:
        if not a or not b:
            return 0.0
        # Summed in a fixed order (sorted IRIs): set order follows the hash seed, and a float sum's last
        # bit follows its order, which could tip a rounded score or a threshold between two runs.
        norm = math.sqrt(sum(idf[t] ** 2 for t in sorted(a))) * math.sqrt(sum(idf[t] ** 2 for t in sorted(b)))
        return sum(idf[t] ** 2 for t in sorted(a & b)) / norm if norm else 0.0

    result: list[Continuity] = []
    for new_action, new_vec, new_ents in zip(later.actions, new_vectors, new_named):
        new_themes = {t for t, p in new_ents.items() if p == "hasTheme"}
        continues = says_it_continues(new_action)
        scored = []
        for old_action, old_vec, old_ents in zip(earlier.actions, old_vectors, old_named):
            # Never in set order (it follows PYTHONHASHSEED): shared stems in the order the later action
            # first uses them, shared entities by IRI, so sums and evidence are the same on every run.
            common = [t for t in new_vec if t in old_vec]
            cosine = sum(old_vec[t] * new_vec[t] for t in common)
            old_themes = {t for t, p in old_ents.items() if p == "hasTheme"}
            shared = sorted(e for e in new_ents if e in old_ents)
            bonus = min(MAX_BONUS, sum(BONUS.get(new_ents[e], 0.0) for e in shared if new_ents[e] != "hasTheme"))
            score = (1 - THEME_WEIGHT) * cosine + THEME_WEIGHT * theme_similarity(old_themes, new_themes) + bonus
            # The terms that weigh most in the cosine first; equal weights keep the later action's order.
            terms = tuple(written.get(t, t) for t in sorted(common, key=lambda t: -old_vec[t] * new_vec[t])[:6])
            scored.append(Continuity(earlier.id, old_action.ref, later.id, new_action.ref, round(min(score, 1.0), 3),
                                     terms, tuple(shared), continues))
        scored.sort(key=lambda c: -c.score)
        best = scored[0].score if scored else 0.0
        threshold = CONTINUES_THRESHOLD if continues else THRESHOLD
        result.extend(c for c in scored[:MAX_PER_ACTION] if c.score >= threshold and c.score >= RELATIVE * best)
    return result


def plan_order(plan: Plan) -> tuple:
    """Plans in the order they report: by the first year of their period, then which update, then id
    (ingest refuses a plan without a period when there is more than one)."""
    return period_start(plan.period) or 0, plan.update or 0, plan.id


def council_of(plan: Plan) -> str:
    """The council a plan belongs to, as compared: each council's plans form a sequence of their own."""
    return " ".join((plan.publisher or "").lower().split())


def plan_sequence(plans: Sequence[Plan]) -> list[tuple[Plan, Plan]]:
    """Consecutive (earlier, later) pairs of each council's plans, in reporting order."""
    pairs: list[tuple[Plan, Plan]] = []
    for council in sorted({council_of(plan) for plan in plans}):
        ordered = sorted((plan for plan in plans if council_of(plan) == council), key=plan_order)
        pairs += zip(ordered, ordered[1:])
    return pairs
