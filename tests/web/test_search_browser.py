"""/search in a real browser (Debian's Chromium driven by Playwright) on a desktop (1280×900) and a phone
(390×844): typed into the site's search box, results visible, grouped and marked, no horizontal scroll on
the phone, no console error, axe-core clean. Every step waits on a condition the page shows, never on time.
"""

from __future__ import annotations


import pytest

from .browser import AXE, DESKTOP, PHONE, WAIT

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def page(browser, request):
    context = browser.new_context(viewport=request.param)
    context.set_default_timeout(WAIT)
    context.set_default_navigation_timeout(WAIT)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield page
    context.close()
    assert errors == [], errors  # no script error, no Content-Security-Policy refusal


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def axe_findings(page) -> list[str]:
    if not AXE.exists():
        pytest.skip("axe-core is not installed; `make setup` installs it (npm ci in web/)")
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the test, not loaded by the page
    return page.evaluate("async () => (await axe.run(document)).violations"
                         ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                         ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))")


def test_a_search_from_the_site_box_shows_grouped_marked_results(page, live_server):
    page.goto(live_server + "/")
    box = page.get_by_role("searchbox", name="Search everything")
    box.fill("ethnic minority")
    box.press("Enter")
    expect(page.locator("#result-count")).to_contain_text("results", timeout=WAIT)
    communities = page.locator("#community")
    expect(communities.get_by_role("heading")).to_contain_text("Communities")
    expect(communities.get_by_role("link", name="Ethnic minorities").first).to_be_visible()
    expect(page.locator("section.search-actions").first).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()
    no_sideways_scroll(page)
    assert axe_findings(page) == []


def test_a_typo_says_how_it_was_read_and_nothing_found_suggests(page, live_server):
    page.goto(live_server + "/search?q=disabilty")
    expect(page.locator(".search-notes")).to_contain_text("searched as disability")
    expect(page.locator("#characteristic").get_by_role("link", name="Disability", exact=True)).to_be_visible()
    no_sideways_scroll(page)
    assert axe_findings(page) == []
    page.goto(live_server + "/search?q=disabiltyy")
    page.get_by_role("link", name="disability").click()
    expect(page.locator("#result-count")).to_contain_text("results")
    no_sideways_scroll(page)
