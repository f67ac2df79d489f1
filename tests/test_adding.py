"""`eqgraph add`: a new document joins the graph, is kept under the home, and says where it went."""

from __future__ import annotations

import yaml

from eqgraph import resources
from eqgraph.adding import all_documents
from eqgraph.cli import main

NEXT = resources.root() / "tests" / "data" / "next-documents"
HEADER = "Key activity\tPerformance Measure\tKey strategy/ Plan\tDepartment/ Division\tUpdate\n"
ROWS = ("Equality Objective 1: Fair access to services\t\t\t\t\n"
        "1. Review access to services for disabled residents\tReview done\tAccess Plan\tCS\tThe review was completed.\n")


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_yearly_update_is_placed_after_the_one_before_and_kept_for_later_builds(capsys, tmp_path):
    home = tmp_path / "home"
    code, out, err = run(capsys, "add", str(NEXT / "ecc-strategy-2017-21-year-2.txt"), "--out", str(home), "-q")
    assert code == 0, err
    assert "placed ecc-strategy-2017-21-year-2 (2018/19, update 2 of Equality and Community Cohesion Strategy" in out
    assert "after merton-2017-18" in out and "45 of its commitments reported on again" in out
    (entry,) = yaml.safe_load((home / "plans.yaml").read_text(encoding="utf-8"))["plans"]
    assert entry["period"] == "2018/19" and entry["strategy"] == "Equality and Community Cohesion Strategy 2017-21"
    assert (home / entry["file"]).read_bytes() == (NEXT / "ecc-strategy-2017-21-year-2.txt").read_bytes()
    assert len(all_documents(home)) == 3
    # A later plain build (what `make run` does) keeps the added plan.
    assert run(capsys, "build", "--out", str(home), "-q")[0] == 0
    code, out, _ = run(capsys, "plans", "--out", str(home))
    assert "ecc-strategy-2017-21-year-2 (2018/19)" in out
    # The next one, named by what it follows rather than by its title.
    year3 = tmp_path / "update.txt"
    year3.write_text((NEXT / "ecc-strategy-2017-21-year-3.txt").read_text(encoding="utf-8")
                     .replace("Year 3 update", "progress report"), encoding="utf-8")
    code, out, err = run(capsys, "add", str(year3), "--updates", "ecc-strategy-2017-21-year-2", "--out", str(home), "-q")
    assert code == 0, err
    assert "placed update (2019/20, update 3" in out and "after ecc-strategy-2017-21-year-2" in out
    assert "1 new, 1 dropped" in out


def test_a_document_whose_period_cannot_be_established_is_refused_naming_the_flag(capsys, tmp_path):
    home = tmp_path / "home"
    undated = tmp_path / "fair-access.txt"
    undated.write_text("Fair Access Action Plan\n" + HEADER + ROWS, encoding="utf-8")
    code, _, err = run(capsys, "add", str(undated), "--out", str(home))
    assert code == 2 and "cannot tell which year this plan reports on" in err and "--period" in err
    assert not (home / "plans.yaml").exists() and not (home / "documents").exists()
    code, out, err = run(capsys, "add", str(undated), "--period", "2019/20", "--out", str(home), "-q")
    assert code == 0, err
    assert "placed fair-access (2019/20" in out and "after merton-2017-18" in out
    assert "the first update of its strategy in the graph: 1 commitment(s)" in out


def test_a_failed_build_keeps_nothing_of_the_added_document(capsys, tmp_path):
    home = tmp_path / "home"
    cut = tmp_path / "cut.txt"
    text = (NEXT / "ecc-strategy-2017-21-year-2.txt").read_text(encoding="utf-8")
    cut.write_text(text[: text.index("Hold monthly Prevent Case Management")], encoding="utf-8")  # mid-row
    code, _, err = run(capsys, "add", str(cut), "--out", str(home))
    assert code == 2 and "cut.txt" in err and "truncated" in err
    assert not (home / "plans.yaml").exists() and not (home / "documents" / "cut.txt").exists()


def test_a_build_refused_after_recording_puts_the_home_back(capsys, tmp_path):
    home = tmp_path / "home"
    lines = (NEXT / "ecc-strategy-2017-21-year-2.txt").read_text(encoding="utf-8").split("\n")
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("\n".join(line for line in lines if not line.startswith("5.\tIncrease course take up")),
                       encoding="utf-8")
    code, _, err = run(capsys, "add", str(damaged), "--out", str(home), "--strict")
    assert code == 2 and "damaged.txt" in err and "1.5" in err  # found by the build, after recording
    assert not (home / "plans.yaml").exists() and not (home / "documents").exists()


def test_a_corrected_edition_replaces_its_plan_under_the_same_id(capsys, tmp_path):
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(resources.builtin_documents()[1].read_text(encoding="utf-8")
                         .replace("Monthly Prevent Case Management", "Monthly Prevent case management"), encoding="utf-8")
    home = tmp_path / "home"
    code, out, err = run(capsys, "add", str(corrected), "--replaces", "merton-2017-18", "--out", str(home), "-q")
    assert code == 0, err
    assert "placed merton-2017-18 (2017/18" in out
    code, out, _ = run(capsys, "plans", "--out", str(home))
    assert out.count("merton-2017-18 (2017/18)") == 1 and "from corrected.txt" in out


def test_a_document_already_in_the_graph_or_a_folder_is_refused(capsys, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(resources.builtin_documents()[1].read_bytes())
    code, _, err = run(capsys, "add", str(copy), "--out", str(tmp_path / "home"))
    assert code == 2 and "already in the graph, as plan 'merton-2017-18'" in err
    code, _, err = run(capsys, "add", str(tmp_path), "--out", str(tmp_path / "home"))
    assert code == 2 and "a folder, not a document" in err
    assert not (tmp_path / "home" / "plans.yaml").exists()


def test_another_councils_plan_is_placed_in_its_own_councils_sequence(capsys, tmp_path):
    home = tmp_path / "home"
    code, out, err = run(capsys, "add", str(NEXT / "kingsmoor-2017-18.txt"), "--out", str(home), "-q")
    assert code == 0, err
    assert "placed kingsmoor-2017-18 (2017/18, update 2 of Fairness and Inclusion Strategy" in out
    assert "first" in out and "merton" not in out.split("\n")[0]
