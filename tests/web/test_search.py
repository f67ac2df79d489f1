"""/search on the built-in graph: everything searchable, forgiving, grouped, highlighted, escaped; its JSON
twin; and the saved query `search`, whose contract is unchanged."""

import pytest

from eqgraph.catalogue import Catalogue
from eqgraph.store import open_current
from eqgraph.web.search import search_index


def get(client, text, **params):
    response = client.get("/search.json", query_string={"q": text, **params})
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()["result"]


def group(data, kind):
    return next((g for g in data["groups"] if g["key"] == kind), None)


def plain(parts):
    return "".join(p["text"] for p in parts)


def action_refs(data):
    return {(g["plan"], r["ref"]) for g in data["plans"] for r in g["results"]}


def all_action_refs(client, text):
    """Every action found, each plan's in full (the whole-site page shows the best few of each)."""
    found = set()
    for plan in ("merton-2013-14", "merton-2017-18"):
        found |= action_refs(get(client, text, kind="action", plan=plan))
    return found


@pytest.fixture(scope="module")
def catalogue(built):
    return Catalogue(open_current(built[0].home))


def saved_refs(catalogue, name, **params):
    return {(r["plan"].value, r["ref"].value) for r in catalogue.run(name, params).rows}


def test_ethnic_minority_finds_the_community_and_the_actions_aimed_at_it(client, catalogue):
    data = get(client, "ethnic minority")
    assert [plain(r["label"]) for r in group(data, "community")["results"]][0] == "Ethnic minorities"
    # Every action the saved query lists for BAME (the same community) is found, though few say "ethnic".
    wanted = saved_refs(catalogue, "actions-for-community", community="BAME")
    assert wanted and wanted <= all_action_refs(client, "ethnic minority")
    assert {("merton-2013-14", "3.4.1"), ("merton-2017-18", "2.3")} <= all_action_refs(client, "ethnic minority")


def test_a_typo_finds_the_disability_actions(client, catalogue):
    data = get(client, "disabilty")
    assert data["terms"] == [{"typed": "disabilty", "alike": ["disability"]}]
    assert "Disability" in [plain(r["label"]) for r in group(data, "characteristic")["results"]]
    wanted = saved_refs(catalogue, "actions-for-community", community="disabled people")
    assert wanted and wanted <= all_action_refs(client, "disabilty")
    assert ("merton-2017-18", "2.6") in all_action_refs(client, "disabilty")  # step-free access


def test_other_names_find_things(client):
    mvsc = group(get(client, "Merton Voluntary"), "partner")["results"]
    assert mvsc[0]["href"] == "/id/partner/mvsc" and plain(mvsc[0]["label"]) == "Merton Voluntary Services Council"
    bame = group(get(client, "BAME"), "community")["results"][0]
    assert plain(bame["label"]) == "Ethnic minorities" and plain(bame["also"]) == "BAME"
    department = group(get(client, "C&H"), "department")["results"][0]
    assert plain(department["label"]) == "Community and Housing"


def test_results_are_grouped_things_first_then_actions_by_plan_with_counts(client):
    data = get(client, "BAME")
    kinds = [g["key"] for g in data["groups"]]
    assert kinds[0] == "community" and kinds.index("community") < kinds.index("partner")
    assert sorted(g["plan"] for g in data["plans"]) == ["merton-2013-14", "merton-2017-18"]
    assert data["total"] == sum(g["count"] for g in data["groups"]) + sum(g["count"] for g in data["plans"])
    for g in data["plans"]:
        assert all(r["href"].startswith(f"/id/plan/{g['plan']}/action/") for r in g["results"])


def test_matched_words_are_marked_on_the_page(client):
    html = client.get("/search?q=network+rail").get_data(as_text=True)
    assert "<mark>Network Rail</mark>" in html
    assert 'href="/id/partner/network-rail"' in html
    assert "In the progress update:" in html  # where 1.2.17 names it
    assert html.count('action="/search"') == 2  # the site's search box and the page's, never the JSON twin


def test_hostile_text_is_escaped(client):
    html = client.get("/search?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    html = client.get('/search?q="><img src=x onerror=alert(1)> disabled').get_data(as_text=True)
    assert "<img src=x" not in html


def test_nothing_found_says_so_and_suggests_a_spelling(client):
    data = get(client, "disabiltyy")  # two typos: searched as typed, then suggested
    assert data["total"] == 0 and "disabiltyy" in data["empty"]
    assert data["suggestion"]["q"] == "disability"
    html = client.get("/search?q=disabiltyy").get_data(as_text=True)
    assert "Did you mean" in html and 'href="/search?q=disability"' in html


def test_one_group_in_full_and_an_unknown_group_is_the_whole_page(client):
    full = get(client, "disabled", kind="action", plan="merton-2017-18")
    assert [g["plan"] for g in full["plans"]] == ["merton-2017-18"] and full["groups"] == []
    assert get(client, "disabled", kind="nonsense")["groups"] == get(client, "disabled")["groups"]


def test_the_json_twin_has_the_page_data(client):
    by_ext = client.get("/search.json?q=BAME").get_json()
    by_accept = client.get("/search?q=BAME", headers={"Accept": "application/json"}).get_json()
    for data in (by_ext, by_accept):
        data.pop("ms", None)
        data["result"].pop("ms", None)
    assert by_ext == by_accept and by_ext["ok"] is True and by_ext["q"] == "BAME"
    assert client.get("/search").status_code == 200


def test_the_index_is_built_once_per_release(app):
    with app.test_request_context("/search"):
        first = search_index()
    with app.test_request_context("/search"):
        assert search_index() is first


@pytest.mark.parametrize("text, rows", [
    ("step free", [("merton-2017-18", "2.6", "action")]),
    ("network rail", [("merton-2013-14", "1.2.17", "progress update"),
                      ("merton-2017-18", "2.6", "performance measure")]),
    ("BAME", [("merton-2013-14", "2.5.2", "action"), ("merton-2013-14", "3.4.1", "action"),
              ("merton-2017-18", "1.2", "progress update"), ("merton-2017-18", "1.3", "progress update"),
              ("merton-2017-18", "2.3", "action"), ("merton-2017-18", "2.9", "action")]),
    ("Merton Voluntary", [("merton-2013-14", "1.4.1", "action"), ("merton-2013-14", "4.6.1", "progress update")]),
    ("disabilty", []),
])
def test_the_saved_query_search_keeps_its_contract(catalogue, text, rows):
    result = catalogue.run("search", {"text": text})
    assert result.variables[:5] == ["action", "plan", "ref", "title", "field"]
    assert [(r["plan"].value, r["ref"].value, r["field"].value) for r in result.rows] == rows
