"""Graph view pages and the charts of /graphs, as the server answers them (no JavaScript): the legend,
filters, find and details, the list of nodes; chart bars that lead to exactly the actions they count,
and shares of each plan."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

STRATEGY = "Health and Wellbeing Strategy"


def answer_rows(client, href: str) -> list[dict]:
    """The rows of the saved query a link leads to, in the standard SPARQL JSON results form."""
    path, _, query = href.partition("?")
    answer = client.get(f"{path}.srj?{query}")
    assert answer.status_code == 200, href
    return [{k: v["value"] for k, v in b.items()} for b in answer.get_json()["results"]["bindings"]]


def listed(html: str) -> list[str]:
    """The names in the plain list of nodes below the graph."""
    block = html.split('id="graph-nodes"', 1)[1].split("</ol>", 1)[0]
    return [unescape(m) for m in re.findall(r'<li data-id="[^"]*"[^>]*>(?:<a href="[^"]*">)?([^<]+)', block)]


@pytest.mark.parametrize("name", ["strategies", "partners", "communities"])
def test_a_view_has_a_legend_filters_find_and_its_list(client, name):
    html = client.get(f"/graphs/{name}").get_data(as_text=True)
    legend = html.split('id="graph-legend"', 1)[1].split("</div>", 1)[0]
    assert "<svg" in legend and 'fill="#' in legend and "thicker lines" in legend
    for facet in ("plan", "department", "characteristic", "status"):
        assert f'<select name="{facet}">' in html
    assert '<input type="search" name="find"' in html and 'id="graph-details"' in html
    data = client.get(f"/graphs/{name}.json").get_json()
    assert len(listed(html)) == len(data["nodes"])
    assert "betweenness" not in html and "eqg:" not in html  # no jargon on the page


def test_filters_change_what_is_listed(client):
    everything = listed(client.get("/graphs/strategies").get_data(as_text=True))
    one_plan = client.get("/graphs/strategies?plan=merton-2017-18").get_data(as_text=True)
    names = listed(one_plan)
    assert 0 < len(names) < len(everything) and set(names) < set(everything)
    assert not any("2013/14" in n for n in names)  # no objective of the other plan
    assert "for the actions that pass the filters" in one_plan
    narrower = listed(client.get("/graphs/strategies?plan=merton-2017-18&status=on+track").get_data(as_text=True))
    assert set(narrower) < set(names)


def test_a_filter_value_the_view_lacks_is_said_not_used(client):
    html = client.get("/graphs/partners?plan=<b>nope</b>").get_data(as_text=True)
    assert "has no plan named" in html and "&lt;b&gt;nope&lt;/b&gt;" in html and "<b>nope" not in html
    assert len(listed(html)) == len(client.get("/graphs/partners.json").get_json()["nodes"])


def test_find_shows_the_details_with_the_page_and_the_actions(client):
    html = client.get("/graphs/strategies?find=health+and+wellbeing").get_data(as_text=True)
    panel = html.split('id="graph-details"', 1)[1].split("</aside>", 1)[0]
    assert f'<h2 id="details-title">{STRATEGY}</h2>' in panel
    assert '<a href="/id/strategy/health-and-wellbeing-strategy">Open its page</a>' in panel
    lister = re.search(r'<a href="([^"]+)">List its actions</a>', panel).group(1)
    assert parse_qs(urlsplit(unescape(lister)).query) == {"strategy": [STRATEGY]}
    actions = int(re.search(r"through (\d+) actions", panel).group(1))
    assert len(answer_rows(client, unescape(lister))) == actions
    missing = client.get("/graphs/strategies?find=zzzz").get_data(as_text=True)
    assert "Nothing here is named “zzzz”" in missing


def bars(html: str) -> list[tuple[str, str]]:
    return [(unescape(href), label) for href, label in re.findall(r'<a href="(/query/[^"]+)" aria-label="([^"]+)"', html)]


def test_every_chart_bar_leads_to_the_actions_it_counts(client):
    html = client.get("/graphs").get_data(as_text=True)
    found = bars(html)
    assert len(found) > 30
    assert "Actions per protected characteristic, by plan" in html and "Marriage and civil partnership" in html
    for href, label in found:
        count = int(re.search(r": (\d+) of the plan's", label).group(1))
        rows = answer_rows(client, href)
        assert len(rows) == count, (href, label)
        assert {r["plan"] for r in rows} == set(parse_qs(urlsplit(href).query)["plan"])


def test_shares_of_each_plan_add_up_to_100_where_each_action_has_one_value(client):
    html = client.get("/graphs?share=1").get_data(as_text=True)
    assert 'href="/graphs?share=1#charts" aria-current="page"' in html
    figures = html.split('<figure class="chart"')[1:]
    for figure in figures[:2]:  # progress status and objective: one value per action
        for group in figure.split('<section class="chart-group">')[1:]:
            shares = [float(s) for s in re.findall(r'<span class="bar-value">([\d.]+)%</span>', group)]
            assert shares and abs(sum(shares) - 100) < 1, shares
    counts = client.get("/graphs").get_data(as_text=True)
    assert 'href="/graphs#charts" aria-current="page"' in counts
    assert not re.search(r'<span class="bar-value">[\d.]+%', counts)


def test_charts_are_counted_once_per_release(client, app, monkeypatch):
    from eqgraph.web import charts

    client.get("/graphs")
    monkeypatch.setattr(charts, "_count", lambda: pytest.fail("counted again"))
    assert client.get("/graphs?share=1").status_code == 200
