"""The search index (eqgraph.search_index) and what a search shows (eqgraph.search_results), on a small
graph given as the rows the internal queries return."""

import re

import pytest

from eqgraph import resources
from eqgraph.search_index import SearchIndex, SearchSettings, distance, key, stem
from eqgraph.search_results import page, segments

EQG = "https://w3id.org/eqgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
B = "https://example.org/id/"


@pytest.fixture(scope="module")
def settings():
    return SearchSettings.load()


@pytest.fixture(scope="module")
def index(settings):
    names = [
        (B + "community/ethnic-minorities", EQG + "Community", SKOS + "prefLabel", "Ethnic minorities"),
        (B + "community/ethnic-minorities", EQG + "Community", EQG + "abbreviation", "BAME"),
        (B + "community/black-pupils", EQG + "Community", SKOS + "prefLabel", "Black pupils"),
        (B + "community/disabled-people", EQG + "Community", SKOS + "prefLabel", "Disabled people"),
        (B + "characteristic/disability", EQG + "ProtectedCharacteristic", SKOS + "prefLabel", "Disability"),
        (B + "characteristic/disability", EQG + "EqualityDimension", SKOS + "prefLabel", "Disability"),
        (B + "partner/mvsc", EQG + "Partner", SKOS + "prefLabel", "Merton Voluntary Services Council"),
        (B + "partner/mvsc", EQG + "Partner", EQG + "abbreviation", "MVSC"),
        (B + "partner/mvsc", EQG + "Partner", SKOS + "hiddenLabel", "Merton Voluntary Service Council"),
        (B + "org/housing", EQG + "Division", SKOS + "prefLabel", "Housing Needs"),
        (B + "org/c-and-h", EQG + "Department", SKOS + "prefLabel", "Community and Housing"),
        (B + "org/c-and-h", EQG + "Department", EQG + "abbreviation", "C&H"),
        (B + "plan/p1", EQG + "ActionPlan", DCT + "title", "Equality Plan 2017"),
        (B + "plan/p1", EQG + "ActionPlan", DCT + "identifier", "p1"),
        (B + "query/x", EQG + "NotAKind", SKOS + "prefLabel", "Ethnic minorities query"),  # not searched
    ]
    actions = [(B + "plan/p1/action/1.1", B + "plan/p1", "1.1", "001.001", "on track"),
               (B + "plan/p1/action/1.2", B + "plan/p1", "1.2", "001.002", "completed"),
               (B + "plan/p1/action/1.10", B + "plan/p1", "1.10", "001.010", None)]
    texts = [(B + "plan/p1/action/1.1", "title", "Support pupils in schools", None),
             (B + "plan/p1/action/1.1", "update", "Workshops held with <b>parents</b> of black pupils.", None),
             (B + "plan/p1/action/1.2", "title", "Step free access at stations", None),
             (B + "plan/p1/action/1.2", "measure", "Stations made step free", "1"),
             (B + "plan/p1/action/1.10", "title", "Work with the voluntary sector in Merton", None),
             (B + "plan/p1/action/1.10", "keyActivity", "Fund housing advice for disabled residents", None)]
    links = [(B + "plan/p1/action/1.1", EQG + "targetsCommunity", B + "community/black-pupils"),
             (B + "plan/p1/action/1.2", EQG + "targetsCommunity", B + "community/disabled-people"),
             (B + "plan/p1/action/1.10", EQG + "worksWith", B + "partner/mvsc"),
             (B + "plan/p1/action/1.10", EQG + "deliveredBy", B + "org/housing")]
    broader = [(B + "community/black-pupils", B + "community/ethnic-minorities"),
               (B + "community/disabled-people", B + "characteristic/disability"),
               (B + "org/housing", B + "org/c-and-h")]
    descriptions = [(B + "partner/mvsc", "The umbrella body of Merton's voluntary sector.")]
    return SearchIndex.build(settings, names=names, descriptions=descriptions, actions=actions, texts=texts,
                             links=links, broader=broader)


def shown(index, text, **kw):
    return page(index.search(text, **kw), lambda iri: iri.replace(B, "/id/"), lambda **p: f"?{sorted(p.items())}")


def plain(parts):
    return "".join(f"[{p['text']}]" if p["mark"] else p["text"] for p in parts)


def labels(result, kind):
    return [plain(r["label"]) for g in result["groups"] if g["key"] == kind for r in g["results"]]


def refs(result):
    return [r["ref"] for g in result["plans"] for r in g["results"]]


def test_words_fold_case_accents_and_plurals():
    assert [stem(w) for w in ("communities", "minorities", "churches", "services", "bus", "status")] == \
        ["community", "minority", "church", "service", "bus", "status"]
    assert key("Merton’s") == key("merton's") == "merton"
    assert key("Café") == "cafe" and key("C&H") == "c&h" and key("1.2.17") == "1.2.17"
    assert distance("disabilty", "disability", 1) == 1 and distance("rial", "rail", 1) == 1
    assert distance("disabled", "disability", 1) == 2


def test_the_index_holds_the_kinds_of_the_settings_only(index):
    kinds = {d.kind for d in index.docs}
    assert kinds == {"community", "characteristic", "partner", "department", "plan", "action"}
    assert index.doc(B + "characteristic/disability").kind == "characteristic"  # the first kind listed
    assert index.doc(B + "query/x") is None
    assert index.doc(B + "plan/p1/action/1.1").label == "Support pupils in schools"
    assert index.identifier(B + "plan/p1") == "p1"


def test_an_alias_finds_its_thing_and_the_name_is_marked(index):
    result = shown(index, "Merton Voluntary")
    assert labels(result, "partner") == ["[Merton Voluntary] Services Council"]
    bame = shown(index, "bame")
    assert labels(bame, "community") == ["Ethnic minorities"]
    assert plain(bame["groups"][0]["results"][0]["also"]) == "[BAME]"
    department = shown(index, "C&H")["groups"][0]
    assert department["key"] == "department" and [plain(r["also"]) for r in department["results"]] == ["[C&H]"]


def test_plurals_and_one_typo(index):
    assert labels(shown(index, "ethnic minority"), "community") == ["[Ethnic minorities]"]
    typo = shown(index, "disabilty")
    assert labels(typo, "characteristic") == ["[Disability]"]
    assert typo["terms"] == [{"typed": "disabilty", "alike": ["disability"]}]
    assert shown(index, "station")["total"] == 1 and refs(shown(index, "stations")) == ["1.2"]


def test_an_action_linked_to_a_matching_thing_or_one_under_it_matches(index):
    # 1.1 never says "ethnic minorities": it is aimed at Black pupils, narrower than Ethnic minorities.
    result = shown(index, "ethnic minorities")
    assert refs(result) == ["1.1"]
    link = result["plans"][0]["results"][0]["links"][0]
    assert link["relation"] == "for" and plain(link["label"]) == "Black pupils" and link["under"] == "Ethnic minorities"
    # 1.2 by its community (under the characteristic spelt alike), 1.10 by its words ("disabled")
    assert refs(shown(index, "disabilty")) == ["1.2", "1.10"]
    assert refs(shown(index, "C&H")) == ["1.10"]  # delivered by a division of the department


def test_every_word_must_match_in_one_text_or_one_name(index):
    assert refs(shown(index, "step free stations")) == ["1.2"]
    nothing = shown(index, "step free merton")
    assert nothing["total"] == 0 and nothing["words"] and not nothing["suggestion"]


def test_actions_are_grouped_by_plan_with_counts_and_the_matching_text(index):
    result = shown(index, "parents")
    assert [(g["heading"], g["count"]) for g in result["plans"]] == [("Equality Plan 2017", 1)]
    where = result["plans"][0]["results"][0]["where"]
    assert where["field"] == "progress update"
    assert plain(where["text"]) == "Workshops held with <b>[parents]</b> of black pupils."  # escaped by the page
    assert result["summary"] == [{"text": "1 action in 1 plan", "anchor": "plan-p1"}]


def test_nothing_found_says_why_and_suggests_a_spelling(index):
    assert refs(shown(index, "stattions accesss")) == ["1.2"]  # one typo in each word: found at once
    bad = shown(index, "pupilz xqzzyq")
    assert "xqzzyq" in bad["empty"] and bad["suggestion"] is None
    for typed in ("vooluntar", "volantery"):  # two typos: not found, but suggested
        two = shown(index, typed)
        assert two["total"] == 0 and two["suggestion"]["q"] == "voluntary", typed
        assert two["suggestion"]["href"] == "?[('kind', None), ('plan', None), ('q', 'voluntary')]"


def test_searches_are_bounded(index, settings):
    limits = settings.limits
    result = shown(index, "x " * 300)
    assert result["notes"]["cut"] is True
    many = shown(index, " ".join(f"word{i}" for i in range(20)))
    assert len(many["terms"]) == limits["terms"] and len(many["notes"]["ignored"]) == 20 - limits["terms"]
    assert shown(index, "the of and")["terms"]  # only stop words: they are searched
    assert [t["typed"] for t in shown(index, "the stations")["terms"]] == ["stations"]


def test_segments_mark_words_and_cut_long_texts_around_the_first_match():
    keys = {"rail"}
    assert plain(segments("Network Rail's plan", keys)) == "Network [Rail's] plan"
    long = "word " * 100 + "rail " + "word " * 100
    parts = segments(long, keys, limit=60)
    text = plain(parts)
    assert text.startswith("…") and text.endswith("…") and "[rail]" in text and len(text) < 80


def test_the_settings_name_the_classes_the_names_query_reads(settings):
    query = (resources.queries_dir() / "internal" / "search-names.rq").read_text(encoding="utf-8")
    listed = set(re.search(r"VALUES \?class \{([^}]*)\}", query).group(1).split())
    wanted = {c.replace(EQG, "eqg:") for kind in settings.kinds for c in kind.classes}
    assert listed == wanted
    links = (resources.queries_dir() / "internal" / "search-action-links.rq").read_text(encoding="utf-8")
    assert set(re.search(r"VALUES \?relation \{([^}]*)\}", links).group(1).split()) == \
        {r.replace(EQG, "eqg:") for r in settings.action_links}
    texts = (resources.queries_dir() / "internal" / "search-action-texts.rq").read_text(encoding="utf-8")
    assert set(re.findall(r'BIND\("(\w+)" AS \?field\)', texts)) == set(settings.action_fields)
