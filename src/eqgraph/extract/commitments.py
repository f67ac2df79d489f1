"""Commitments: the lasting promises of a strategy, reported on by each yearly update of its plan.

A strategy's action plan is republished every year with the same rows and new progress text (the
2017-21 strategy's Year 1, Year 2 ... updates). A row of a later update that is the same row of the
same strategy is the same commitment, not a "carried over" guess; its progress update and status are
that year's report on it. Updates are of one strategy when their plans name the same strategy with the
same years (`Plan.strategy_key`, read from the title or the manifest) and the same council publishes them.

Within one strategy, in reporting order, each action of an update is matched to a commitment the
strategy already has, in this order:

1. the same objective and number, with the commitment worded alike (word overlap >= `SAME`, which
   extraction noise — a word split across cells, a stray letter — does not reach below);
2. the same objective and another number, worded almost the same (>= `RENUMBERED`): a row renumbered
   because one before it was added or dropped;
3. the same objective and number, worded differently: the same commitment re-worded (`reworded`, with
   the earlier wording, so the change can be shown);
4. none: a new commitment.

A commitment of an earlier update that no action of a later one matches was dropped there. Plans of
different strategies (2013/14 and 2017-21) keep their commitments apart; `continuity` reads which
later commitments carry on earlier ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Action, Plan
from .continuity import council_of, plan_order

SAME = 0.5
RENUMBERED = 0.8
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an and are as at be by for from has have in into is it its of on or our that the their "
                  "this to was were will with".split())


def _words(action: Action) -> frozenset[str]:
    text = " ".join((*action.statement, *action.key_activity, action.title)).lower()
    return frozenset(w for w in _WORD.findall(text) if w not in _STOP)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class Report:
    """One action as a yearly report on a commitment."""

    plan: str
    ref: str
    commitment: str  # "<plan id of its first update>/<ref there>"
    reworded_from: str | None = None  # the earlier wording, when the commitment was re-worded
    renumbered_from: str | None = None  # the earlier ref, when the row moved


@dataclass
class Strategy:
    key: str  # Plan.strategy_key, or the plan id for a plan whose strategy is unknown
    plans: list[str] = field(default_factory=list)  # in reporting order
    dropped: dict[str, list[str]] = field(default_factory=dict)  # plan id -> commitments no action reports on


@dataclass
class Commitments:
    reports: dict[tuple[str, str], Report]  # (plan id, ref) -> its report
    strategies: list[Strategy]

    def same_strategy(self, earlier: str, later: str) -> bool:
        return any(earlier in s.plans and later in s.plans for s in self.strategies)


def _wording(action: Action) -> str:
    return " ".join(action.statement or action.key_activity or (action.title,))


def read_commitments(plans: Sequence[Plan]) -> Commitments:
    """Every strategy's commitments: each strategy read on its own (`read_strategy`)."""
    reports: dict[tuple[str, str], Report] = {}
    strategies = []
    for key, members in strategy_groups(plans).items():
        strategy, found = read_strategy(key, members)
        strategies.append(strategy)
        reports.update(found)
    return Commitments(reports, strategies)


def strategy_groups(plans: Sequence[Plan]) -> dict[str, list[Plan]]:
    """The plans by strategy (the updates of one strategy by one council), each in reporting order. A
    strategy's commitments depend on its own updates only, so a build keeps each strategy's by its
    plans (eqgraph.pipeline)."""
    groups: dict[str, list[Plan]] = {}
    for plan in sorted(plans, key=plan_order):
        # One council's strategy: another council's plan with the same strategy name is its own.
        key = f"{council_of(plan)}|{plan.strategy_key}" if plan.strategy_key else f"plan:{plan.id}"
        groups.setdefault(key, []).append(plan)
    return groups


def read_strategy(key: str, members: Sequence[Plan]) -> tuple[Strategy, dict[tuple[str, str], Report]]:
    """One strategy's updates (in reporting order) as reports on its commitments."""
    reports: dict[tuple[str, str], Report] = {}
    strategy = Strategy(key, [p.id for p in members])
    latest: dict[str, tuple[Action, frozenset[str]]] = {}  # commitment -> its latest action and words
    previous: set[str] = set()  # the commitments the update before reported on
    for plan in members:
        matched: set[str] = set()
        pending = []
        for action in plan.actions:
            words = _words(action)
            found = _match(action, words, latest, matched)
            if found is None:
                pending.append((action, words))
                continue
            commitment, how = found
            earlier = latest[commitment][0]
            matched.add(commitment)
            reports[(plan.id, action.ref)] = Report(
                plan.id, action.ref, commitment,
                reworded_from=_wording(earlier) if how == "reworded" else None,
                renumbered_from=earlier.ref if earlier.ref != action.ref else None)
            latest[commitment] = (action, words)
        for action, words in pending:
            commitment = f"{plan.id}/{action.ref}"
            reports[(plan.id, action.ref)] = Report(plan.id, action.ref, commitment)
            latest[commitment] = (action, words)
            matched.add(commitment)
        if plan is not members[0]:
            strategy.dropped[plan.id] = sorted(previous - matched)
        previous = matched
    return strategy, reports


def _match(action: Action, words: frozenset[str], latest: dict, taken: set[str]) -> tuple[str, str] | None:
    """(commitment, how) for an action of a later update, or None for a new commitment."""
    same_place = [(c, a, w) for c, (a, w) in latest.items() if c not in taken and a.objective == action.objective]
    for commitment, earlier, earlier_words in same_place:
        if earlier.ref == action.ref and _overlap(words, earlier_words) >= SAME:
            return commitment, "same"
    best = max(same_place, key=lambda item: _overlap(words, item[2]), default=None)
    if best is not None and _overlap(words, best[2]) >= RENUMBERED:
        return best[0], "renumbered"
    for commitment, earlier, _ in same_place:
        if earlier.ref == action.ref:
            return commitment, "reworded"
    return None
