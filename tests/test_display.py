"""The `display:` block of a saved query's header (eqgraph.display): read, checked, and refused clearly."""

import re

import pytest

from eqgraph.catalogue import Catalogue, load_catalogue, load_types, parse_query_file
from eqgraph.display import natural_key, projection
from eqgraph.errors import InputError
from eqgraph.store import open_current

QUERY = """#+ title: Actions of a plan
#+ params:
#+   - {name: plan, var: planNode, type: plan, example: merton-2017-18}
#+ display:
%s
SELECT ?action ?plan ?ref ?title (COUNT(?x) AS ?count)
WHERE { ?action <urn:p> ?planNode ; <urn:ref> ?ref ; <urn:t> ?title . ?planNode <urn:id> ?plan }
GROUP BY ?action ?plan ?ref ?title
"""
GOOD = """#+   title: {column: title, link: action, header: Action, ref: ref}
#+   columns:
#+     - {column: plan, header: Plan, as: plan}
#+     - {column: count, header: Actions, as: count, leads: {query: find-actions, params: {plan: $plan}}}
#+   action: action
#+   sort: [plan, ref]
#+   empty:
#+     - {when: answers-objective-missing, say: "Nothing in {plan}: {objectives}"}
#+     - say: Nothing in {plan}."""


def write(tmp_path, block: str):
    path = tmp_path / "plan-actions.rq"
    path.write_text(QUERY % block, encoding="utf-8")
    return path


def test_a_display_block_is_read(tmp_path):
    query = parse_query_file(write(tmp_path, GOOD), load_types())
    display = query.display
    assert display.title.column == "title" and display.title.link == "action" and display.title.ref == "ref"
    assert [(c.column, c.header, c.kind) for c in display.columns] == [("plan", "Plan", "plan"), ("count", "Actions", "count")]
    assert display.columns[1].leads.query == "find-actions" and display.columns[1].leads.params == (("plan", "$plan"),)
    assert display.action == "action" and display.sort == ("plan", "ref")
    assert [c.when for c in display.empty] == ["answers-objective-missing", ""]


@pytest.mark.parametrize("block, says", [
    ("#+   colour: red", "display: unknown key 'colour'"),
    ("#+   title: {column: name, header: Action}", "display.title.column: 'name' is not a column of the query"),
    ("#+   title: {column: title}", "display.title.header: 'title' needs a header"),
    ("#+   title: {column: title, header: objectiveTitle}", "reads like a field name"),
    ("#+   columns:\n#+     - {column: plan, header: Plan, as: slug}", "display.columns[1].as: 'slug' is not one of"),
    ("#+   columns:\n#+     - {column: plan, header: Plan, colour: red}", "display.columns[1]: unknown key 'colour'"),
    ("#+   columns:\n#+     - {column: plan, header: Plan, link: planNode}", "display.columns[1].link: 'planNode' is not a column"),
    ("#+   columns:\n#+     - {column: count, header: N, as: count, leads: {query: x, params: {plan: $place}}}",
     "display.columns[1].leads.params.plan: '$place' is not a parameter"),
    ("#+   sort: [sequence]", "display.sort: 'sequence' is not a column"),
    ("#+   empty: Nothing for {community}.", "display.empty[1].say: {community} is not a parameter"),
    ("#+   empty:\n#+     - {when: entity-graph, say: x}", "display.empty[1].when: 'entity-graph' must name an internal query"),
    ("#+   title: {column: title, header: Action}\n#+   columns:\n#+     - {column: title, header: Again}",
     "a column is shown twice"),
])
def test_a_bad_display_block_is_refused_naming_the_file_and_key(tmp_path, block, says):
    with pytest.raises(InputError) as error:
        parse_query_file(write(tmp_path, block), load_types())
    assert "plan-actions.rq" in str(error.value) and says in str(error.value), str(error.value)


def test_a_count_must_lead_to_a_saved_query_with_those_parameters(tmp_path):
    for name in ("types.yaml",):
        (tmp_path / name).write_text(load_catalogue()["plans"].path.with_name(name).read_text(), encoding="utf-8")
    leads = GOOD.replace("query: find-actions", "query: no-such-query")
    write(tmp_path, leads)
    with pytest.raises(InputError, match=r"plan-actions.rq.*leads to 'no-such-query', which is no saved query"):
        load_catalogue(tmp_path)
    write(tmp_path, GOOD.replace("params: {plan: $plan}", "params: {planet: $plan}"))
    (tmp_path / "find-actions.rq").write_text(load_catalogue()["find-actions"].sparql, encoding="utf-8")
    with pytest.raises(InputError, match=r"find-actions, which has no parameter 'planet'"):
        load_catalogue(tmp_path)


def test_every_saved_query_declares_how_people_read_it():
    for name, query in load_catalogue().items():
        if name == "search":  # its header is the search page's; the page works its display out
            continue
        assert query.display is not None and query.display.shown, name
        for column in query.display.shown:
            assert not re.search(r"[a-z][A-Z]", column.header), (name, column.header)
        if query.params:
            assert query.display.empty, f"{name}: say what an empty answer means"


def test_the_projection_read_from_the_text_is_what_the_query_answers(built):
    catalogue = Catalogue(open_current(built[0].home))
    for name, query in catalogue.queries.items():
        if query.form != "SELECT":
            continue
        values = {p.name: p.example for p in query.params if p.required}
        assert projection(query.sparql) == catalogue.run(name, values, limit=1).variables, name


def test_natural_order_reads_numbers_as_numbers():
    refs = ["1.10", "1.2", "1.2.10", "1.2.9", "10.1", "2.1", None, "1.1"]
    assert sorted(refs, key=natural_key) == ["1.1", "1.2", "1.2.9", "1.2.10", "1.10", "2.1", "10.1", None]
    assert sorted(["new", "dropped", "re-worded"], key=natural_key) == ["dropped", "new", "re-worded"]
