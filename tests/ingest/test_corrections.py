import pytest

from eqgraph.errors import InputError
from eqgraph.ingest import Corrections, ingest_document


def test_text_printed_in_the_next_row_moves_back(plan2013):
    assert plan2013.action("3.1.3").update[-1].endswith("driving experience, and work experience,")
    assert plan2013.action("3.1.4").update[0].startswith("To arrange text message")
    assert plan2013.action("3.1.3").notes


def test_a_merged_cell_is_given_to_every_row_it_spans(plan2017):
    first, second = plan2017.action("1.2"), plan2017.action("1.3")
    assert first.update == second.update
    assert any("achieved their silver award. benefited from training" in item for item in first.update)


def test_shifted_cells_are_put_back(plan2017):
    action = plan2017.action("1.10")
    assert action.measures == ("% of council tax collection",)
    assert action.strategy_text == ""
    assert action.key_activity[0] == "Financial Inclusion/Welfare Reform"
    assert action.key_activity[1].startswith("Continue with existing council tax support scheme")


def test_a_stale_correction_stops_the_build(tmp_path):
    from eqgraph import resources

    corrections = Corrections([{
        "kind": "move-text", "plan": "merton-2013-14", "field": "update", "from": "3.1.4", "to": "3.1.3",
        "text": "no such words", "source": "test",
    }], tmp_path / "corrections.yaml")
    with pytest.raises(InputError, match="does not start with"):
        ingest_document(resources.builtin_documents()[0], corrections)


def test_a_malformed_corrections_file_is_refused(tmp_path):
    path = tmp_path / "corrections.yaml"
    path.write_text("corrections:\n  - kind: rename-everything\n    plan: x\n    source: y\n")
    with pytest.raises(InputError, match="unknown kind"):
        Corrections.load(path)
    path.write_text("corrections: [\n")
    with pytest.raises(InputError, match="invalid YAML"):
        Corrections.load(path)


def test_a_correction_keyed_by_its_garble_applies_to_any_document_that_shows_it(tmp_path, plan2017):
    """A copy under another name (another plan id) gets the same repairs; a document without the garble
    is left alone (nothing to repair, and no error: the entry is not about that document)."""
    from eqgraph import resources

    copy = tmp_path / "someone-elses-copy.txt"
    copy.write_bytes(resources.builtin_documents()[1].read_bytes())
    corrections = Corrections.load(resources.corrections_file())
    plan = ingest_document(copy, corrections)
    assert plan.id == "someone-elses-copy"
    assert plan.action("1.10").key_activity == plan2017.action("1.10").key_activity
    assert plan.action("1.3").update == plan2017.action("1.3").update
    assert [o.title for o in plan.objectives] == [o.title for o in plan2017.objectives]
    fixed = tmp_path / "already-fixed.txt"
    fixed.write_text(copy.read_text(encoding="utf-8").replace(
        "Continue with existing council tax support scheme", "Keep the council tax support scheme"), encoding="utf-8")
    untouched = ingest_document(fixed, corrections)
    assert untouched.action("1.10").strategy_text  # not shifted back: its cells were not found garbled


@pytest.mark.parametrize("entry, problem", [
    ({"kind": "move-cells", "strategy": "Some Strategy 2017-21", "action": "1.1",
      "moves": [{"from": "measures", "to": "key_activity"}]}, "'strategy' selects lost objective headers only"),
    ({"kind": "objective-title", "objective": 1}, "say which documents it applies to"),
    ({"kind": "objective-title", "objective": 1, "plan": "a", "garbled": "b"}, "say which documents it applies to"),
    ({"kind": "move-text", "plan": "a", "field": "update", "from": "1.1", "text": "x"}, "needs 'to'"),
    ({"kind": "merged-cell", "plan": "a", "field": "update", "actions": ["1.1"]}, "two or more rows"),
    ({"kind": "move-cells", "plan": "a", "moves": []}, "needs 'action'"),
    ({"kind": "objective-title", "plan": "a"}, "needs 'objective'"),
])
def test_a_correction_must_say_which_documents_it_fixes(tmp_path, entry, problem):
    with pytest.raises(InputError, match=problem):
        Corrections([{**entry, "source": "test"}], tmp_path / "corrections.yaml")
