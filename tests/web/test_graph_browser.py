"""Graph views and charts in a real browser (Debian's Chromium driven by Playwright), on a desktop
(1280×900) and a phone (390×844): stable layout, legend, labels that do not overlap and are readable,
filters, find, neighbours lit up, the details panel (a node never leaves the page), no horizontal scroll
on the phone, no console error (a Content-Security-Policy refusal is one), axe-core clean.

Every step waits on a condition the page shows (`expect(...)`, the `data-ready` attribute the view sets),
never on time.
"""

from __future__ import annotations

import re

import pytest

from .browser import AXE, DESKTOP, PHONE, WAIT

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

STRATEGY = "Health and Wellbeing Strategy"


def open_page(browser, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(WAIT)
    context.set_default_navigation_timeout(WAIT)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    return context, page


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def page(browser, request):
    context, page = open_page(browser, request.param)
    yield page
    context.close()
    assert page.errors == [], page.errors  # no script error, no CSP refusal


def ready(page, path: str) -> None:
    page.goto(page.context.base_url + path if hasattr(page.context, "base_url") else path)
    page.wait_for_selector("#graph[data-ready=true], #graph[data-error]", state="attached", timeout=WAIT)
    assert page.locator("#graph").get_attribute("data-error") is None


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def axe_findings(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the test, not loaded by the page
    found = page.evaluate("async () => (await axe.run(document)).violations"
                          ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                          ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))")
    return found


LABELS = """() => {
  const cy = window.eqgraphCy;
  const shown = cy.nodes().not('.quiet').not('.gone');
  const boxes = shown.map(n => n.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true}));
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) overlaps++;
  }
  const font = Math.min(...shown.map(n => parseFloat(n.style('font-size')) * cy.zoom()));
  return {shown: shown.length, overlaps, font};
}"""


@pytest.mark.parametrize("name", ["strategies", "partners", "communities"])
def test_a_view_is_readable_with_its_legend(page, live_server, name):
    ready(page, f"{live_server}/graphs/{name}")
    expect(page.locator("#graph-legend")).to_contain_text("thicker lines")
    labels = page.evaluate(LABELS)
    assert labels["shown"] >= 2 and labels["overlaps"] == 0 and labels["font"] >= 12, labels
    no_sideways_scroll(page)
    assert axe_findings(page) == []


def test_two_loads_draw_the_views_own_positions(browser, live_server):
    pictures = []
    for viewport in (DESKTOP, DESKTOP, PHONE):
        context, page = open_page(browser, viewport)
        ready(page, f"{live_server}/graphs/communities")
        pictures.append(page.evaluate("() => window.eqgraphCy.nodes().map(n => [n.id(), n.position('x'), n.position('y')])"))
        data = page.evaluate("async () => (await fetch('/graphs/communities.json')).json()")
        context.close()
    assert pictures[0] == pictures[1] == pictures[2]  # the same picture on every visit and device
    assert sorted(pictures[0]) == sorted([n["id"], n["x"], n["y"]] for n in data["nodes"])


def test_filters_change_what_is_shown(page, live_server):
    ready(page, f"{live_server}/graphs/strategies")
    before = page.evaluate("() => window.eqgraphCy.nodes().not('.gone').length")
    page.locator("select[name=plan]").select_option("merton-2017-18")
    expect(page.locator("#graph-status")).to_contain_text("pass the filters")
    after = page.evaluate("() => window.eqgraphCy.nodes().not('.gone').length")
    assert 0 < after < before
    expect(page).to_have_url(re.compile(r"\?plan=merton-2017-18$"))
    assert page.locator("#graph-nodes li:not([hidden])").count() == after
    assert page.evaluate(LABELS)["overlaps"] == 0


def test_find_selects_and_centres_a_node_and_shows_its_details(page, live_server):
    ready(page, f"{live_server}/graphs/strategies")
    page.locator("input[name=find]").fill("health and wellbeing")
    page.locator("input[name=find]").press("Enter")
    expect(page.locator("#details-title")).to_have_text(STRATEGY)
    chosen = page.evaluate("""() => { const cy = window.eqgraphCy; const n = cy.nodes(':selected');
        const p = n.renderedPosition(); return {label: n.data('label'), x: p.x, y: p.y, w: cy.width(), h: cy.height(),
        faded: cy.nodes('.faded').length, near: n.closedNeighborhood('node').filter('.faded').length}; }""")
    assert chosen["label"] == STRATEGY
    assert abs(chosen["x"] - chosen["w"] / 2) < 2 and abs(chosen["y"] - chosen["h"] / 2) < 2
    assert chosen["faded"] > 0 and chosen["near"] == 0  # its neighbours lit up, the rest faded
    link = page.locator("#graph-details a", has_text="Open its page")
    expect(link).to_have_attribute("href", re.compile(r"/id/strategy/health-and-wellbeing-strategy$"))


def test_choosing_a_node_shows_its_details_without_leaving(page, live_server):
    ready(page, f"{live_server}/graphs/partners")
    url = page.url
    page.locator("#graph").scroll_into_view_if_needed()
    # The scroll event reaches the page at the next frames; Cytoscape then forgets where its canvas was
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    point = page.evaluate("""() => {
        const cy = window.eqgraphCy, node = cy.nodes().sort((a, b) => b.data('size') - a.data('size'))[0];
        const g = document.getElementById('graph'), box = g.getBoundingClientRect(), p = node.renderedPosition();
        return {x: box.left + g.clientLeft + p.x, y: box.top + g.clientTop + p.y, label: node.data('label')}; }""")
    page.mouse.move(point["x"], point["y"])
    # Cytoscape's own hit test says the pointer is on that node (it titles the view with the node's name)
    expect(page.locator("#graph")).to_have_attribute("title", point["label"])
    assert page.evaluate("() => window.eqgraphCy.nodes('.faded').length") > 0  # the rest fades on pointing
    page.mouse.down()
    page.mouse.up()
    expect(page.locator("#details-title")).to_have_text(point["label"])
    expect(page.locator("#graph-details a", has_text="Open its page")).to_have_attribute("href", re.compile(r"/id/"))
    assert page.url == url


def test_the_list_shows_a_node_in_the_graph(page, live_server):
    ready(page, f"{live_server}/graphs/communities")
    item = page.locator("#graph-nodes li").nth(3)
    name = item.locator("a").inner_text()
    item.get_by_role("button", name="Show in the graph").click()
    expect(page.locator("#details-title")).to_have_text(name)
    expect(item).to_have_class(re.compile("found"))


def test_charts_on_a_phone_and_a_desktop(page, live_server):
    page.goto(f"{live_server}/graphs?share=1")
    expect(page.locator("figure.chart").first).to_be_visible()
    expect(page.get_by_role("link", name="numbers of actions")).to_be_visible()
    no_sideways_scroll(page)
    assert axe_findings(page) == []
    page.locator(".chart-bar a").first.click()
    expect(page).to_have_url(re.compile(r"/query/find-actions\?plan="))
