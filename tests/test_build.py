from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from eqgraph.namespaces import EQG

BASE = "https://w3id.org/eqgraph/id/"


def test_iris_are_readable_and_under_the_base(built):
    settings, result = built
    graph = result.compiled.graph
    action = URIRef(BASE + "plan/merton-2013-14/action/1.2.17")
    assert (action, RDF.type, EQG.Action) in graph
    assert (action, EQG.inPlan, URIRef(BASE + "plan/merton-2013-14")) in graph
    assert (action, EQG.inObjective, URIRef(BASE + "plan/merton-2013-14/objective/1")) in graph
    assert (action, EQG.inPriorityArea, URIRef(BASE + "plan/merton-2013-14/priority-area/1.2")) in graph
    assert (action, EQG.deliveredBy, URIRef(BASE + "org/environment-and-regeneration")) in graph


def test_every_action_traces_back_to_its_lines(built):
    graph = built[1].compiled.graph
    actions = set(graph.subjects(RDF.type, EQG.Action))
    assert len(actions) == 132
    for action in actions:
        (excerpt,) = graph.objects(action, PROV.wasDerivedFrom)
        first, last = graph.value(excerpt, EQG.firstLine), graph.value(excerpt, EQG.lastLine)
        assert first.datatype == XSD.integer and 1 <= int(first) <= int(last)  # as the store keeps it
        assert (graph.value(excerpt, EQG.inDocument), RDF.type, EQG.SourceDocument) in graph
    excerpt = graph.value(URIRef(BASE + "plan/merton-2017-18/action/4.4"), PROV.wasDerivedFrom)
    assert str(excerpt) == BASE + "document/merton-2017-18/lines-84-86"


def test_each_action_is_delivered_by_a_unit_and_keeps_the_printed_cell(built):
    graph = built[1].compiled.graph
    for action in graph.subjects(RDF.type, EQG.Action):
        assert list(graph.objects(action, EQG.deliveredBy)), action
        assert graph.value(action, EQG.ownerText)


def test_measures_and_updates_are_nodes_with_ordered_text(built):
    graph = built[1].compiled.graph
    action = URIRef(BASE + "plan/merton-2013-14/action/1.2.12")
    measures = sorted((int(graph.value(m, EQG.position)), str(graph.value(m, EQG.text)))
                      for m in graph.objects(action, EQG.hasPerformanceMeasure))
    assert measures[0] == (1, "Equality objectives set") and len(measures) == 6
    update = graph.value(action, EQG.hasProgressUpdate)
    assert str(graph.value(update, EQG.text)).splitlines()[1] == "Achieved CSE Accreditation in 2013."


def test_objective_title_status_and_corrections_are_in_the_graph(built):
    graph = built[1].compiled.graph
    lost = URIRef(BASE + "plan/merton-2017-18/objective/2")
    assert graph.value(lost, EQG.titleStatus) == EQG.TitleNotInSource
    assert str(graph.value(lost, DCTERMS.title)) == "Equality Objective 2"  # an xsd:string (RDF 1.1: plain)
    assert graph.value(lost, EQG.correctionNote)
    first = URIRef(BASE + "plan/merton-2017-18/objective/1")
    assert graph.value(first, EQG.titleStatus) == EQG.TitleReconstructed


def test_the_base_iri_is_configurable(tmp_path):
    from eqgraph import resources
    from eqgraph.config import Settings
    from eqgraph.pipeline import compile_graph

    compiled = compile_graph(resources.builtin_documents()[1:], Settings.from_env(base="http://example.org/merton"))
    subjects = {str(s) for s in compiled.graph.subjects(RDF.type, EQG.Action)}
    assert "http://example.org/merton/plan/merton-2017-18/action/2.6" in subjects
    units = {str(o) for o in compiled.graph.objects(None, EQG.deliveredBy)}
    assert all(u.startswith("http://example.org/merton/org/") for u in units)


def test_plans_checked_in_parallel_give_the_same_report_in_the_same_order(tmp_path, monkeypatch):
    """make_units forks workers for four plans or more; neither the graph nor the report may depend on it."""
    from eqgraph import resources
    from eqgraph.config import Settings
    from eqgraph.pipeline import compile_graph

    text = (resources.root() / "tests" / "data" / "next-documents" / "kingsmoor-2017-18.txt").read_text(encoding="utf-8")
    paths = []
    for year in range(2016, 2021):
        path = tmp_path / f"k{year}.txt"
        path.write_text(text.replace("2016-20 Action Plan – Year 2 update", f"Action Plan {year}/{(year + 1) % 100:02d}",
                                     1), encoding="utf-8")
        paths.append(path)
    settings = Settings.from_env(home=tmp_path / "home")
    reports = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("EQGRAPH_BUILD_WORKERS", workers)
        compiled = compile_graph(paths, settings)
        reports[workers] = ([r.__dict__ for r in compiled.report.results], compiled.lines)
    assert reports["1"] == reports["2"] and len(reports["1"][0]) > 5
