"""A plan's identity read from its title line: strategy, years, update, period; furniture dropped."""

import pytest

from eqgraph.errors import InputError
from eqgraph.ingest import ingest_documents
from eqgraph.ingest.identity import clean_title, read_identity


@pytest.mark.parametrize("line, strategy, years, update, period", [
    ("Appendix 1 – Equality and Community Cohesion Strategy 2017-21 Action Plan - Year 2 update",
     "Equality and Community Cohesion Strategy", (2017, 2021), 2, "2018/19"),
    ("Equality Strategy Action Plan – 2013/14 update", "Equality Strategy", None, None, "2013/14"),
    ("Annex B: Fairness and Inclusion Scheme 2014-2018: second annual update (2015/16)  Page 1 of 9",
     "Fairness and Inclusion Scheme", (2014, 2018), 2, "2015/16"),
    ("<b>Tackling Inequality Strategy 2020–24 action plan, update 3</b>", "Tackling Inequality Strategy",
     (2020, 2024), 3, "2022/23"),
    ("Agenda item 6 Equality objectives 2019-2023 Year two progress report", "Equality objectives", (2019, 2023), 2,
     "2020/21"),
    ("Community Cohesion Action Plan", "Community Cohesion", None, None, None),
    ("Equality Scheme 1999-03 Action Plan - Year 2 update", "Equality Scheme", (1999, 2003), 2, "2000/01"),
    ("Equality Plan 1999/00", "Equality Plan", None, None, "1999/00"),
    ("Report to Full Council – Equality Strategy 2017-21 Action Plan - Year 2 update", "Equality Strategy",
     (2017, 2021), 2, "2018/19"),
    ("Item Equality Strategy 2017-21 Action Plan - Year 4 update", "Item Equality Strategy", (2017, 2021), 4,
     "2020/21"),  # "Item" with no number is no furniture
    ("Fairness Strategy 2016-20 Action Plan (London Borough of Kingsmoor) - Year 2 update", "Fairness Strategy",
     (2016, 2020), 2, "2017/18"),
])
def test_titles_of_other_councils_and_years(line, strategy, years, update, period):
    identity = read_identity(line)
    assert (identity.strategy, identity.strategy_years, identity.update, identity.period) == \
        (strategy, years, update, period)


def test_a_year_beyond_the_strategy_gives_no_period():
    assert read_identity("Equality Strategy 2017-19 Action Plan - Year 5 update").period is None
    assert read_identity("Equality Strategy 2017-21 Action Plan - Year 5 update").period is None


def test_the_publisher_is_a_council_the_title_names_never_a_meeting():
    assert read_identity("Report to Full Council – Equality Strategy 2017-21 Action Plan").publisher is None
    assert read_identity("The Council's Equality Plan 2019/20").publisher is None
    assert read_identity("Fairness Strategy 2016-20 (London Borough of Kingsmoor)").publisher == \
        "London Borough of Kingsmoor"
    assert read_identity("Northfield Borough Council Equality Objectives 2019-23").publisher == \
        "Northfield Borough Council"


def test_page_furniture_is_dropped_from_titles():
    assert clean_title("Appendix 1 – Equality and Community Cohesion Strategy 2017-21 Action Plan - Year 2 update") == \
        "Equality and Community Cohesion Strategy 2017-21 Action Plan – Year 2 update"
    assert clean_title("Annex A: Equality Plan 2019/20 Page 3 of 12") == "Equality Plan 2019/20"
    assert clean_title("Agenda Item 7 — <b>Equality action plan</b>") == "Equality action plan"


def test_updates_of_one_strategy_compare_equal_whatever_the_dash():
    one = read_identity("Equality and Community Cohesion Strategy 2017-21 Action Plan - Year 1 update")
    two = read_identity("Appendix 2 - Equality and Community Cohesion Strategy 2017–2021 action plan: Year 2 update")
    assert one.strategy_key == two.strategy_key == "equality and community cohesion strategy 2017-2021"


HEADER = "Key activity\tPerformance Measure\tKey strategy/ Plan\tDepartment/ Division\tUpdate\n"
ROWS = "Equality Objective 1: Fair access\t\t\t\t\n1. Review access to services\tReview done\tPlan\tCS\tDone.\n"


def test_a_plan_whose_period_cannot_be_established_is_refused_naming_the_flag(tmp_path):
    dated = tmp_path / "dated.txt"
    dated.write_text("Fair Access Strategy 2019-23 Action Plan - Year 1 update\n" + HEADER + ROWS, encoding="utf-8")
    undated = tmp_path / "undated.txt"
    undated.write_text("Fair Access Action Plan\n" + HEADER + ROWS, encoding="utf-8")
    with pytest.raises(InputError, match=r"undated\.txt: cannot tell which year plan 'undated' reports on: .*"
                                         r"--period 2018/19"):
        ingest_documents([dated, undated])
    (plan,) = ingest_documents([undated])  # alone it is put in no sequence, so it needs no period
    assert plan.period is None and plan.title == "Fair Access Action Plan"
    dated_plan, = ingest_documents([dated])
    assert (dated_plan.period, dated_plan.update, dated_plan.read_from_title["period"]) == ("2019/20", 1, "2019/20")
