import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from eqgraph.namespaces import EQG
from eqgraph.validate import validate

BASE = "https://w3id.org/eqgraph/id/"
ACTION = URIRef(BASE + "plan/merton-2017-18/action/2.6")


@pytest.fixture()
def graph(built):
    return built[1].compiled.graph


def test_the_built_in_data_conforms(built):
    report = built[1].compiled.report
    assert report.conforms and report.violations == []
    # The warnings are real findings: the actions whose Performance Measure cell is empty.
    flagged = {r.focus.rsplit("/action/", 1)[1] for r in report.warnings if "No performance measure" in r.message}
    assert flagged == {"2.1.10", "2.1.11", "2.1.12", "2.1.13", "4.1.1", "4.5"}
    # And the notes: actions whose measures give nothing to measure against.
    unmeasured = {r.focus.rsplit("/", 1)[1] for r in report.notes if "No measurable target" in r.message}
    assert {"2.1.10", "1.2.1", "1.2.3"} <= unmeasured and "1.2.13" not in unmeasured


def test_an_action_without_owner_is_a_violation_with_its_source_line(graph):
    broken = type(graph)()
    broken += graph
    broken.remove((ACTION, EQG.deliveredBy, None))
    report = validate(broken)
    (violation,) = report.violations
    assert violation.focus == str(ACTION)
    assert violation.path == "eqg:deliveredBy"
    assert "delivered by at least one council unit" in violation.message
    assert violation.source == "001_0627c223ffbd227d.txt, line 46"


def test_html_left_in_a_field_is_a_violation(graph):
    broken = type(graph)()
    broken += graph
    broken.set((ACTION, EQG.keyActivity, Literal("<p>Raise step free access</p>", datatype=XSD.string)))
    assert [v.path for v in validate(broken).violations] == ["eqg:keyActivity"]


def test_an_objective_from_another_plan_is_caught_by_the_sparql_rule(graph):
    broken = type(graph)()
    broken += graph
    broken.set((ACTION, EQG.inObjective, URIRef(BASE + "plan/merton-2013-14/objective/2")))
    messages = [v.message for v in validate(broken).violations]
    assert any("belongs to another plan" in m for m in messages)
