"""Every saved query, run on the built-in data, against answers read off the documents."""

import pytest

from eqgraph.catalogue import Catalogue, ParameterError, UnknownQuery, load_catalogue
from eqgraph.store import open_current


@pytest.fixture(scope="module")
def catalogue(built):
    return Catalogue(open_current(built[0].home))


def run(catalogue, name, **params):
    return catalogue.run(name, params).plain_rows()


def refs(rows, plan=None):
    return {r["ref"] for r in rows if plan is None or r["plan"] == plan}


ACTION_QUERIES = ["actions", "actions-for-community", "actions-for-partner", "actions-for-department",
                  "actions-for-strategy", "bame-engagement", "actions-without-target", "search"]
REQUIRED = {  # the contract other tools rely on
    "actions": {"plan", "objective"}, "actions-for-community": {"community"}, "actions-for-partner": {"partner"},
    "actions-for-department": {"department"}, "actions-for-strategy": {"strategy"},
    "strategies-feeding-objective": {"plan", "objective"}, "objectives-fed-by-strategy": {"strategy"},
    "bame-engagement": set(), "shared-strategies": set(), "carried-over-commitments": set(), "plans": set(),
    "department-workload": {"plan"}, "characteristic-coverage": set(), "uncovered-communities": {"plan"},
    "actions-without-target": {"plan"}, "status-by-objective": {"plan"}, "partners": set(),
    "strategy-dependencies": {"plan"}, "search": {"text"},
    "department-partners": set(), "community-objectives": set(), "plan-graph": {"plan"},
    "commitments-not-carried-over": {"plan"}, "actions-for-characteristic": {"characteristic"},
}


def test_the_catalogue_has_every_contracted_query_with_metadata():
    queries = load_catalogue()
    for name, params in REQUIRED.items():
        assert name in queries, name
        query = queries[name]
        assert query.title and query.description, name
        assert {p.name for p in query.params} == params, name
        for p in query.params:
            assert p.example, (name, p.name)


@pytest.mark.parametrize("name", ACTION_QUERIES)
def test_queries_returning_actions_have_the_contract_columns(catalogue, name):
    query = load_catalogue()[name]
    values = {p.name: p.example for p in query.params if p.required}
    result = catalogue.run(name, values)
    assert result.variables[:4] == ["action", "plan", "ref", "title"]
    assert result.rows, name


def test_actions_of_one_objective(catalogue):
    rows = run(catalogue, "actions", plan="merton-2017-18", objective="1")
    assert [r["ref"] for r in rows] == [f"1.{n}" for n in range(1, 14)]
    assert len(run(catalogue, "actions")) == 132
    assert len(run(catalogue, "actions", plan="merton-2013-14")) == 87


def test_actions_for_a_community_include_narrower_ones(catalogue):
    bame = run(catalogue, "actions-for-community", community="bame")  # case-insensitive abbreviation
    assert {"1.1.1", "2.5.2", "3.4.1"} <= refs(bame, "merton-2013-14")
    assert {"2.3", "2.9"} <= refs(bame, "merton-2017-18")
    disabled = run(catalogue, "actions-for-community", community="Disabled people")
    assert "1.2.1" in refs(disabled, "merton-2013-14")  # SEND short breaks, via the narrower SEND
    assert {"2.12", "2.6"} <= refs(disabled, "merton-2017-18")  # EHC plans (SEND); step-free stations
    assert any(r["field"] == "key activity" for r in disabled)


def test_actions_for_a_partner(catalogue):
    assert refs(run(catalogue, "actions-for-partner", partner="TfL")) == {"2.7", "2.8"}
    rail = run(catalogue, "actions-for-partner", partner="Network Rail")
    assert ("merton-2013-14", "1.2.17") in {(r["plan"], r["ref"]) for r in rail}


def test_what_housing_committed_to(catalogue):
    rows = run(catalogue, "actions-for-department", department="Housing")
    assert refs(rows, "merton-2013-14") == {"1.2.12", "2.1.8", "3.5.4", "4.1.3", "5.1.3"}
    assert refs(rows, "merton-2017-18") == {"2.2"}
    # A department includes its divisions and the actions given to all departments.
    ch = run(catalogue, "actions-for-department", department="C&H")
    assert refs(rows) < refs(ch)
    assert "2.1.2" in refs(ch, "merton-2013-14")  # All departments – Heads of Service


def test_actions_for_a_strategy(catalogue):
    rows = run(catalogue, "actions-for-strategy", strategy="Children and Young People's Plan")
    assert refs(rows) == {"1.11", "1.12", "2.4", "2.10", "2.11", "2.12", "3.2", "5.6"}


def test_strategies_feeding_objective_1_of_2017(catalogue):
    rows = run(catalogue, "strategies-feeding-objective", plan="merton-2017-18", objective="1")
    counts = {r["label"]: int(r["actions"]) for r in rows}
    assert counts["Health and Wellbeing Strategy"] == 3  # 1.1, 1.2, 1.3
    assert counts["Children and Young People's Plan"] == 2  # 1.11, 1.12
    assert counts["Voluntary Sector and Volunteering Strategy"] == 2  # 1.8, 1.9
    assert counts["Economic Development Strategy"] == 1  # 1.13
    assert "Workforce Strategy" not in counts  # objective 4
    assert list(rows[0]) == ["strategy", "label", "actions"]


def test_objectives_fed_by_a_strategy(catalogue):
    rows = run(catalogue, "objectives-fed-by-strategy", strategy="Workforce Strategy")
    assert [(r["plan"], r["number"], r["actions"]) for r in rows] == [("merton-2017-18", "4", "3")]


def test_bame_engagement_is_engagement_not_ethnicity_data(catalogue):
    rows = run(catalogue, "bame-engagement")
    assert {"2.5.2", "3.4.1"} <= refs(rows, "merton-2013-14")
    assert {"2.3", "2.9"} <= refs(rows, "merton-2017-18")
    # Collecting ethnicity data, or reporting it in an update, is not engagement.
    assert not {"1.2.5", "1.2.6", "2.1.5"} & refs(rows, "merton-2013-14")
    assert "5.6" not in refs(rows, "merton-2017-18")


def test_shared_strategies(catalogue):
    rows = run(catalogue, "shared-strategies")
    labels = {r["label"] for r in rows}
    assert {"Economic Development Strategy", "Housing Strategy"} <= labels
    assert all(int(r["plans"]) == 2 for r in rows)


def test_carried_over_commitments(catalogue):
    rows = run(catalogue, "carried-over-commitments")
    assert list(rows[0])[:7] == ["earlier", "earlierPlan", "earlierRef", "earlierTitle", "later", "laterPlan",
                                 "laterRef"]
    pairs = {(r["earlierRef"], r["laterRef"]) for r in rows}
    assert ("4.2.1", "5.6") in pairs and ("1.2.17", "2.6") in pairs
    assert all(0 < float(r["score"]) <= 1 and r["evidence"] for r in rows)


def test_commitments_not_carried_over_are_what_continuity_leaves_out(catalogue):
    carried = run(catalogue, "carried-over-commitments")
    rows = run(catalogue, "commitments-not-carried-over")
    dropped = {r["ref"] for r in rows if r["change"] == "dropped"}
    new = {r["ref"] for r in rows if r["change"] == "new"}
    assert all(r["plan"] == "merton-2013-14" for r in rows if r["change"] == "dropped")
    assert dropped.isdisjoint({r["earlierRef"] for r in carried})
    assert len(dropped) == 87 - len({r["earlierRef"] for r in carried})
    assert len(new) == 45 - len({r["laterRef"] for r in carried})
    assert "4.2.1" not in dropped and "5.6" not in new  # first-time entrants: kept
    assert "6.4" in new  # the polling station review ahead of the May 2018 elections
    by_ref = {r["ref"]: r for r in rows}
    assert by_ref["1.2.15"]["owners"] == "Safer Merton"  # drugs services, moving to Public Health
    assert {r["ref"] for r in run(catalogue, "commitments-not-carried-over", plan="merton-2017-18")} == new


def test_a_plan_with_no_next_plan_has_nothing_dropped(tmp_path):
    from eqgraph import resources
    from eqgraph.config import Settings
    from eqgraph.pipeline import build

    settings = Settings.from_env(home=tmp_path)
    build(resources.builtin_documents()[1:], settings)  # the 2017-18 plan alone
    assert run(Catalogue(open_current(settings.home)), "commitments-not-carried-over") == []


def test_consecutive_plans_with_nothing_carried_over_have_everything_dropped_and_new(tmp_path, monkeypatch):
    import importlib

    from eqgraph import resources
    from eqgraph.config import Settings
    from eqgraph.pipeline import build

    # The module, not the function of the same name that eqgraph.extract re-exports.
    continuity = importlib.import_module("eqgraph.extract.continuity")
    monkeypatch.setattr(continuity, "THRESHOLD", 2.0)  # no pair can score above 1
    monkeypatch.setattr(continuity, "CONTINUES_THRESHOLD", 2.0)
    settings = Settings.from_env(home=tmp_path)
    build(resources.builtin_documents(), settings)
    catalogue = Catalogue(open_current(settings.home))
    assert run(catalogue, "carried-over-commitments") == []
    rows = run(catalogue, "commitments-not-carried-over")
    assert sum(r["change"] == "dropped" for r in rows) == 87
    assert sum(r["change"] == "new" for r in rows) == 45


@pytest.mark.parametrize("name, params", [("actions-for-department", {"department": "Community and Housing"}),
                                          ("search", {"text": "equality"}),
                                          ("commitments-not-carried-over", {"plan": "merton-2013-14"})])
def test_actions_are_listed_in_reading_order(catalogue, name, params):
    rows = run(catalogue, name, **params)
    refs_in_order = [tuple(int(p) for p in r["ref"].split(".")) for r in rows if r["plan"] == "merton-2013-14"]
    assert len(refs_in_order) > 10
    assert refs_in_order == sorted(refs_in_order)  # 1.2.9 before 1.2.10


def test_plans(catalogue):
    rows = {r["plan"]: r for r in run(catalogue, "plans")}
    assert (rows["merton-2013-14"]["objectives"], rows["merton-2013-14"]["priorityAreas"],
            rows["merton-2013-14"]["actions"]) == ("5", "29", "87")
    assert (rows["merton-2017-18"]["objectives"], rows["merton-2017-18"]["actions"]) == ("6", "45")


def test_department_workload(catalogue):
    rows = run(catalogue, "department-workload", plan="merton-2017-18")
    table = {(r["departmentLabel"], r["objectiveNumber"]): int(r["actions"]) for r in rows}
    assert table[("Corporate Services", "4")] == 3  # 4.3, 4.4, 4.5
    assert table[("Environment and Regeneration", "4")] == 2  # 4.1, 4.2


def test_characteristic_coverage_includes_zeros(catalogue):
    rows = run(catalogue, "characteristic-coverage")
    assert len(rows) == 2 * 11  # two plans x (9 protected characteristics + socio-economic status + place)
    counts = {(r["plan"], r["label"]): int(r["actions"]) for r in rows}
    assert counts[("merton-2013-14", "Marriage and civil partnership")] == 0
    assert counts[("merton-2017-18", "Disability")] > 0 and counts[("merton-2013-14", "Race")] > 0


def test_uncovered_communities(catalogue):
    rows = run(catalogue, "uncovered-communities", plan="merton-2013-14")
    labels = {r["label"] for r in rows}
    assert "Autistic people" in labels  # autism first appears in the 2017 plan
    assert "Disabled people" not in labels and "Ethnic minorities" not in labels


def test_actions_without_a_measurable_target(catalogue):
    rows = run(catalogue, "actions-without-target", plan="merton-2013-14")
    assert {"2.1.10", "2.1.11", "2.1.12", "2.1.13"} <= refs(rows)  # no measure at all
    assert "1.2.13" not in refs(rows)  # "95% of children ... are active users"


def test_status_by_objective_counts_every_action(catalogue):
    rows = run(catalogue, "status-by-objective", plan="merton-2017-18")
    assert sum(int(r["actions"]) for r in rows) == 45


def test_partners_ranked_by_actions(catalogue):
    rows = run(catalogue, "partners")
    counts = [int(r["actions"]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    assert {r["label"]: int(r["actions"]) for r in rows}["Transport for London"] == 2


def test_strategy_dependencies_edges(catalogue):
    rows = run(catalogue, "strategy-dependencies", plan="merton-2017-18")
    edges = {(r["strategyLabel"], r["objectiveLabel"].split(":")[0]): int(r["weight"]) for r in rows}
    assert edges[("Health and Wellbeing Strategy", "Objective 1")] == 3
    assert all(r["plan"] == "merton-2017-18" for r in rows)


def test_search_is_case_insensitive_across_fields(catalogue):
    assert refs(run(catalogue, "search", text="STEP FREE")) == {"2.6"}
    assert "1.2.17" in refs(run(catalogue, "search", text="network rail"))  # found in the update


def test_parameter_values_are_bound_as_terms_never_spliced(catalogue, built):
    hostile = 'x" } ; DROP ALL ; #'
    result = catalogue.run("search", {"text": hostile})
    assert result.rows == []
    assert '"x\\" } ; DROP ALL ; #"' in result.sparql  # an escaped literal inside VALUES
    assert open_current(built[0].home).triple_count() == built[1].triples
    with pytest.raises(ParameterError, match="names no community"):
        catalogue.run("actions-for-community", {"community": hostile})


def test_actions_for_a_protected_characteristic_follow_the_hierarchy(catalogue):
    race = run(catalogue, "actions-for-characteristic", characteristic="race")
    assert ("merton-2013-14", "1.2.1") in {(r["plan"], r["ref"]) for r in race}  # Tamil parents
    assert ("merton-2017-18", "2.3") in {(r["plan"], r["ref"]) for r in race}  # Engage BAME groups
    assert "Tamil parents" in {r["targetLabel"] for r in race}
    assert all(r["field"] and r["words"] for r in race)
    gender = refs(run(catalogue, "actions-for-characteristic", characteristic="gender"))
    assert gender == refs(run(catalogue, "actions-for-characteristic", characteristic="sex"))
    disability = refs(run(catalogue, "actions-for-characteristic", characteristic="disability"))
    assert refs(run(catalogue, "actions-for-community", community="disabled people")) <= disability


def test_names_resolve_as_people_type_them(catalogue):
    met = refs(run(catalogue, "actions-for-partner", partner="Metropolitan Police"))
    assert met
    for typed in ("the Metropolitan Police", "metropolitan police", "police"):  # "police" names one partner
        assert refs(run(catalogue, "actions-for-partner", partner=typed)) == met
    assert refs(run(catalogue, "actions-for-partner", partner="Alzheimer’s Society")) == refs(
        run(catalogue, "actions-for-partner", partner="Alzheimer's Society"))
    assert refs(run(catalogue, "actions-for-department", department="Libraries & Heritage")) == refs(
        run(catalogue, "actions-for-department", department="Libraries and Heritage"))
    with pytest.raises(ParameterError, match="names no community"):  # two groups of victims
        catalogue.run("actions-for-community", {"community": "victims"})
    assert refs(run(catalogue, "actions-for-community", community="ethnic minority")) == refs(
        run(catalogue, "actions-for-community", community="Ethnic minorities"))  # singular or plural
    # Descriptions, as the independent readers wrote them (tests/data/*reader*), read as the group they name.
    for typed, label in [("BME groups", "Ethnic minorities"), ("Trans pupils", "Transgender people"),
                         ("people with autism", "Autistic people"), ("east Merton residents", "East Merton")]:
        result = catalogue.run("actions-for-community", {"community": typed})
        assert result.rows and result.interpreted == {"community": label}
    with pytest.raises(ParameterError, match=r"names more than one community \(Older children, Teenagers\)"):
        catalogue.run("actions-for-community", {"community": "Older children and teenagers"})
    # Not "electors who are disabled", which is offered instead.
    with pytest.raises(ParameterError, match="names no community; did you mean 'electors who are disabled'"):
        catalogue.run("actions-for-community", {"community": "electors"})
    # Too short or too common to pick one thing out: refused, never a silent guess.
    for kind, typed in [("department", "a"), ("department", "s"), ("community", "of the"), ("community", "merton"),
                        ("community", "17"), ("partner", "the the"), ("strategy", "of"), ("plan", "and")]:
        query = {"department": "actions-for-department", "community": "actions-for-community",
                 "partner": "actions-for-partner", "strategy": "actions-for-strategy", "plan": "actions"}[kind]
        with pytest.raises(ParameterError):
            catalogue.run(query, {kind: typed})
    with pytest.raises(ParameterError, match="needs a value"):
        catalogue.run("actions-for-partner", {"partner": "  "})


def test_bad_parameters_are_refused_clearly(catalogue):
    with pytest.raises(ParameterError, match="needs parameter 'community', e.g. community=BAME"):
        catalogue.run("actions-for-community", {})
    with pytest.raises(ParameterError, match="must be a whole number"):
        catalogue.run("actions", {"objective": "one"})
    with pytest.raises(ParameterError, match="did you mean 'Network Rail'"):
        catalogue.run("actions-for-partner", {"partner": "Network Rial"})
    with pytest.raises(ParameterError, match="has no parameter colour"):
        catalogue.run("plans", {"colour": "red"})
    with pytest.raises(UnknownQuery, match="did you mean actions-for-partner"):
        catalogue.run("actions-for-partners")


def test_a_capped_result_says_truncated(catalogue):
    result = catalogue.run("actions", {}, limit=10)
    assert len(result.rows) == 10 and result.truncated
    assert not catalogue.run("plans", {}).truncated


def test_pick_lists_come_from_the_graph(catalogue):
    communities = dict(catalogue.options("community"))
    assert "Tamil parents" in communities.values()
    assert len(catalogue.options("plan")) == 2
    assert catalogue.options("text") == []


def test_the_catalogue_is_published_in_the_graph(catalogue):
    store = catalogue.store
    rows = list(store.query("""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX schema: <https://schema.org/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?q ?label WHERE { ?q a sh:SPARQLSelectExecutable ; rdfs:label ?label ; sh:select ?text ;
                                    schema:keywords "communities" }"""))
    labels = {r["label"].value for r in rows}
    assert "Actions for a community" in labels


def test_plan_graph_holds_one_plan_and_nothing_else(catalogue):
    result = catalogue.run("plan-graph", {"plan": "merton-2017-18"}, limit=100_000)
    assert not result.truncated
    subjects = {row["subject"].value for row in result.rows}
    assert all("/plan/merton-2017-18" in s for s in subjects), [s for s in subjects if "merton-2017-18" not in s][:3]
    assert any(s.endswith("/action/4.4/measure/3") for s in subjects)
    assert any("/action/2.6/link/" in s for s in subjects)


def test_an_enormous_number_is_a_parameter_error(catalogue):
    with pytest.raises(ParameterError, match="whole number"):
        catalogue.run("actions", {"objective": "9" * 5000})


def test_query_parameters_are_published_under_stable_iris_not_blank_nodes(built):
    from rdflib import BNode, URIRef

    from eqgraph.catalogue import catalogue_graph

    base = built[0].base
    queries = load_catalogue()
    graph = catalogue_graph(queries, base)
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)
    eqg = "https://w3id.org/eqgraph/ontology#"
    community = URIRef(f"{base}query/actions-for-community/parameter/community")
    assert (URIRef(f"{base}query/actions-for-community"), URIRef(eqg + "parameter"), community) in graph
    assert str(graph.value(community, URIRef(eqg + "parameterType"))) == "community"
    # the same queries give the same triples, call after call
    assert set(catalogue_graph(queries, base)) == set(graph)
    parameters = sum(len(q.params) for q in queries.values())
    assert len(set(graph.objects(None, URIRef(eqg + "parameter")))) == parameters


def test_a_query_parameter_is_dereferenceable_in_the_built_graph(catalogue, built):
    rows = list(catalogue.store.query(f"""
        SELECT ?type WHERE {{ <{built[0].base}query/actions-for-community/parameter/community>
                                <https://w3id.org/eqgraph/ontology#parameterType> ?type }}"""))
    assert [r["type"].value for r in rows] == ["community"]
