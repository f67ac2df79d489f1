"""The next document: yearly updates built beside the built-in plans (tests/data/next-documents/).

`ecc-strategy-2017-21-year-2.txt` is the 2017-21 strategy's Year 2 update as a policy officer would add
it: the same table and the same 45 commitments as Year 1, new progress text for six of them. Year 3
drops one commitment (1.13), adds one (6.6) and re-words one (2.1). Neither has a manifest entry: what
they are is read from their title lines. `kingsmoor-2017-18.txt` (2013 layout) and `northfield-2019-20.txt`
(2017 layout) are plans of other councils, written for these tests: their own departments, divisions
and local partners, and national bodies any council names.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from eqgraph import resources
from eqgraph.catalogue import Catalogue
from eqgraph.config import Settings
from eqgraph.namespaces import EQG, ORG
from eqgraph.pipeline import build
from eqgraph.store import open_current

NEXT = resources.root() / "tests" / "data" / "next-documents"
YEAR2, YEAR3 = "ecc-strategy-2017-21-year-2", "ecc-strategy-2017-21-year-3"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    settings = Settings.from_env(home=tmp_path_factory.mktemp("next"))
    result = build([*resources.builtin_documents(), NEXT / f"{YEAR2}.txt", NEXT / f"{YEAR3}.txt"], settings)
    return result, Catalogue(open_current(settings.home))


def rows(catalogue, name, **values):
    return catalogue.run(name, values).plain_rows()


def test_the_updates_are_read_from_their_titles_and_put_in_order(release):
    result, catalogue = release
    plans = {p.id: p for p in result.compiled.plans}
    assert (plans[YEAR2].period, plans[YEAR2].update) == ("2018/19", 2)
    assert plans[YEAR2].title == "Equality and Community Cohesion Strategy 2017-21 Action Plan – Year 2 update"
    assert plans[YEAR2].read_from_title["period"] == "2018/19"
    store = catalogue.store
    sequence = {(r["a"].value.rsplit("/", 1)[1], r["b"].value.rsplit("/", 1)[1]) for r in store.query(
        "SELECT ?a ?b WHERE { ?a <https://w3id.org/eqgraph/ontology#nextPlan> ?b }")}
    assert sequence == {("merton-2013-14", "merton-2017-18"), ("merton-2017-18", YEAR2), (YEAR2, YEAR3)}


def test_year_2_reports_on_year_1s_45_commitments_each_with_a_second_dated_status(release):
    _, catalogue = release
    history = catalogue.store.query("""PREFIX eqg: <https://w3id.org/eqgraph/ontology#>
        SELECT ?commitment (COUNT(?action) AS ?reports) (GROUP_CONCAT(?period; separator=" ") AS ?periods) WHERE {
          ?action eqg:reportsOn ?commitment ; eqg:inPlan/eqg:period ?period .
          ?commitment eqg:firstReportedIn/<http://purl.org/dc/terms/identifier> "merton-2017-18" .
        } GROUP BY ?commitment""")
    assert len(history) == 45
    periods = Counter(frozenset(r["periods"].value.split()) for r in history)
    assert periods == {frozenset({"2017/18", "2018/19", "2019/20"}): 44, frozenset({"2017/18", "2018/19"}): 1}


def test_updates_of_one_strategy_are_not_carried_over_guesses(release):
    _, catalogue = release
    pairs = {(r["earlierPlan"], r["laterPlan"]) for r in rows(catalogue, "carried-over-commitments")}
    assert pairs == {("merton-2013-14", "merton-2017-18")}


def test_what_changed_lists_status_changes_new_dropped_and_reworded(release):
    _, catalogue = release
    year2 = {r["ref"]: r for r in rows(catalogue, "what-changed", plan=YEAR2)}
    changed = {ref: (r["before"], r["now"]) for ref, r in year2.items() if r["change"] == "status changed"}
    assert changed == {"1.5": ("unclear", "on track"), "1.9": ("in progress", "not met or delayed"),
                       "3.1": ("in progress", "on track"), "4.1": ("on track", "completed"),
                       "5.2": ("in progress", "not met or delayed")}
    assert "completed" in year2["4.1"]["laterUpdate"] and year2["4.1"]["earlierUpdate"] != year2["4.1"]["laterUpdate"]
    assert len(year2) == 45
    year3 = Counter(r["change"] for r in rows(catalogue, "what-changed", plan=YEAR3))
    assert year3["new"] == 1 and year3["dropped"] == 1 and year3["re-worded"] == 1


def test_the_objective_titles_are_as_clean_as_year_1s(release):
    result, _ = release
    plans = {p.id: p for p in result.compiled.plans}
    assert [o.title for o in plans[YEAR2].objectives] == [o.title for o in plans["merton-2017-18"].objectives]
    assert "strategie s" not in " ".join(o.title for o in plans[YEAR2].objectives)


# --- another council's plans ----------------------------------------------------------------------------

OTHERS = ("kingsmoor-2017-18", "northfield-2019-20")  # 2013 layout and 2017 layout, councils of their own


@pytest.fixture(scope="module")
def councils(tmp_path_factory):
    settings = Settings.from_env(home=tmp_path_factory.mktemp("councils"))
    result = build([*resources.builtin_documents(), *(NEXT / f"{name}.txt" for name in OTHERS)], settings)
    return settings, result


def test_another_councils_plan_resolves_to_nothing_of_mertons(councils):
    settings, result = councils
    graph = result.compiled.graph
    merton = URIRef(settings.base + "org/merton-council")
    mertons = set(graph.subjects(ORG.unitOf, merton)) | set(graph.subjects(EQG.localTo, merton))
    for name in OTHERS:
        plan = URIRef(settings.base + f"plan/{name}")
        actions = set(graph.subjects(EQG.inPlan, plan))
        assert actions
        targets = {o for a in actions for p in (EQG.deliveredBy, EQG.worksWith, EQG.targetsCommunity,
                                                 EQG.servesStrategy) for o in graph.objects(a, p)}
        assert not targets & mertons, name
        council = graph.value(plan, DCTERMS.publisher)
        assert council != merton and graph.value(council, EQG.curated) == Literal(False)
        units = {o for a in actions for o in graph.objects(a, EQG.deliveredBy)}
        assert units and all(graph.value(u, ORG.unitOf) == council for u in units), name
    kingsmoor = URIRef(settings.base + "plan/kingsmoor-2017-18")
    human_resources = URIRef(settings.base + "org/london-borough-of-kingsmoor/resources/human-resources")
    assert graph.value(URIRef(str(kingsmoor) + "/action/1.2.2"), EQG.deliveredBy) == human_resources
    assert graph.value(human_resources, ORG.subOrganizationOf) == \
        URIRef(settings.base + "org/london-borough-of-kingsmoor/resources")
    # Each council's plans are a sequence of their own: no carried-over pair or update crosses councils.
    for predicate in (EQG.nextPlan, EQG.updateOf):
        for earlier, later in graph.subject_objects(predicate):
            assert graph.value(earlier, DCTERMS.publisher) == graph.value(later, DCTERMS.publisher), predicate
    assert not set(graph.subjects(EQG.inPlan, kingsmoor)) & {
        o for s in graph.subjects(EQG.inPlan, URIRef(settings.base + "plan/merton-2017-18"))
        for o in graph.objects(s, EQG.carriesOn)}
    # Its "Housing Strategy" is its own, minted for review, not Merton's curated one of the same name.
    northfield = URIRef(settings.base + "plan/northfield-2019-20")
    (housing,) = {o for a in graph.subjects(EQG.inPlan, northfield) for o in graph.objects(a, EQG.servesStrategy)
                  if "housing" in str(o)}
    assert str(housing).startswith(settings.base + "strategy/") and str(housing) != settings.base + "strategy/housing-strategy"
    assert graph.value(housing, EQG.curated) == Literal(False)
    assert str(graph.value(housing, SKOS.prefLabel)) == "Housing Strategy"
    # National bodies stay shared.
    assert (URIRef(str(kingsmoor) + "/action/1.2.1"), EQG.worksWith, URIRef(settings.base + "partner/jobcentre-plus")) \
        in graph


def test_mertons_plans_read_as_before_beside_other_councils(councils, built):
    _, together = councils
    _, alone = built
    for plan in ("merton-2013-14", "merton-2017-18"):
        prefix = f"plan/{plan}"
        assert set(together.compiled.parts[prefix]) == set(alone.compiled.parts[prefix])


def test_names_lists_every_unit_and_organisation_no_vocabulary_of_its_council_knows(capsys):
    from eqgraph.cli import main

    assert main(["names", str(NEXT / "kingsmoor-2017-18.txt")]) == 0
    out, _ = capsys.readouterr()
    kinds = Counter(line.split(": ", 1)[1].split(" ", 1)[0] for line in out.splitlines())
    assert kinds == {"council": 1, "department": 5, "division": 6, "organisation": 4}
    for name in ("Kingsmoor Voluntary Action", "Kingsmoor Clinical Commissioning Group", "Kingsmoor Disability Forum",
                 "Kingsmoor Safer Neighbourhoods Partnership", "Human Resources", "Culture and Libraries"):
        assert f"'{name}'" in out


def test_the_release_records_what_the_build_read_and_guessed(tmp_path):
    undated_council = tmp_path / "plan.txt"
    text = (NEXT / "kingsmoor-2017-18.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    undated_council.write_text("Fairness Action Plan 2017/18\n" + text, encoding="utf-8")
    result = build([undated_council], Settings.from_env(home=tmp_path / "home"))
    info = json.loads((result.release / "build.json").read_text(encoding="utf-8"))
    assert info["read_from_titles"]["plan"]["period"] == "2017/18"
    (guess,) = info["guesses"]
    assert "does not say which council publishes it" in guess and "London Borough of Merton" in guess


def test_a_commitment_reported_again_after_a_year_without_is_resumed_not_new(tmp_path):
    """Year 2 drops 1.13 (the Year 3 test text, titled Year 2); Year 3 has it again (the Year 2 text)."""
    documents = tmp_path / "docs"
    documents.mkdir()
    (documents / "b-y2.txt").write_text((NEXT / f"{YEAR3}.txt").read_text(encoding="utf-8")
                                        .replace("Year 3 update", "Year 2 update"), encoding="utf-8")
    (documents / "b-y3.txt").write_text((NEXT / f"{YEAR2}.txt").read_text(encoding="utf-8")
                                        .replace("Year 2 update", "Year 3 update"), encoding="utf-8")
    settings = Settings.from_env(home=tmp_path / "home")
    build([resources.builtin_documents()[1], documents / "b-y2.txt", documents / "b-y3.txt"], settings)
    changes = {r["ref"]: r["change"] for r in rows(Catalogue(open_current(settings.home)), "what-changed", plan="b-y3")}
    assert changes["1.13"] == "resumed" and "new" not in changes.values()  # 6.6 of b-y2 is dropped again
