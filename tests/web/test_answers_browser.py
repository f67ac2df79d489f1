"""Saved-query answers in Chromium, on a desktop (1280×900) and a phone (390×844): a name typed into the form
as people say it ("BAME", "C&H") gives the rows its URL gives; the type-ahead offers what it will run as;
a query page never scrolls sideways on the phone; no console error; axe-core finds nothing serious.

Every step waits on a condition the page shows (`expect`), never on time."""

import json
from urllib.parse import quote

import pytest

from .browser import AXE, DESKTOP, PHONE, WAIT

try:
    from playwright.sync_api import expect
except ImportError:
    expect = None


def open_page(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(WAIT)
    context.set_default_navigation_timeout(WAIT)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    return context, page, problems


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def viewport(request):
    return request.param


def rows_of(page) -> list[str]:
    return page.locator("table.answer tbody tr").all_inner_texts()


@pytest.mark.parametrize("name, field, typed", [("actions-for-community", "community", "BAME"),
                                                ("actions-for-department", "department", "C&H")])
def test_a_name_typed_in_the_form_gives_the_rows_of_its_url(browser, live_server, viewport, name, field, typed):
    context, page, problems = open_page(browser, viewport)
    try:
        page.goto(f"{live_server}/query/{name}?{field}={quote(typed)}")
        expect(page.locator("table.answer")).to_be_visible(timeout=WAIT)
        by_url, count = rows_of(page), page.locator("#row-count").inner_text()
        page.goto(f"{live_server}/query/{name}")
        page.locator(f"input[name={field}]").fill(typed)
        page.get_by_role("button", name="Run").click()
        expect(page.locator("#row-count")).to_have_text(count, timeout=WAIT)
        assert rows_of(page) == by_url and len(by_url) > 0
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    finally:
        context.close()
    assert problems == [], problems


def test_the_type_ahead_offers_what_an_alias_runs_as(browser, live_server):
    context, page, problems = open_page(browser, DESKTOP)
    try:
        page.goto(f"{live_server}/query/actions-for-community")
        page.locator("input[name=community]").press_sequentially("BAME", delay=20)
        expect(page.locator('#field-community-names option[value="Ethnic minorities"]')).to_have_count(1, timeout=WAIT)
        expect(page.locator("#field-community-names option")).to_have_count(1, timeout=WAIT)
        assert "BAME" in page.locator("#field-community-names option").first.get_attribute("label")
        # The objective list follows the chosen plan.
        page.goto(f"{live_server}/query/actions")
        page.locator("select[name=plan]").select_option("merton-2017-18")
        expect(page.locator("#field-objective-objectives option")).to_have_count(6, timeout=WAIT)
    finally:
        context.close()
    assert problems == [], problems


PHONE_PAGES = ["/query/carried-over-commitments", "/query/actions-for-community?community=BAME",
               "/query/status-by-objective?plan=merton-2017-18", "/query/actions?plan=merton-2017-18&objective=9",
               "/query/commitments-not-carried-over?plan=merton-2013-14", "/"]


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_answers_on_a_phone_are_cards_that_never_scroll_sideways(browser, live_server, path):
    context, page, problems = open_page(browser, PHONE)
    try:
        page.goto(live_server + path)
        expect(page.locator("h1")).to_be_visible(timeout=WAIT)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), \
            page.evaluate("document.documentElement.scrollWidth")
        if page.locator("table.answer").count():
            assert page.locator("table.answer tbody tr").first.evaluate("e => getComputedStyle(e).display") == "block"
            label = page.locator("table.answer tbody tr td").nth(1).evaluate(
                "e => getComputedStyle(e, '::before').content")
            assert label not in ("none", "normal", '""')  # each value names its field on the card
    finally:
        context.close()
    assert problems == [], problems


def test_no_word_that_fits_is_broken_on_the_desktop(browser, live_server):
    context, page, problems = open_page(browser, DESKTOP)
    try:
        page.goto(live_server + "/query/actions-for-department?department=Housing")
        expect(page.locator("table.answer")).to_be_visible(timeout=WAIT)
        wraps = page.locator("table.answer td").first.evaluate("e => getComputedStyle(e).overflowWrap")
        assert wraps != "anywhere"
        ref = page.locator("table.answer td .ref").first
        assert ref.evaluate("e => e.getClientRects().length") == 1  # "1.2.12" on one line
    finally:
        context.close()
    assert problems == [], problems


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by `make setup` (web/node_modules)")
@pytest.mark.parametrize("path", ["/query/actions-for-community?community=BAME", "/query/carried-over-commitments"])
def test_answer_pages_have_no_serious_accessibility_violation_on_the_desktop(browser, live_server, path):
    # axe is injected through the browser's debugging protocol, which the page's CSP does not govern. (On a
    # phone every saved query's page is checked, below.)
    context, page, problems = open_page(browser, DESKTOP)
    try:
        page.goto(live_server + path)
        expect(page.locator("h1")).to_be_visible(timeout=WAIT)
        page.evaluate(AXE.read_text(encoding="utf-8"))
        found = page.evaluate("async () => (await axe.run(document)).violations"
                              ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target)}))")
        serious = [v for v in found if v["impact"] in ("serious", "critical")]
        assert serious == [], json.dumps(serious, indent=1)
    finally:
        context.close()
    assert problems == [], problems


def example_paths() -> list[str]:
    from urllib.parse import urlencode

    from eqgraph.catalogue import load_catalogue

    return [f"/query/{name}?{urlencode({p.name: p.example for p in query.params if p.required})}".rstrip("?")
            for name, query in sorted(load_catalogue().items())]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by `make setup` (web/node_modules)")
def test_every_saved_query_with_its_example_fits_the_screen_and_is_accessible(browser, live_server, viewport):
    context, page, problems = open_page(browser, viewport)
    axe = AXE.read_text(encoding="utf-8")
    wide, serious = [], {}
    try:
        for path in example_paths():
            page.goto(live_server + path)
            expect(page.locator("#row-count, #empty-answer").first).to_be_attached(timeout=WAIT)
            if not page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"):
                wide.append(path)
            if viewport is not PHONE:  # (axe on every page once, where the cards are: it is the slow part)
                continue
            page.evaluate(axe)
            found = page.evaluate("async () => (await axe.run(document)).violations"
                                  ".filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id)")
            if found:
                serious[path] = found
    finally:
        context.close()
    assert wide == [] and serious == {} and problems == [], (wide, serious, problems)
