"""Adding a document costs what the document costs, and gives what a build from nothing gives.

Each build here is compared with a build of the same documents into a new home with the cache off
(`use_cache=False`): the same named graphs (by digest), byte-identical dumps, the same report.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from eqgraph import buildcache, resources
from eqgraph.buildcache import BuildCache
from eqgraph.config import Settings
from eqgraph.pipeline import build
from eqgraph.store import open_current

NEXT = resources.root() / "tests" / "data" / "next-documents"
BUILTIN = resources.builtin_documents()
YEAR2 = NEXT / "ecc-strategy-2017-21-year-2.txt"
KINGSMOOR = NEXT / "kingsmoor-2017-18.txt"


def _settings(home: Path) -> Settings:
    return Settings.from_env(home=home)


def _summary(home: Path) -> dict:
    """What a release publishes: its graphs' digests, its dumps' bytes and its findings."""
    release = (home / "current").resolve()
    info = json.loads((release / "build.json").read_text(encoding="utf-8"))
    dumps = {d["file"]: (release / "dumps" / d["file"]).read_bytes() for d in info["dumps"]}
    views = {p.name: p.read_bytes() for p in sorted((release / "graphs").iterdir())}
    return {"graphs": info["graphs"], "dumps": dumps, "triples": info["triples"], "views": views,
            "report": (release / "report.json").read_text(encoding="utf-8")}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """Builds from nothing, by document list, for comparison."""
    made: dict[tuple, dict] = {}

    def of(paths: list[Path]) -> dict:
        key = tuple(map(str, paths))
        if key not in made:
            home = tmp_path_factory.mktemp("fresh")
            build(paths, _settings(home), use_cache=False)
            made[key] = _summary(home)
        return made[key]

    return of


def test_adding_a_plan_reuses_the_others_and_gives_what_a_fresh_build_gives(tmp_path, fresh):
    progress: list[str] = []
    build(BUILTIN, _settings(tmp_path))
    result = build([*BUILTIN, YEAR2], _settings(tmp_path), progress.append)
    assert result.compiled.reused == 2  # the built-in plans: only the new document was read
    assert any("the previous release's store copied" in line for line in progress), progress
    assert _summary(tmp_path) == fresh([*BUILTIN, YEAR2])
    # the store holds exactly the graph: the saved query sees the Year 2 update
    store = open_current(tmp_path)
    assert store.query("ASK { ?plan <https://w3id.org/eqgraph/ontology#updateOf> ?earlier }") is True


def test_a_plan_added_to_many_is_made_beside_the_reading_of_the_others_with_the_same_result(tmp_path, fresh,
                                                                                           monkeypatch):
    """With more than four plans and one new, the new one is made in a forked process while the
    kept ones are read, and the store's changed parts are revised line by line: as from nothing."""
    from eqgraph import pipeline

    begun: list[str] = []

    class Recorded(pipeline.Background):
        def __init__(self, function, *args, **kwargs):
            begun.append(function.__name__)
            super().__init__(function, *args, **kwargs)

    many = [*BUILTIN, YEAR2, KINGSMOOR, NEXT / "northfield-2019-20.txt"]
    build(many, _settings(tmp_path))
    monkeypatch.setattr(pipeline, "Background", Recorded)
    result = build([*many, NEXT / "ecc-strategy-2017-21-year-3.txt"], _settings(tmp_path))
    assert result.compiled.reused == 5
    assert "_make_units" in begun
    assert _summary(tmp_path) == fresh([*many, NEXT / "ecc-strategy-2017-21-year-3.txt"])


def test_removing_and_replacing_plans_also_match_a_fresh_build(tmp_path, fresh):
    build([*BUILTIN, YEAR2, KINGSMOOR], _settings(tmp_path))
    result = build([*BUILTIN, KINGSMOOR], _settings(tmp_path))
    assert result.compiled.reused == 3
    assert _summary(tmp_path) == fresh([*BUILTIN, KINGSMOOR])
    again = build(BUILTIN, _settings(tmp_path))
    assert again.compiled.reused == 2
    assert _summary(tmp_path) == fresh(BUILTIN)


def test_a_rebuild_of_the_same_documents_reuses_everything_and_changes_nothing(tmp_path, fresh):
    build(BUILTIN, _settings(tmp_path))
    first = _summary(tmp_path)
    result = build(BUILTIN, _settings(tmp_path))
    assert result.compiled.reused == 2
    assert _summary(tmp_path) == first == fresh(BUILTIN)


def test_a_changed_document_is_read_again(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    copy = folder / YEAR2.name
    copy.write_bytes(YEAR2.read_bytes())
    home = tmp_path / "home"
    build([*BUILTIN, copy], _settings(home))
    text = copy.read_text(encoding="utf-8").replace("on track", "On track.", 1)
    copy.write_text(text, encoding="utf-8")
    result = build([*BUILTIN, copy], _settings(home))
    assert result.compiled.reused == 2


def test_other_code_or_data_reuses_nothing(tmp_path, monkeypatch):
    build(BUILTIN, _settings(tmp_path))
    monkeypatch.setattr(buildcache, "code_fingerprint", lambda: "another version of eqgraph")
    result = build(BUILTIN, _settings(tmp_path))
    assert result.compiled.reused == 0


def test_a_damaged_cache_entry_is_made_again(tmp_path, fresh):
    build(BUILTIN, _settings(tmp_path))
    entries = [p for p in (tmp_path / "cache" / "build").rglob("plan-*") if p.is_file()]
    assert len(entries) == 2
    entries[0].write_bytes(b"not a pickle")
    result = build(BUILTIN, _settings(tmp_path))
    assert result.compiled.reused == 1
    assert _summary(tmp_path) == fresh(BUILTIN)


def test_the_cache_keeps_one_builds_worth(tmp_path):
    build([*BUILTIN, YEAR2], _settings(tmp_path))
    build(BUILTIN, _settings(tmp_path))
    plans = [p for p in (tmp_path / "cache" / "build").rglob("plan-*") if p.is_file()]
    assert len(plans) == 2  # the Year 2 update's unit went with the build that no longer has it


def test_a_store_copy_that_does_not_match_is_not_used(tmp_path, fresh):
    """A release whose recorded digests do not describe its store (edited by hand, say) is not
    started from: the copy's triple count gives it away, and the build loads everything."""
    build(BUILTIN, _settings(tmp_path))
    info_path = (tmp_path / "current").resolve() / "build.json"
    info = json.loads(info_path.read_text(encoding="utf-8"))
    plan = next(name for name in info["graphs"] if name.startswith("plan/"))
    info["graphs"][plan] = "0" * 64  # claims another content: the graph is replaced, so still right
    info["graphs"]["plan/not-in-the-store"] = "1" * 64  # a graph it never held
    info_path.write_text(json.dumps(info), encoding="utf-8")
    build([*BUILTIN, YEAR2], _settings(tmp_path))
    assert _summary(tmp_path) == fresh([*BUILTIN, YEAR2])


def test_dumps_are_gzip_members_that_read_as_one_document(tmp_path):
    build(BUILTIN, _settings(tmp_path))
    release = (tmp_path / "current").resolve()
    nquads = gzip.decompress((release / "dumps" / "eqgraph.nq.gz").read_bytes()).decode("utf-8")
    jsonld = json.loads(gzip.decompress((release / "dumps" / "eqgraph.jsonld.gz").read_bytes()))
    info = json.loads((release / "build.json").read_text(encoding="utf-8"))
    assert len(nquads.splitlines()) == info["triples"]
    assert "@context" in jsonld and len(jsonld["@graph"]) == len(info["graphs"]) + 1  # and the description


def test_no_cache_keeps_nothing(tmp_path):
    build(BUILTIN, _settings(tmp_path), use_cache=False)
    assert not (tmp_path / "cache").exists()


def test_pruning_leaves_other_caches_alone(tmp_path):
    other = tmp_path / "cache" / "suggest" / "ab"
    other.mkdir(parents=True)
    (other / "answer.json").write_text("{}", encoding="utf-8")
    build(BUILTIN, _settings(tmp_path))
    build(BUILTIN, _settings(tmp_path))
    assert (other / "answer.json").exists()


def test_keys_differ_by_every_part():
    cache = BuildCache(None, "https://example.org/")
    assert cache.key("plan", "ab", "c") != cache.key("plan", "a", "bc")
    assert cache.key("plan", "a") != BuildCache(None, "https://example.org/other/").key("plan", "a")
    assert cache.get(cache.key("plan", "a")) is None  # no folder: nothing kept, nothing found


def test_views_made_from_the_plans_rows_are_the_views_of_the_whole_graph(tmp_path):
    """Each plan's unit keeps the graph views' rows of its own actions; the views made from them are
    byte for byte those the same queries give over the whole store (other councils' plans included)."""
    import tempfile

    from eqgraph.catalogue import Catalogue
    from eqgraph.graphs import write_views
    from eqgraph.store.oxigraph import OxigraphStore

    build([*BUILTIN, YEAR2, KINGSMOOR, NEXT / "northfield-2019-20.txt"], _settings(tmp_path))
    release = (tmp_path / "current").resolve()
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "graphs"
    write_views(Catalogue(OxigraphStore.open(release / "store")), folder)
    made = sorted(p.name for p in (release / "graphs").iterdir())
    assert made and made == sorted(p.name for p in folder.iterdir())
    for name in made:
        assert (release / "graphs" / name).read_bytes() == (folder / name).read_bytes(), name


def test_a_damaged_dump_member_is_made_again(tmp_path, fresh):
    build(BUILTIN, _settings(tmp_path))
    members = sorted(p for p in (tmp_path / "cache" / "build").rglob("dump-*") if p.is_file())
    assert members
    for member in members[:3]:
        member.write_bytes(member.read_bytes()[:40])  # cut short, as a crash mid-write would leave it
    build(BUILTIN, _settings(tmp_path))
    assert _summary(tmp_path) == fresh(BUILTIN)


def test_an_entry_that_unpickles_to_anything_is_never_trusted(tmp_path, fresh):
    build(BUILTIN, _settings(tmp_path))
    entry = next(p for p in (tmp_path / "cache" / "build").rglob("plan-*") if p.is_file())
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte flipped: the entry's checksum no longer matches
    entry.write_bytes(bytes(data))
    result = build(BUILTIN, _settings(tmp_path))
    assert result.compiled.reused == 1
    assert _summary(tmp_path) == fresh(BUILTIN)


def test_two_plans_printing_one_minted_unit_two_ways_give_the_views_of_the_store(tmp_path):
    """Each plan's rows name what it minted as it printed it; the views use the graph's one label."""
    import tempfile

    from eqgraph.catalogue import Catalogue
    from eqgraph.graphs import write_views
    from eqgraph.store.oxigraph import OxigraphStore

    text = KINGSMOOR.read_text(encoding="utf-8")
    assert "Culture and Libraries" in text
    other = tmp_path / "docs" / "kingsmoor-2018-19.txt"
    other.parent.mkdir()
    other.write_text(text.replace("Culture and Libraries", "Culture and libraries")
                     .replace("2016-20 Action Plan – Year 2 update", "2016-20 Action Plan – Year 3 update"),
                     encoding="utf-8")
    home = tmp_path / "home"
    build([KINGSMOOR, other], _settings(home))
    release = (home / "current").resolve()
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "graphs"
    write_views(Catalogue(OxigraphStore.open(release / "store")), folder)
    for name in sorted(p.name for p in (release / "graphs").iterdir()):
        assert (release / "graphs" / name).read_bytes() == (folder / name).read_bytes(), name


def test_damage_found_again_names_the_document_as_given_now(tmp_path):
    text = KINGSMOOR.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = "".join(line for line in text if not line.startswith("1.1.2"))
    assert cut != "".join(text)
    first, second = tmp_path / "a" / KINGSMOOR.name, tmp_path / "b" / KINGSMOOR.name
    for path in (first, second):
        path.parent.mkdir()
        path.write_text(cut, encoding="utf-8")
    home = tmp_path / "home"
    build([first], _settings(home))
    damage = []
    result = build([second], _settings(home), warn=damage.append)
    assert result.compiled.reused == 1 and damage
    assert all(found.document == str(second) for found in damage)


def test_a_saved_query_edited_between_builds_is_published_edited(tmp_path, monkeypatch):
    """The saved queries' graph is kept by the files under queries/: an edit is seen at once."""
    import shutil

    queries = tmp_path / "queries"
    shutil.copytree(resources.queries_dir(), queries)
    monkeypatch.setattr(resources, "queries_dir", lambda: queries)
    home = tmp_path / "home"
    build(BUILTIN, _settings(home))
    first = sorted(queries.glob("*.rq"))[0]
    text = first.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("#+ title:"))
    first.write_text(text.replace(title, "#+ title: An edited title", 1), encoding="utf-8")
    build(BUILTIN, _settings(home))
    store = open_current(home)
    assert store.query('ASK { ?query ?p ?title FILTER(STR(?title) = "An edited title") }') is True
