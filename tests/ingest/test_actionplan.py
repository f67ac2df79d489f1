"""The structure of both built-in plans, checked against counts and facts read off the documents."""

import re

import pytest

from eqgraph.errors import InputError
from eqgraph.ingest import ingest_document
from eqgraph.model import TITLE_FROM_SOURCE, TITLE_NOT_IN_SOURCE, TITLE_RECONSTRUCTED

FURNITURE = re.compile(r"intentionally left blank|Equality Strategy Action Plan\s*[–-]\s*Appendix|"
                       r"\bKey ac\b|Performance Measure\tDepartment|^Priority Area$|Key strategy/ Plan", re.I)
HTML = re.compile(r"</?[a-z]+[^>]*>|&(amp|lt|gt|nbsp|quot);", re.I)


def per_objective(plan):
    counts = {}
    for action in plan.actions:
        counts[action.objective] = counts.get(action.objective, 0) + 1
    return [counts.get(o.number, 0) for o in plan.objectives]


def test_2013_structure(plan2013):
    assert plan2013.layout == "priority-area"
    assert len(plan2013.objectives) == 5
    assert len(plan2013.priority_areas) == 29
    assert len(plan2013.actions) == 87
    assert per_objective(plan2013) == [24, 18, 18, 12, 15]
    assert [o.title for o in plan2013.objectives] == [
        "Tackling inequality", "Service Access", "Improving engagement",
        "Promoting Community Cohesion", "Workforce Development"]


def test_2017_structure(plan2017):
    assert plan2017.layout == "objective-sequence"
    assert len(plan2017.objectives) == 6
    assert len(plan2017.actions) == 45
    assert per_objective(plan2017) == [13, 12, 4, 5, 6, 5]
    refs = [a.ref for a in plan2017.actions]
    assert refs[:3] == ["1.1", "1.2", "1.3"] and refs[-1] == "6.5"
    assert len(set(refs)) == 45


def test_plan_ids_come_from_the_manifest(plans):
    assert set(plans) == {"merton-2013-14", "merton-2017-18"}


def test_numbers_lost_in_extraction_are_inferred_from_position(plan2017):
    inferred = sorted(a.ref for a in plan2017.actions if a.ref_inferred)
    assert inferred == ["3.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.5"]
    assert plan2017.action("3.2").title == "Continue to support young people into Education, Employment and Training"
    assert plan2017.action("5.1").title.startswith("Increase the confidence of victims to report Hate Crime")


def test_numbered_sub_items_belong_to_action_4_4(plan2017):
    action = plan2017.action("4.4")
    assert action.title == "Increase the diversity of Senior Leadership Team"
    assert action.owner_text == "CS"
    assert any(k.startswith("HR will ensure that the Council's Executive search") for k in action.key_activity)
    assert any(k.startswith("HR will monitor equal access to Learning") for k in action.key_activity)
    assert "Increase rating by 5% in the staff survey in relation to development" in action.measures
    assert (action.span.first_line, action.span.last_line) == (84, 86)
    assert plan2017.action("4.5").title.startswith("In developing HR policies and procedures")


def test_objective_header_printed_inside_a_row_is_split_off(plan2017):
    action = plan2017.action("4.5")
    assert all("Objective" not in item for item in action.key_activity)
    assert plan2017.objective(5).span.first_line == 89
    assert plan2017.action("5.1").objective == 5


def test_a_lost_objective_header_is_a_visible_gap(plan2017):
    objective = plan2017.objective(2)
    assert objective.title_status == TITLE_NOT_IN_SOURCE
    assert objective.title == "Equality Objective 2"
    assert plan2017.action("2.1").title.startswith("Adult Social Care")


def test_garbled_objective_titles_are_reconstructed_with_their_evidence(plan2017):
    first = plan2017.objective(1)
    assert first.title == "To ensure key plans and strategies narrow the gap between different communities in the borough"
    assert first.title_status == TITLE_RECONSTRUCTED
    assert first.notes and "lines 5-6" in first.notes[0]
    assert "key plans and strategie" in " ".join(first.fragments)
    assert plan2017.objective(6).title_status == TITLE_FROM_SOURCE
    assert plan2017.objective(6).title.startswith("Fulfil our statutory duties")
    for objective in plan2017.objectives:
        assert "ا" not in objective.title


def test_rows_broken_across_pages_are_joined(plan2013):
    brokerage = plan2013.action("1.2.11")  # number in its own cell, rest of the row on the next page
    assert brokerage.title == ("Standardise charges for day services between Direct Payments and "
                               "commissioned day services for BME customers")
    assert brokerage.key_activity == ("Brokerage to enter into negotiations with providers to establish a "
                                      "consistent tariff for this service",)
    assert brokerage.owner_text == "Community and Housing – Commissioning Brokerage"
    assert (brokerage.span.first_line, brokerage.span.last_line) == (32, 37)
    school = plan2013.action("1.1.1")
    assert any("Black pupils where 56% compared to 58% nationally achieved" in u for u in school.update)


def test_cells_wrapped_over_lines_without_a_page_break(plan2017):
    action = plan2017.action("6.1")
    assert action.title == "Equality Analysis routinely undertaken to support the decision making process"
    assert action.measures == ("Savings, growth and service reviews to include EAs",)
    assert action.strategy_text == "Equality Strategy"
    assert action.update == ("EAs accompanied the savings proposals and are undertaken routinely.",)
    assert (action.span.first_line, action.span.last_line) == (109, 112)


def test_html_paragraphs_become_items(plan2013):
    housing = plan2013.action("1.2.12")
    assert housing.measures[:2] == ("Equality objectives set", "CSE standard met")
    assert housing.measures[-1] == "RDS viewings monitored by equality categories"
    assert plan2013.action("3.1.4").title == "Increase take up of learner support fund to support childcare costs"


def test_priority_areas(plan2013):
    area = next(a for a in plan2013.priority_areas if a.ref == "3.2")
    assert area.title == "Disabled people"
    assert plan2013.action("1.2.17").priority_area == "1.2"
    assert {a.ref for a in plan2013.priority_areas if a.objective == 5} == {f"5.{i}" for i in range(1, 7)}


def test_every_action_has_key_activity_owner_and_clean_fields(plans):
    for plan in plans.values():
        for action in plan.actions:
            assert action.key_activity and all(action.key_activity), action.ref
            assert action.owner_text, action.ref
            assert action.title, action.ref
            fields = [action.title, action.owner_text, action.strategy_text, *action.statement,
                      *action.key_activity, *action.measures, *action.update]
            for value in fields:
                assert not HTML.search(value), (action.ref, value)
                assert not FURNITURE.search(value), (action.ref, value)
                assert value == value.strip() and "  " not in value, (action.ref, value)


def test_provenance_spans_lie_inside_the_document(plans):
    for plan in plans.values():
        assert len(plan.sha256) == 64
        for action in plan.actions:
            assert 1 <= action.span.first_line <= action.span.last_line <= plan.line_count
            assert action.span.document == plan.document


def test_a_file_cut_mid_row_is_refused(tmp_path, corrections):
    from eqgraph import resources

    source = resources.builtin_documents()[0].read_text(encoding="utf-8")
    cut = source[: source.index("Mini survey issued to the")]
    path = tmp_path / "cut.txt"
    path.write_text(cut, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ingest_document(path, corrections)
    assert caught.value.line == cut.count("\n") + 1
    assert "truncated" in caught.value.problem


def test_an_unknown_document_gets_a_plan_id_from_its_name(tmp_path):
    from eqgraph import resources

    path = tmp_path / "Merton Plan 2019.txt"
    path.write_bytes(resources.builtin_documents()[1].read_bytes())
    plan = ingest_document(path)
    assert plan.id == "merton-plan-2019"
    assert len(plan.actions) == 45


@pytest.mark.parametrize("header", [
    "Equality <b>Objective 5:", "Equality Objective<b> 5:", "Equality Objective 5<b>:", "Equality Objective&#32;5:",
    "Equality Objective 5&#58;", "Equality Objective 5\x01:", "Equality Obj\x01ective 5:",
])
def test_an_objective_header_hidden_by_markup_inside_a_row_is_still_split_off(tmp_path, corrections, header):
    # Markup, entities and control bytes inside the header hide it from the raw cell; the row is then
    # cut in its cleaned text (this recursed without end before).
    from eqgraph import resources

    source = resources.builtin_documents()[1].read_text(encoding="utf-8")
    path = tmp_path / "001_0627c223ffbd227d.txt"
    path.write_text(source.replace("Equality Objective 5:", header), encoding="utf-8")
    plan = ingest_document(path)
    assert len(plan.actions) == 45 and [o.number for o in plan.objectives] == [1, 2, 3, 4, 5, 6]
    assert plan.action("4.5").key_activity[0].startswith("In developing HR policies")
    assert "Objective" not in " ".join(plan.action("4.5").key_activity)


@pytest.mark.parametrize("prefix", [b"\xef\xbb\xbf", b"\n\n\xef\xbb\xbf", b"\xef\xbb\xbf\n\xef\xbb\xbf\n"])
def test_a_byte_order_mark_before_the_header_is_ignored(tmp_path, prefix):
    from eqgraph import resources

    path = tmp_path / "bom.txt"
    path.write_bytes(prefix + resources.builtin_documents()[0].read_bytes())
    assert len(ingest_document(path).actions) == 87
