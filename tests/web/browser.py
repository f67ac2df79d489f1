"""What the Chromium tests share: Debian's Chromium under Playwright, a page that records console errors,
axe-core's serious and critical findings, and the phone's sideways-scroll check.

Browser tests wait on conditions the page shows (Playwright's `expect`, a selector, an attribute a script
sets when it is ready), never on time; WAIT bounds such a wait, it is not a pace: a loaded machine makes
these tests slower, not red.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
WAIT = 60_000  # ms
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")


@contextmanager
def chromium():
    """Debian's Chromium (never a downloaded one); skips where it is missing, fails in CI (`make test`
    installs it)."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; `make test` installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed; `make test` installs it")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    """A page in a browser context of its own, with what went wrong in it since `problems` was emptied.
    `expected_status` is the status the next document is meant to have (an error page's 404)."""

    page: object
    problems: list[str] = field(default_factory=list)
    expected_status: int = 200

    def go(self, url: str, expected_status: int = 200):
        """Navigate, forgetting earlier problems; returns the document's response."""
        self.problems.clear()
        self.expected_status = expected_status
        return self.page.goto(url)


@contextmanager
def visit(browser, viewport: dict, expected_status: int = 200):
    """A fresh context and page at `viewport`. Every console error and uncaught script error is kept in
    `problems`, except the browser's note that the document itself came with the status it was meant to
    have (an error page answers 404, and Chromium logs that as a failed load)."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(WAIT)
    context.set_default_navigation_timeout(WAIT)
    page = context.new_page()
    seen = Visit(page, expected_status=expected_status)

    def console(message):
        if message.type != "error":
            return
        status = seen.expected_status
        own_status = (status >= 400 and message.location.get("url") == page.url and f"status of {status}" in message.text)
        if not own_status:
            seen.problems.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda error: seen.problems.append(f"script: {error}"))
    try:
        yield seen
    finally:
        context.close()


_axe_source: str | None = None


def axe_findings(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now. axe is evaluated through the
    browser's debugging protocol, which the page's Content-Security-Policy does not govern; no route
    serves it. Only violations are collected (`resultTypes`), which makes a long page several times faster."""
    global _axe_source
    if not AXE.exists():
        pytest.skip("axe-core is not installed; `make setup` installs it (npm ci in web/)")
    if _axe_source is None:
        _axe_source = AXE.read_text(encoding="utf-8")
    page.evaluate(_axe_source)
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
    return [v for v in found if v["impact"] in SERIOUS]


def sideways_overflow(page) -> list[str]:
    """Empty when the page is no wider than the window; otherwise the widths and the first elements that
    stick out on the right (outside any scrolling box), to say where to look."""
    return page.evaluate("""() => {
        const width = window.innerWidth, root = document.documentElement;
        if (root.scrollWidth <= width) return [];
        const out = [`page ${root.scrollWidth} px wide in a ${width} px window`];
        const clipped = e => { for (let n = e.parentElement; n && n !== document.body; n = n.parentElement)
                                   if (getComputedStyle(n).overflowX !== 'visible') return true;
                               return false; };
        for (const e of document.querySelectorAll('body *')) {
            const r = e.getBoundingClientRect();
            if (r.right > width + 0.5 && r.width > 0 && !clipped(e))
                out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.classList.length ? '.' + [...e.classList].join('.') : ''}`
                         + ` to ${Math.round(r.right)} px: ${(e.textContent || '').trim().slice(0, 50)}`);
            if (out.length > 6) break;
        }
        return out;
    }""")
