"""Precision and recall of entity extraction against the hand-labelled gold set (tests/data).

    python benchmarks/eval_extraction.py [-v]

Prints, per category (council units, partners, communities, strategies), micro precision and recall
over all 132 actions; communities also as the questions users ask ("which actions are for disabled
people?", following the hierarchy as the saved queries do), against the gold labels and against the
second reader's (tests/data/second-reader, 2017 plan); progress status agreement; and carried-over
commitments as pairs against both readers. With -v it also lists every miss and every extra link,
which is where curation starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "extract"))

from gold import CATEGORIES, Scorer, carried_over, load_gold, load_second_reader, predictions  # noqa: E402
from rdflib import URIRef  # noqa: E402

from eqgraph import resources  # noqa: E402
from eqgraph.build import load_vocabularies  # noqa: E402
from eqgraph.config import Settings  # noqa: E402
from eqgraph.namespaces import EQG  # noqa: E402
from eqgraph.pipeline import compile_graph  # noqa: E402

STATUS = {EQG.Completed: "completed", EQG.OnTrack: "on-track", EQG.InProgress: "in-progress",
          EQG.NotMet: "not-met", EQG.NotStarted: "not-started", EQG.StatusUnclear: "unclear"}


def main() -> None:
    verbose = "-v" in sys.argv
    settings = Settings.from_env()
    graph = compile_graph(resources.builtin_documents(), settings).graph
    gold = load_gold()
    scorer = Scorer(load_vocabularies(settings.base))
    second = load_second_reader()
    print(f"gold set: {len(gold['actions'])} actions, {len(gold['carried_over'])} carried-over pairs; "
          f"second reader: {len(second['actions'])} actions, {len(second['carried_over'])} pairs")
    for category in CATEGORIES:
        found = predictions(graph, settings.base, category)
        for reader, labels in (("gold", gold), ("second reader", second)):
            score = scorer.score(category, labels, found)
            print(f"{category:12} {reader:13} {score}")
            if verbose:
                print("   misses:", "; ".join(score.misses) or "-")
                print("   extras:", "; ".join(score.extras) or "-")
    found = predictions(graph, settings.base, "communities")
    for reader, labels in (("gold", gold), ("second reader", second)):
        score = scorer.score_questions("communities", labels, found)
        print(f"{'communities':12} {reader:13} as questions: {score}")
        if verbose:
            print("   misses:", "; ".join(score.misses) or "-")
            print("   extras:", "; ".join(score.extras) or "-")
    for reader, labels in (("gold", gold), ("second reader", second)):
        statuses = {k: l["status"] for k, l in labels["actions"].items() if "status" in l}
        agree = sum(STATUS[graph.value(URIRef(f"{settings.base}plan/{p}/action/{r}"), EQG.progressStatus)] == s
                    for (p, r), s in statuses.items())
        print(f"{'status':12} {reader:13} agreement {agree / len(statuses):.2f} ({agree}/{len(statuses)})")
    readers = sum(gold["actions"][k]["status"] == second["actions"][k]["status"] for k in gold["actions"])
    print(f"{'status':12} the two readers agree with each other {readers / len(gold['actions']):.2f}")
    predicted = carried_over(graph)
    for reader, labels in (("gold", gold), ("second reader", second)):
        expected = {(p["earlier"], p["later"]) for p in labels["carried_over"]}
        hits = len(predicted & expected)
        print(f"{'carried-over':12} {reader:13} precision {hits / max(len(predicted), 1):.2f} "
              f"({hits}/{len(predicted)}), recall {hits / len(expected):.2f} ({hits}/{len(expected)})")
        if verbose:
            print("   misses:", sorted(expected - predicted))
            print("   extras:", sorted(predicted - expected))


if __name__ == "__main__":
    main()
