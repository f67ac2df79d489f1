"""Pages of one thing (/id/...) start with the answer: an action's commitment whole, who delivers it, for
whom, its status and the sentence that decided it; an objective's actions in the order people number
them; a plan's objectives; a strategy's, partner's, community's or department's actions by plan. How it
was read and everything recorded are below, collapsed, and no page speaks in field names."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from eqgraph import resources
from eqgraph.config import Settings
from eqgraph.pipeline import build
from eqgraph.web import WebSettings, create_app

ACTION_2013 = "/id/plan/merton-2013-14/action/1.2.17"
ACTION_2017 = "/id/plan/merton-2017-18/action/2.6"
LONG_TITLE = "/id/plan/merton-2017-18/action/1.11"  # its dcterms:title is cut with "…"
OBJECTIVE = "/id/plan/merton-2017-18/objective/1"  # 13 actions, 1.1 ... 1.13; its title was reconstructed
PAGES = {  # one page of every kind
    "action": ACTION_2013,
    "objective": OBJECTIVE,
    "plan": "/id/plan/merton-2017-18",
    "strategy": "/id/strategy/health-and-wellbeing-strategy",
    "partner": "/id/partner/network-rail",
    "community": "/id/community/ethnic-minorities",
    "department": "/id/org/children-schools-and-families",
}
FIELD_NAMES = [
    re.compile(r"\b[a-z]+(?:[A-Z][a-z0-9]+)+\b"),  # camelCase: sortKey, hasMeasurableTarget, nextPlan
    re.compile(r"\b(?:eqg|org|skos|rdfs|rdf|dcterms|prov|owl|xsd|foaf|schema|void|dcat):[A-Za-z]"),  # eqg:nextPlan
    re.compile(r"\bsort key\b|\bsequence\b|has measurable target|\btitle fragment\b", re.IGNORECASE),
]


def main(page: str) -> str:
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def text(fragment: str) -> str:
    """What a reader sees of a piece of a page (tags dropped, entities read)."""
    inline = re.sub(r"</?(?:a|span|strong|q|em|code|abbr)\b[^>]*>", "", fragment)
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline)))


def answer_part(page: str) -> str:
    """The part of the page above everything collapsed."""
    return main(page).split("<details", 1)[0]


def get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("kind", PAGES)
def test_every_kind_of_page_says_no_field_name(client, kind):
    page = main(get(client, PAGES[kind]))
    page = re.sub(r'<pre class="lines">.*?</pre>', "", page, flags=re.S)  # the document's own text, as extracted
    seen = text(page)
    for pattern in FIELD_NAMES:
        assert not pattern.findall(seen), (kind, pattern.findall(seen)[:5])


@pytest.mark.parametrize("kind", PAGES)
def test_every_kind_of_page_starts_with_its_answer_and_collapses_the_rest(client, kind):
    page = get(client, PAGES[kind])
    above = answer_part(page)
    assert f'<article class="thing {kind}">' in above
    collapsed = main(page).split("<details", 1)[1]
    assert "All recorded facts" in collapsed and '<section class="properties">' in collapsed
    assert '<section class="properties">' not in above


def test_an_action_page_starts_with_the_commitment_its_status_and_the_sentence_that_decided_it(client):
    page = get(client, ACTION_2013)
    above = text(answer_part(page))
    assert above.index("increase the independence and mobility of disabled people") < above.index("in progress")
    assert "We are currently trying to raise the priority for disabled access to Raynes Park and Motspur park " \
           "stations with Network Rail." in above
    assert "Delivered by Environment and Regeneration" in above
    assert "With Corporate Public Transport Liaison Group, Network Rail" in above
    assert "For Disabled people" in above and "Concerns: Disability" in above
    assert 'class="status in-progress"' in answer_part(page)
    # how it was read comes after the answer, collapsed: checks, evidence, source lines
    collapsed = main(page).split('<details class="how-read">', 1)[1]
    assert "<q>network rail</q>" in collapsed and "000_40e3021ba5099370.txt, lines 51–51" in collapsed
    assert "No measurable target" in collapsed


def test_the_commitment_is_whole_never_cut(client):
    page = get(client, LONG_TITLE)
    heading = text(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)).strip()
    assert heading == ("Continue to improve the educational outcomes for disadvantaged groups including LAC; SEN; "
                       "and pupils eligible for Free School Meals or Pupil Premium")
    assert "…" not in text(answer_part(page))
    assert client.get(LONG_TITLE + ".json").get_json()["title"] == heading


def test_what_an_action_carries_on_is_labelled_in_the_right_direction(client):
    later = text(answer_part(get(client, ACTION_2017)))
    assert "Carries on from action 1.2.17 of Equality Strategy Action Plan – 2013/14 update" in later
    assert "Carried on in" not in later
    earlier = text(answer_part(get(client, ACTION_2013)))
    assert "Carried on in action 2.6 of Equality and Community Cohesion Strategy 2017-21 Action Plan – Year 1 update" \
        in earlier
    assert "Carries on from" not in earlier
    assert 'href="/id/plan/merton-2017-18/action/2.6"' in answer_part(get(client, ACTION_2013))


def test_an_objective_lists_its_actions_in_natural_order_with_its_strategies_and_status_mix(client):
    page = get(client, OBJECTIVE)
    refs = re.findall(r'<span class="ref">([^<]+)</span>', answer_part(page))
    assert refs == [f"1.{n}" for n in range(1, 14)]
    above = text(answer_part(page))
    assert "13 actions" in above and "Strategies feeding it" in above and "Health and Wellbeing Strategy 3 actions" \
        in above
    assert re.search(r'href="/id/plan/merton-2017-18/objective/1\?status=on-track#actions"><strong>5</strong> on track',
                     page)


def test_an_objectives_status_count_leads_to_exactly_those_actions(client):
    page = get(client, OBJECTIVE + "?status=on-track")
    refs = re.findall(r'<span class="ref">([^<]+)</span>', answer_part(page))
    assert len(refs) == 5 and refs == sorted(refs, key=lambda r: [int(p) for p in r.split(".")])
    assert "show all" in answer_part(page)
    assert len(re.findall(r'<span class="ref">', answer_part(get(client, OBJECTIVE + "?status=nonsense")))) == 13


def test_extraction_debris_is_only_in_the_collapsed_how_this_was_read(client):
    page = get(client, OBJECTIVE)
    above = text(answer_part(page))
    assert "To ensure key plans and strategies narrow the gap between different communities in the borough" in above
    for debris in ("oetween", "strategie|s", "title fragment", "different communities in the bo /"):
        assert debris not in above, debris
    how_read = page.split('<details class="how-read">', 1)[1].split("</details>", 1)[0]
    assert "oetween" in how_read and "strategie|s" in text(how_read)


def test_a_2013_objective_groups_its_actions_under_their_priority_areas_in_order(client):
    page = answer_part(get(client, "/id/plan/merton-2013-14/objective/1"))
    refs = re.findall(r'<span class="ref">([^<]+)</span>', page)
    assert refs.index("1.2.9") < refs.index("1.2.10") < refs.index("1.2.17") < refs.index("1.3.1")
    assert '<h3 class="area">1.2 Improving outcomes' in page


def test_a_plan_lists_its_objectives_with_counts_and_its_place_in_the_sequence(client):
    above = text(answer_part(get(client, "/id/plan/merton-2017-18")))
    assert "45 actions under 6 equality objectives" in above
    assert "Objective 1 To ensure key plans and strategies narrow the gap" in above and "13 actions" in above
    assert "Before it: Equality Strategy Action Plan – 2013/14 update" in above
    assert "After it" in text(answer_part(get(client, "/id/plan/merton-2013-14")))


def test_a_community_page_lists_its_actions_by_plan_its_narrower_groups_included(client):
    page = answer_part(get(client, "/id/community/ethnic-minorities"))
    above = text(page)
    assert "Also called BAME, BME" in above and "Concerns Race" in above
    assert "Equality Strategy Action Plan – 2013/14 update 12 actions" in above
    assert "for Tamil parents" in above  # reached through a narrower group, and said so
    first_plan = page.split('<h3 class="plan"', 2)[1]
    refs = re.findall(r'<span class="ref">([^<]+)</span>', first_plan)
    assert refs == sorted(refs, key=lambda r: [int(p) for p in r.split(".")])


def test_a_department_page_counts_the_actions_of_its_divisions(client):
    above = text(answer_part(get(client, "/id/org/children-schools-and-families")))
    assert "Also called CSF" in above and "Part of London Borough of Merton" in above
    assert "delivered by Merton School Improvement" in above
    assert re.search(r"\d+ actions in 2 plans, \d+ of them through its divisions and teams", above)
    assert "Its divisions and teams" in above


def test_partner_and_strategy_pages_say_what_they_are_and_where_they_act(client):
    partner = text(answer_part(get(client, "/id/partner/network-rail")))
    assert "Britain's rail infrastructure" in partner and "2 actions in 2 plans" in partner
    assert "works with them" in partner
    strategy = text(answer_part(get(client, "/id/strategy/health-and-wellbeing-strategy")))
    assert "5 actions" in strategy and "serves it" in strategy


def test_document_text_on_the_answer_is_escaped(client):
    page = get(client, "/id/plan/merton-2017-18/action/1.2")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert "east &amp; west Merton" in heading
    templates = resources.root() / "web" / "templates"
    for template in [templates / "entity.html", *(templates / "entity").glob("*.html")]:
        assert "|safe" not in template.read_text().replace(" ", ""), template.name


def test_the_json_twin_carries_the_answer(client):
    data = client.get(ACTION_2013 + ".json").get_json()
    assert data["kind"] == "action" and data["answer"]["status"]["text"] == "in progress"
    assert data["answer"]["phrase"].startswith("We are currently trying")
    assert [c["ref"] for c in data["answer"]["carries_into"]] == ["2.6"]


def test_a_page_is_two_queries_and_then_kept_for_the_release(app):
    from eqgraph.web.things import release_facts

    client = app.test_client()
    with app.test_request_context("/"):
        release = app.config["EQGRAPH"].release
        release_facts()  # asked once per release, before this page
    store, asked = release.store, []
    original = store.query

    def counting(sparql, *args, **kwargs):
        asked.append(sparql)
        return original(sparql, *args, **kwargs)

    store.query = counting
    try:
        get(client, "/id/plan/merton-2013-14/action/2.1.1")
        assert len(asked) == 2, [q.splitlines()[0] for q in asked]
        get(client, "/id/plan/merton-2013-14/action/2.1.1")
        assert len(asked) == 2  # kept for the release
        for _ in range(2):  # a twin asks once whether its whole name (with ".json") names a thing
            assert client.get("/id/plan/merton-2013-14/action/2.1.1.json").get_json()["answer"]["ref"] == "2.1.1"
        assert len(asked) == 3
    finally:
        del store.query


# --- a commitment reported on every year ----------------------------------------------------------------

@pytest.fixture(scope="module")
def yearly(tmp_path_factory):
    """The built-in plans and the 2017-21 strategy's Year 2 and Year 3 updates."""
    next_documents = resources.root() / "tests" / "data" / "next-documents"
    settings = Settings.from_env(home=tmp_path_factory.mktemp("yearly"))
    build([*resources.builtin_documents(), next_documents / "ecc-strategy-2017-21-year-2.txt",
           next_documents / "ecc-strategy-2017-21-year-3.txt"], settings)
    application = create_app(settings, WebSettings(query_workers=1))
    yield application.test_client()
    application.config["EQGRAPH"].close()


def test_an_action_shows_the_status_history_of_its_commitment(yearly):
    page = answer_part(get(yearly, "/id/plan/ecc-strategy-2017-21-year-2/action/1.13"))
    history = text(page.split('<section class="history">', 1)[1].split("</section>", 1)[0])
    assert history.index("2017/18") < history.index("2018/19") < history.index("2019/20")
    assert "no longer reported" in history and "not met or delayed" in history
    assert "(this page)" in history and 'href="/id/plan/merton-2017-18/action/1.13"' in page


def test_a_reworded_commitment_says_how_it_was_worded_before(yearly):
    history = text(answer_part(get(yearly, "/id/plan/ecc-strategy-2017-21-year-3/action/2.1")))
    assert "Reworded; before: “Adult Social Care - ensure equality of uptake" in history


def test_a_plan_page_names_the_yearly_updates_before_and_after(yearly):
    above = text(answer_part(get(yearly, "/id/plan/ecc-strategy-2017-21-year-2")))
    assert above.count("Before it: Equality and Community Cohesion Strategy 2017-21 Action Plan – Year 1 update") == 1
    assert "After it: Equality and Community Cohesion Strategy 2017-21 Action Plan – Year 3 update" in above


def test_a_list_by_plan_shows_the_newest_plans_and_the_others_on_asking(yearly, monkeypatch):
    from eqgraph.web import entities

    monkeypatch.setattr(entities, "PLANS_SHOWN", 2)
    page = answer_part(get(yearly, "/id/partner/network-rail"))
    periods = re.findall(r'<h3 class="plan" id="plan-[^"]+">.*?\((\d{4}/\d\d)\)', page)
    assert periods == ["2019/20", "2018/19", "2017/18"]  # newest first (the 2013/14 plan's name holds its period)
    assert page.count('<ul class="action-list">') == 2 and page.count('class="folded"') == 2
    assert 'href="/id/partner/network-rail?plan=merton-2013-14#plan-merton-2013-14">Show its 1 action</a>' in page
    one = answer_part(get(yearly, "/id/partner/network-rail?plan=merton-2013-14"))
    assert re.findall(r'<span class="ref">([^<]+)</span>', one) == ["1.2.17"] and "show all" in one
    twin = yearly.get("/id/partner/network-rail.json").get_json()["answer"]["plans"]
    assert [len(p["actions"]) for p in twin] == [1, 1, 0, 0]  # the twin is the page's data: bounded alike


def test_pages_kept_are_bounded_by_count_and_by_the_actions_they_list():
    from eqgraph.web.things import RecentPages

    def page(actions: int) -> dict:
        return {"answer": {"count": actions}}

    kept = RecentPages(size=3, weight=100)
    for n in range(4):
        kept.get(f"p{n}", lambda: page(1))
    assert list(kept._pages) == ["p1", "p2", "p3"]  # the least recently asked for went first
    kept = RecentPages(size=10, weight=100)
    for n in range(3):
        kept.get(f"p{n}", lambda: page(1))  # 2 each: the page and its one action
    kept.get("p0", lambda: page(1))  # asked again: now the most recent
    kept.get("big", lambda: page(95))
    assert list(kept._pages) == ["p2", "p0", "big"] and kept._held == 100
    assert kept.get("nothing", lambda: None) is None and "nothing" not in kept._pages
    assert kept.get("nothing", lambda: page(1)) is None  # remembered apart as naming nothing
