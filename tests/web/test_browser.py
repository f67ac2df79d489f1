"""The product in a real browser (Debian's Chromium driven by Playwright), as a policy officer uses it:
home → a saved query run from its form → a result's entity page → a graph view, click a node → CSV.

Every step waits on a condition the page shows (`expect(...)`, a selector, an attribute the graph view sets
when it is ready), never on time, and with generous bounds: a loaded machine makes these tests slower, not
red. In CI (CI set) a missing browser is a failure, not a skip: `make test` installs it.
"""

import re

import pytest

from .browser import WAIT

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

VIEWPORT = {"width": 1280, "height": 1000}  # the whole graph view fits: nothing to scroll before a click
STRATEGY = "Health and Wellbeing Strategy"


@pytest.fixture()
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport=VIEWPORT)
    context.set_default_timeout(WAIT)
    context.set_default_navigation_timeout(WAIT)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors  # no script errors, no CSP violations that break the page


def test_two_clicks_from_home_to_an_answer_then_the_entity(page, live_server, tmp_path):
    page.goto(live_server + "/")
    expect(page.locator("h1")).to_contain_text("Merton's equality action plans", timeout=WAIT)
    page.get_by_role("link", name="Strategies feeding an objective").click()
    page.locator("select[name=plan]").select_option(label="Equality and Community Cohesion Strategy 2017-21 Action Plan – Year 1 update")
    page.locator("input[name=objective]").fill("1")
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#row-count")).to_have_text("10 rows", timeout=WAIT)
    expect(page).to_have_url(re.compile(r"[?&]plan=.*[?&]objective=1|[?&]objective=1.*[?&]plan="), timeout=WAIT)
    with page.expect_download(timeout=WAIT) as download_info:
        page.locator("#download-csv").click()
    path = tmp_path / "result.csv"
    download_info.value.save_as(path)
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == "strategy,label,actions"  # a BOM for Excel
    page.get_by_role("link", name=STRATEGY).first.click()
    # the click starts a navigation; reading h1 at once could still read the results page
    expect(page).to_have_url(re.compile(r"/id/strategy/health-and-wellbeing-strategy$"), timeout=WAIT)
    expect(page.locator("h1")).to_have_text(STRATEGY, timeout=WAIT)
    expect(page.get_by_role("heading", name="Actions", exact=True)).to_be_visible(timeout=WAIT)  # the ones serving it


def graph_ready(page) -> None:
    """Wait until the graph view says it is drawn (or failed: then say why)."""
    page.wait_for_selector("#graph[data-ready=true], #graph[data-error]", state="attached", timeout=WAIT)
    error = page.locator("#graph").get_attribute("data-error")
    assert error is None, f"the graph view failed: {error}"


def node_point(page, label: str) -> dict:
    """Where a node is drawn, in viewport coordinates (Cytoscape's rendered positions are relative to the
    container's content box, inside its border)."""
    return page.evaluate("""(label) => {
        const node = window.eqgraphCy.nodes().filter(n => n.data('label') === label)[0];
        const container = document.getElementById('graph');
        const box = container.getBoundingClientRect();
        const p = node.renderedPosition();
        return {x: box.left + container.clientLeft + p.x, y: box.top + container.clientTop + p.y,
                width: window.innerWidth, height: window.innerHeight};
    }""", label)


def test_graph_view_click_a_node(page, live_server):
    page.goto(live_server + "/graphs/strategies")
    graph_ready(page)
    point = node_point(page, STRATEGY)
    assert 0 <= point["x"] < point["width"] and 0 <= point["y"] < point["height"], point
    page.mouse.move(point["x"], point["y"])
    # Cytoscape's own hit test says the pointer is on that node (it titles the view with the node's label)
    expect(page.locator("#graph")).to_have_attribute("title", STRATEGY, timeout=WAIT)
    page.mouse.down()
    page.mouse.up()
    # the node's details open beside the graph (the page stays), with the link to its page inside
    expect(page.locator("#details-title")).to_have_text(STRATEGY, timeout=WAIT)
    assert page.url.endswith("/graphs/strategies")
    page.locator("#graph-details").get_by_role("link", name="Open its page").click()
    expect(page).to_have_url(re.compile(r"/id/strategy/health-and-wellbeing-strategy$"), timeout=WAIT)
    expect(page.locator("h1")).to_have_text(STRATEGY, timeout=WAIT)


def test_graph_view_draws_the_same_picture_on_every_visit(browser, live_server):
    pictures = []
    for _ in range(2):
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(WAIT)
        page = context.new_page()
        page.goto(live_server + "/graphs/strategies")
        graph_ready(page)
        pictures.append(page.evaluate(
            "() => window.eqgraphCy.nodes().map(n => [n.id(), n.position('x'), n.position('y')])"))
        context.close()
    assert len(pictures[0]) > 10
    assert pictures[0] == pictures[1]


def test_graph_view_says_when_its_data_cannot_be_loaded(page, live_server):
    page.route("**/graphs/strategies.json", lambda route: route.fulfill(status=500, body="broken"))
    page.goto(live_server + "/graphs/strategies")
    graph = page.locator("#graph")
    expect(graph).to_have_attribute("data-error", re.compile("500"), timeout=WAIT)
    expect(graph).to_contain_text("could not be drawn", timeout=WAIT)
    expect(page.locator("#graph-nodes li").first).to_be_visible(timeout=WAIT)  # the list is still there
