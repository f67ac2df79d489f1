import pytest

from eqgraph.errors import InputError
from eqgraph.ingest.table import (
    LAYOUT_OBJECTIVE_SEQUENCE,
    LAYOUT_PRIORITY_AREA,
    _column_map,
    read_table,
)

HEADER_2013 = "Priority Area\tKey activity\tPerformance Measure\tDepartment/Division\tUpdate"
HEADER_2017 = "Key activity\tPerformance Measure\tKey strategy/ Plan\tDepartment/ Division\tUpdate"


def write(tmp_path, text, name="plan.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_header_split_mid_word_maps_both_cells_to_key_activity():
    for split in ("Key ac\ttivity", "Key ac\tctivity", "Key ac\tetivity"):
        mapping = _column_map(f"{split}\tPerformance Measure\tKey strategy/ Plan\tDepartment/ Division\tUpdate".split("\t"))
        assert mapping == ["key_activity", "key_activity", "measures", "strategy", "owner", "update"]


def test_header_with_extra_empty_column_and_header_missing_update():
    extra = _column_map("Priority Area\tKey activity\tPerformance Measure\tDepartment/Division\t\tUpdate".split("\t"))
    assert extra == ["statement", "key_activity", "measures", "owner", None, "update"]
    missing = _column_map("Priority Area\tKey activity\tPerformance Measure\tDepartment/Division\t".split("\t"))
    assert missing == ["statement", "key_activity", "measures", "owner", "update"]


def test_layouts_are_told_apart_by_their_header(tmp_path):
    a = read_table(write(tmp_path, HEADER_2013 + "\n1.1.1 x\ty\tz\tCS\tu\n"))
    b = read_table(write(tmp_path, HEADER_2017 + "\n1. x\ty\tz\tCS\tu\n", "b.txt"))
    assert a.layout == LAYOUT_PRIORITY_AREA and b.layout == LAYOUT_OBJECTIVE_SEQUENCE


def test_page_furniture_repeated_headers_and_title_are_not_rows(tmp_path):
    text = "\n".join([
        "Appendix 1 – Equality and Community Cohesion Strategy 2017-21 Action Plan - Year 1 update",
        "Key activity\tPerformance\tKey strategy/\tDepartment/\tUpdate",
        "\tMeasure\tPlan\tDivision\t",
        "1. Do a thing\tmeasure\tplan\tCS\tdone",
        "",
        "Equality Strategy Action Plan – Appendix 1",
        HEADER_2017,
        "\t_\t\t\t",
        "This page is intentionally left blank",
    ])
    table = read_table(write(tmp_path, text))
    assert table.title.startswith("Appendix 1 – Equality and Community Cohesion Strategy")
    assert [r.line for r in table.rows] == [4]


@pytest.mark.parametrize("content, problem, line", [
    (b"", "file is empty", None),
    (b"   \n\n", "file is empty", None),
    (HEADER_2013.encode() + b"\n1.1.1 a\x00b\tc\td\te\tf\n", "binary data", 2),
    (HEADER_2013.encode() + b"\n1.1.1 caf\xe9\tc\td\te\tf\n", "not UTF-8", 2),
    (b"Dear resident,\nthe bins will be collected on Tuesday.\n", "not an action plan", 1),
    (HEADER_2013.encode() + b"\n1.1.1 Deliver support\tTrain staff\n", "truncated or malformed row", 2),
])
def test_bad_input_names_file_line_and_problem(tmp_path, content, problem, line):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_table(path)
    error = caught.value
    assert problem in error.problem
    assert error.line == line
    assert str(error).startswith(str(path))
    assert "\n" not in str(error)
