import pytest

from eqgraph.errors import StoreError
from eqgraph.store import Literal, current_release, open_current, publish_release, release_info


def test_a_release_is_queryable_and_described(built):
    settings, result = built
    store = open_current(settings.home)
    assert store.triple_count() == result.triples
    (row,) = store.query("SELECT (COUNT(?a) AS ?n) WHERE { ?a a <https://w3id.org/eqgraph/ontology#Action> }")
    assert int(row["n"].value) == 132
    info = release_info(settings.home)
    assert [p["actions"] for p in info["plans"]] == [87, 45]
    assert info["validation"]["violations"] == 0


def test_parameters_are_bound_as_terms_not_pasted_into_text(built):
    store = open_current(built[0].home)
    query = "SELECT ?a ?ref WHERE { ?a <https://w3id.org/eqgraph/ontology#ref> ?ref }"
    hit = list(store.query(query, {"ref": Literal("2.6")}))
    assert len(hit) == 1 and str(hit[0]["a"].value).endswith("/merton-2017-18/action/2.6")
    hostile = Literal('x" } ; DROP ALL ; #')
    assert list(store.query(query, {"ref": hostile})) == []
    assert store.triple_count() == built[1].triples


def test_no_graph_yet_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="run `eqgraph build` first"):
        open_current(tmp_path)


def test_a_failed_write_leaves_the_current_release_in_place(tmp_path):
    first = publish_release(tmp_path, lambda d: (d / "marker").write_text("one"))

    def explode(directory):
        (directory / "marker").write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        publish_release(tmp_path, explode)
    assert current_release(tmp_path) == first
    assert (first / "marker").read_text() == "one"
    assert not list((tmp_path / "releases").glob(".staging-*"))


def test_old_releases_are_pruned(tmp_path):
    made = [publish_release(tmp_path, lambda d: None) for _ in range(4)]
    remaining = sorted(p.name for p in (tmp_path / "releases").iterdir())
    assert made[-1].name in remaining and len(remaining) == 2
    assert current_release(tmp_path) == made[-1]
