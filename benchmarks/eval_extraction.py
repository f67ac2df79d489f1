"""Precision and recall of entity extraction against the hand-labelled gold set (tests/data).

    python benchmarks/eval_extraction.py [-v]

Prints, per category (council units, partners, communities, strategies), micro precision and recall
over all 132 actions; communities also as the questions users ask ("which actions are for disabled
people?", following the hierarchy as the saved queries do), against the gold labels and against the
second and third readers' (tests/data/second-reader, third-reader); progress status agreement;
carried-over commitments as pairs against every reader; and how far the readers agree with each other,
the ceiling for any extraction. With -v it also lists every miss and every extra link,
which is where curation starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "extract"))

from gold import (CATEGORIES, Scorer, carried_over, load_gold, load_second_reader,  # noqa: E402
                  load_third_reader, predictions)
from rdflib import URIRef  # noqa: E402

from eqgraph import resources  # noqa: E402
from eqgraph.build import load_vocabularies  # noqa: E402
from eqgraph.config import Settings  # noqa: E402
from eqgraph.namespaces import EQG  # noqa: E402
from eqgraph.pipeline import compile_graph  # noqa: E402

STATUS = {EQG.Completed: "completed", EQG.OnTrack: "on-track", EQG.InProgress: "in-progress",
          EQG.NotMet: "not-met", EQG.NotStarted: "not-started", EQG.StatusUnclear: "unclear"}


def _f(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def main() -> None:
    verbose = "-v" in sys.argv
    settings = Settings.from_env()
    graph = compile_graph(resources.builtin_documents(), settings).graph
    scorer = Scorer(load_vocabularies(settings.base))
    readers = {"gold": load_gold(), "second reader": load_second_reader(), "third reader": load_third_reader()}
    print("; ".join(f"{name}: {len(r['actions'])} actions, {len(r['carried_over'])} carried-over pairs"
                    for name, r in readers.items()))
    print("(the third reader labelled communities and carried-over pairs after the rules were set; its pairs "
          "took no part in choosing the continuity weights)")

    def labelled(labels: dict, category: str) -> bool:
        return any(category in l for l in labels["actions"].values())

    for category in CATEGORIES:
        found = predictions(graph, settings.base, category)
        for reader, labels in readers.items():
            if not labelled(labels, category):
                continue
            score = scorer.score(category, labels, found)
            print(f"{category:12} {reader:13} {score}")
            if verbose:
                print("   misses:", "; ".join(score.misses) or "-")
                print("   extras:", "; ".join(score.extras) or "-")
    found = predictions(graph, settings.base, "communities")
    for reader, labels in readers.items():
        score = scorer.score_questions("communities", labels, found)
        print(f"{'communities':12} {reader:13} as questions: {score}")
        if verbose:
            print("   misses:", "; ".join(score.misses) or "-")
            print("   extras:", "; ".join(score.extras) or "-")
    # How far careful readers agree with each other: the ceiling for any extraction.
    names = list(readers)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            common = {k for k, l in readers[a]["actions"].items() if "communities" in l} & \
                     {k for k, l in readers[b]["actions"].items() if "communities" in l}
            if not common:
                continue
            restrict = {"actions": {k: readers[a]["actions"][k] for k in common}}
            as_found = {k: {c for n in readers[b]["actions"][k]["communities"]
                            if (c := scorer.resolve("communities", str(n)))} for k in common}
            score = scorer.score_questions("communities", restrict, as_found)
            print(f"{'communities':12} {b} read against {a} ({len(common)} actions), as questions: "
                  f"{score}, F {_f(score.precision, score.recall):.2f}")
    for reader, labels in readers.items():
        statuses = {k: l["status"] for k, l in labels["actions"].items() if "status" in l}
        if not statuses:
            continue
        agree = sum(STATUS[graph.value(URIRef(f"{settings.base}plan/{p}/action/{r}"), EQG.progressStatus)] == s
                    for (p, r), s in statuses.items())
        print(f"{'status':12} {reader:13} agreement {agree / len(statuses):.2f} ({agree}/{len(statuses)})")
    gold, second = readers["gold"], readers["second reader"]
    agree = sum(gold["actions"][k]["status"] == second["actions"][k]["status"] for k in gold["actions"])
    print(f"{'status':12} gold and second reader agree with each other {agree / len(gold['actions']):.2f}")
    predicted = carried_over(graph)
    pairs = {name: {(p["earlier"], p["later"]) for p in r["carried_over"]} for name, r in readers.items()}
    for reader, expected in pairs.items():
        hits = len(predicted & expected)
        precision, recall = hits / max(len(predicted), 1), hits / len(expected)
        print(f"{'carried-over':12} {reader:13} precision {precision:.2f} ({hits}/{len(predicted)}), "
              f"recall {recall:.2f} ({hits}/{len(expected)}), F {_f(precision, recall):.2f}")
        if verbose:
            print("   misses:", sorted(expected - predicted))
            print("   extras:", sorted(predicted - expected))
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            hits = len(pairs[a] & pairs[b])
            print(f"{'carried-over':12} {b} read against {a}: precision {hits / len(pairs[b]):.2f}, "
                  f"recall {hits / len(pairs[a]):.2f}, F {_f(hits / len(pairs[b]), hits / len(pairs[a])):.2f}")


if __name__ == "__main__":
    main()
