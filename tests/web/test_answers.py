"""Saved-query answers as people read them (eqgraph.web.answers): every query's page with its example,
the JSON twin and downloads unchanged, what an empty answer means, counts that lead to their actions,
and the names a type-ahead offers."""

import html as htmlmod
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from eqgraph.catalogue import load_catalogue

QUERIES = load_catalogue()


def page_of(client, name, values):
    response = client.get(f"/query/{name}?{urlencode(values)}")
    assert response.status_code == 200, (name, response.get_data(as_text=True)[:500])
    return response.get_data(as_text=True)


def visible(html: str) -> str:
    """The text of the answer table a person reads: no tags, no attributes."""
    table = re.search(r'<table class="answer">.*?</table>', html, re.S)
    return htmlmod.unescape(re.sub(r"<[^>]+>", " ", table.group(0))) if table else ""


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_saved_query_reads_as_an_answer(client, name):
    query = QUERIES[name]
    values = {p.name: p.example for p in query.params if p.required}
    html = page_of(client, name, values)
    headers = [htmlmod.unescape(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)]
    text = visible(html)
    if 'id="empty-answer"' in html:  # nothing found says what that means
        assert re.search(r'id="empty-answer">[A-Z{]', html) and "{" not in re.search(r'id="empty-answer">(.*?)<', html).group(1)
        return
    assert headers, name
    for header in headers:
        assert not re.search(r"[a-z][A-Z]", header) and not header.startswith(("http", "?")), (name, header)
    if query.form == "SELECT":  # (a CONSTRUCT answers with RDF terms, which is what it is for)
        assert not re.search(r"\bmerton-20\d\d-\d\d\b", text), f"{name} shows a plan's slug"
        assert "https://w3id.org/" not in text, f"{name} shows an IRI"


def test_an_answer_shows_the_title_linked_the_plan_by_name_who_delivers_and_the_status(client):
    html = page_of(client, "actions-for-department", {"department": "Housing"})
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)
    assert headers[0] == "Action" and "Delivered by" in headers and "Status" in headers
    assert "unitLabel" not in headers and "action" not in headers
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S).group(1)
    assert re.search(r'<td class="k-text" data-label="Action"><a href="/id/plan/merton-2013-14/action/1\.2\.12">'
                     r'<span class="ref">1\.2\.12</span> Tackle inequality', row)
    assert '>2013/14</a>' in row and 'class="badge status-' in row


def test_the_carried_over_page_explains_its_score(client):
    html = page_of(client, "carried-over-commitments", {})
    assert "How alike" in html and 'id="answer-note"' in html and "from 0% (nothing) to 100%" in html
    assert re.search(r'data-label="How alike">\d{1,3}%</td>', html)
    assert len(re.findall(r'<th scope="col"', html)) <= 6


def test_the_json_twin_and_the_downloads_keep_the_querys_columns_and_values(client, app):
    twin = client.get("/query/actions-for-community.json?community=BAME").get_json()
    assert twin["result"]["variables"] == ["action", "plan", "ref", "title", "target", "targetLabel", "field", "words"]
    assert "answer" not in twin and "inputs" not in twin
    with app.app_context():
        expected = app.config["EQGRAPH"].release.catalogue.run("actions-for-community", {"community": "BAME"}).plain_rows()
    assert twin["result"]["plain"] == expected
    assert twin["result"]["plain"][0]["plan"] == "merton-2013-14"  # the id, as before: the page alone shows names
    csv = client.get("/query/actions-for-community.csv?community=BAME").get_data(as_text=True)
    assert csv.splitlines()[0] == "\ufeffaction,plan,ref,title,target,targetLabel,field,words"
    assert "https://w3id.org/eqgraph/id/plan/merton-2013-14/action/1.1.1" in csv


def test_an_empty_answer_says_what_it_means(client):
    html = page_of(client, "actions", {"plan": "merton-2017-18", "objective": "9"})
    assert re.search(r'id="empty-answer">Objective 9 does not exist in [^<]*2017-21[^<]*: it has objectives 1–6\.<', html)
    html = page_of(client, "strategies-feeding-objective", {"plan": "merton-2017-18", "objective": "9"})
    assert "Objective 9 does not exist in" in html
    html = page_of(client, "what-changed", {"plan": "merton-2017-18"})
    assert "is the first update of its plan in this graph" in html
    html = page_of(client, "actions-for-partner", {"partner": "Network Rail"})
    if 'id="empty-answer"' in html:
        assert "No action of any plan names or works with Network Rail." in html
    # Typed text in a sentence is escaped like everything else.
    html = page_of(client, "find-actions", {"plan": "merton-2017-18", "objective": "9", "status": "completed"})
    assert "No action matches all of these choices" in html


def test_the_objective_field_offers_the_plans_objectives_with_their_titles(client):
    html = page_of(client, "actions", {"plan": "merton-2017-18"})
    field = re.search(r'<input id="field-objective".*?</datalist>', html, re.S).group(0)
    assert 'type="number"' not in field and 'list="field-objective-objectives"' in field
    options = re.findall(r'<option value="(\d+)" label="([^"]*)" data-plan="([^"]*)">', field)
    assert [o[0] for o in options] == ["1", "2", "3", "4", "5", "6"] and {o[2] for o in options} == {"merton-2017-18"}
    assert all("(2017/18)" in o[1] for o in options)


def test_a_name_typed_in_the_form_runs_as_it_does_in_the_url(client):
    typed = client.get("/query/actions-for-community?community=BAME").get_data(as_text=True)
    assert 'name="community" value="BAME"' in typed  # the field keeps what was typed
    by_iri = client.get("/query/actions-for-community.json?community=BAME").get_json()["result"]["plain"]
    by_form = client.get("/query/actions-for-community.json?" + urlencode({"community": "Ethnic minorities"})).get_json()
    assert by_form["result"]["plain"] == by_iri  # the label the list offers runs as the alias does


COUNTS = [("status-by-objective", {"plan": "merton-2017-18"}), ("characteristic-coverage", {}),
          ("department-workload", {"plan": "merton-2017-18"}), ("community-objectives", {}),
          ("strategies-feeding-objective", {"plan": "merton-2017-18", "objective": "1"}),
          ("objectives-fed-by-strategy", {"strategy": "Health and Wellbeing Strategy"}),
          ("strategy-dependencies", {"plan": "merton-2017-18"}), ("department-partners", {}), ("partners", {}),
          ("plans", {}), ("shared-strategies", {})]


@pytest.mark.parametrize("name, values", COUNTS)
def test_each_count_leads_to_the_actions_it_counts(client, name, values):
    html = page_of(client, name, values)
    links = re.findall(r'<td class="k-count" data-label="[^"]*"><a href="(/query/[^"]+)">(\d+)</a>', html)
    assert links, f"{name}: its counts lead nowhere"
    for href, count in links[:12]:
        parts = urlsplit(htmlmod.unescape(href))
        target = parts.path.removeprefix("/query/")
        rows = client.get(f"/query/{target}.json?{parts.query}").get_json()["result"]["plain"]
        if name == "shared-strategies":  # a count of plans: the plans of the actions listed
            assert len({r["plan"] for r in rows}) == int(count), (href, count)
        else:
            assert len({r["action"] for r in rows}) == int(count), (href, count, dict(parse_qsl(parts.query)))


def test_counts_of_plans_of_different_sizes_show_shares(client):
    html = page_of(client, "characteristic-coverage", {})
    assert re.search(r'<span class="share">\(\d+% of 87\)</span>', html)
    assert re.search(r'<span class="share">\(\d+% of 45\)</span>', html)


def test_the_type_ahead_offers_what_a_name_will_run_as(client):
    bame = client.get("/names/community?q=BAME").get_json()
    assert bame["suggestions"][0] == {"value": "Ethnic minorities", "label": "Ethnic minorities", "name": "BAME"}
    assert client.get("/names/department?q=C%26H").get_json()["suggestions"][0]["value"] == "Community and Housing"
    assert client.get("/names/partner?q=police").get_json()["suggestions"][0]["value"] == "Metropolitan Police Service"
    assert client.get("/names/partner?q=Merton+Voluntary").get_json()["suggestions"][0]["value"] == \
        "Merton Voluntary Services Council"
    some = client.get("/names/community?q=dis").get_json()["suggestions"]
    assert some and all("dis" in (s["label"] + " " + s["name"]).lower() for s in some)
    assert any(s["label"] == "Disabled people" for s in some)


def test_the_type_ahead_is_bounded_and_escaped(client):
    many = client.get("/names/community?q=e&limit=100000").get_json()["suggestions"]
    assert 1 <= len(many) <= 20
    assert len(client.get("/names/community?q=e").get_json()["suggestions"]) <= 10
    assert client.get("/names/community?q=e&limit=x").status_code == 200
    hostile = client.get("/names/community?q=" + "<script>alert(1)</script>&")
    body = hostile.get_data(as_text=True)
    assert hostile.mimetype == "application/json" and "<" not in body and ">" not in body
    assert hostile.get_json()["q"] == "<script>alert(1)</script>"
    assert len(client.get("/names/community?q=" + "a" * 5000).get_json()["q"]) == 200
    assert client.get("/names/integer?q=1").status_code == 404
    assert client.get("/names/nothing?q=1").status_code == 404
