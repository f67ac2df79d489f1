"""Pages of one thing in a real browser (Debian's Chromium driven by Playwright): on a 1280×900 desktop an
action's status and the sentence of its update that decided it are in view without scrolling; on a
390×844 phone no page of one thing scrolls sideways; on both, no console error and axe-core finds no
serious or critical violation. Every step waits on a condition the page shows, never on time.
"""

from __future__ import annotations


import pytest

from .browser import AXE, DESKTOP, PHONE, WAIT

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

ACTIONS = [  # a short commitment, a long sentence of progress, the longest commitment of the plans
    "/id/plan/merton-2013-14/action/1.2.17",
    "/id/plan/merton-2017-18/action/1.11",
    "/id/plan/merton-2017-18/action/6.5",
]
PAGES = [
    "/id/plan/merton-2013-14/action/1.2.17",
    "/id/plan/merton-2017-18/objective/1",
    "/id/plan/merton-2013-14/objective/1",
    "/id/plan/merton-2017-18",
    "/id/strategy/health-and-wellbeing-strategy",
    "/id/partner/network-rail",
    "/id/community/ethnic-minorities",
    "/id/org/children-schools-and-families",
    "/id/characteristic/age",
]


def open_page(browser, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(WAIT)
    context.set_default_navigation_timeout(WAIT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return context, page, errors


@pytest.fixture()
def desktop(browser):
    context, page, errors = open_page(browser, DESKTOP)
    yield page
    context.close()
    assert errors == [], errors  # no script error, no Content-Security-Policy refusal


@pytest.fixture()
def phone(browser):
    context, page, errors = open_page(browser, PHONE)
    yield page
    context.close()
    assert errors == [], errors


def in_view(page, locator) -> bool:
    """Whether the element is wholly inside the viewport as the page opens (nothing scrolled)."""
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def axe_findings(page) -> list[str]:
    if not AXE.exists():
        pytest.skip("axe-core is not installed; `make setup` installs it (npm ci in web/)")
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the test, not loaded by the page
    return page.evaluate("async () => (await axe.run(document)).violations"
                         ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                         ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))")


@pytest.mark.parametrize("path", ACTIONS)
def test_an_actions_status_and_its_reason_are_above_the_fold(desktop, live_server, path):
    desktop.goto(live_server + path)
    status = desktop.locator(".standing .verdict .status")
    reason = desktop.locator(".standing blockquote.because")
    expect(status).to_be_visible()
    expect(reason).to_be_visible()
    assert desktop.evaluate("window.scrollY") == 0
    assert in_view(desktop, desktop.locator("h1")), "the commitment"
    assert in_view(desktop, status), "the status badge"
    assert in_view(desktop, reason), "the sentence that decided it"
    expect(desktop.locator("details.how-read")).not_to_have_attribute("open", "")


@pytest.mark.parametrize("path", PAGES)
def test_no_page_of_one_thing_scrolls_sideways_on_a_phone(phone, live_server, path):
    phone.goto(live_server + path)
    expect(phone.locator("h1")).to_be_visible()
    assert no_sideways_scroll(phone), path
    for details in phone.locator("details").all():  # opened, what was collapsed fits too
        details.locator("summary").click()
        expect(details).to_have_attribute("open", "")
    assert no_sideways_scroll(phone), path + " with everything open"


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pages_of_one_thing_are_accessible(browser, live_server, path, viewport):
    context, page, errors = open_page(browser, viewport)
    try:
        page.goto(live_server + path)
        expect(page.locator("h1")).to_be_visible()
        assert axe_findings(page) == [], path
        for details in page.locator("details").all():
            details.locator("summary").click()
            expect(details).to_have_attribute("open", "")
        assert axe_findings(page) == [], path + " with everything open"
    finally:
        context.close()
    assert errors == [], errors


def test_a_status_count_leads_to_its_actions(desktop, live_server):
    desktop.goto(live_server + "/id/plan/merton-2017-18/objective/1")
    desktop.locator("ul.mix").get_by_role("link", name="5 on track").click()
    expect(desktop).to_have_url(live_server + "/id/plan/merton-2017-18/objective/1?status=on-track#actions")
    expect(desktop.locator("#actions .action-item")).to_have_count(5)
    expect(desktop.locator("#actions .action-item .status.on-track")).to_have_count(5)
