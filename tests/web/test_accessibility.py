"""Every kind of page in Chromium, on a 1280×900 desktop and a 390×844 phone: axe-core finds no serious or
critical violation, nothing goes to the console as an error (script errors and Content-Security-Policy
refusals included), and on the phone nothing scrolls sideways.

The pages: home; every saved query with its example values (from the catalogue, so a new query is checked
the day it is added); the page of one thing of each kind, the richest one the built graph holds (most
statements: the longest lists and words); search; the graph views and their index; about; the SPARQL
endpoint; the ontology; an error page. Then what every page shares: a favicon, a skip link that works,
a visible focus ring, form fields whose edge can be seen, and a header in plain words.

One browser for the module, one fresh page per URL and size; every wait is on a condition (the graph
view's `data-ready`), never on time.
"""

from __future__ import annotations

import json
import re
from contextlib import ExitStack
from urllib.parse import urlencode

import pytest

from eqgraph import graphs
from eqgraph.catalogue import load_catalogue

from .browser import DESKTOP, PHONE, WAIT, axe_findings, sideways_overflow, visit

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

EQG = "https://w3id.org/eqgraph/ontology#"
# The kinds of thing with a page of their own (/id/...), by the class that makes a thing one of them.
KINDS = {
    "action": EQG + "Action",
    "objective": EQG + "EqualityObjective",
    "plan": EQG + "ActionPlan",
    "partner": EQG + "Partner",
    "community": EQG + "Community",
    "strategy": EQG + "StrategyOrPlan",
    "department": EQG + "Department",
    "division": EQG + "Division",
    "characteristic": EQG + "ProtectedCharacteristic",
    "priority area": EQG + "PriorityArea",
    "theme": EQG + "Theme",
    "ward": EQG + "ElectoralWard",
    "source lines": EQG + "SourceExcerpt",
    "commitment": EQG + "Commitment",
    "link": EQG + "Link",
}
FIXED = ["/", "/search?q=BAME", "/graphs", "/about", "/sparql", "/ontology"]
MISSING = "/no-such-page"  # the error page
SIZES = {"desktop": DESKTOP, "phone": PHONE}


def saved_query_paths() -> list[str]:
    """Every saved query with every example value its parameters declare."""
    paths = []
    for name, query in sorted(load_catalogue().items()):
        values = {p.name: p.example for p in query.params if p.example}
        paths.append(f"/query/{name}" + (f"?{urlencode(values)}" if values else ""))
    return paths


def graph_view_paths() -> list[str]:
    return [f"/graphs/{view['name']}" for view in graphs.settings()["views"]]


@pytest.fixture(scope="module")
def things(built) -> dict[str, str]:
    """Kind -> the path of the thing of that kind with the most statements about it (a plan is also a
    strategy or plan: a strategy here is one that is not an action plan)."""
    from eqgraph.store import open_current

    settings = built[0]
    store = open_current(settings.home)
    found = {}
    for kind, cls in KINDS.items():
        not_a_plan = f"FILTER NOT EXISTS {{ ?s a <{EQG}ActionPlan> }}" if kind == "strategy" else ""
        rows = list(store.query(f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s a <{cls}> ; ?p ?o {not_a_plan} }} "
                                "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1"))
        assert rows, f"the built graph has no {kind}"
        iri = rows[0]["s"].value
        assert iri.startswith(settings.base), iri
        found[kind] = "/id/" + iri.removeprefix(settings.base)
    return found


@pytest.fixture(scope="module")
def tabs(browser):
    """One page per size for the whole module (each URL is visited once per size, problems counted per
    visit): a fresh context per URL would cost more than most checks."""
    with ExitStack() as stack:
        yield {size: stack.enter_context(visit(browser, viewport)) for size, viewport in SIZES.items()}


def check(tab, server: str, path: str, phone: bool, status: int = 200) -> None:
    response = tab.go(server + path, expected_status=status)
    assert response.status == status, f"{path} answered {response.status}"
    if path.startswith("/graphs/"):  # drawn by script after its data arrives: wait until it says so
        tab.page.wait_for_selector("#graph[data-ready=true], #graph[data-error]", state="attached", timeout=WAIT)
        assert tab.page.locator("#graph").get_attribute("data-error") is None
    wide = sideways_overflow(tab.page) if phone else []
    serious = axe_findings(tab.page)
    problems = list(tab.problems)
    assert (wide, serious, problems) == ([], [], []), json.dumps(
        {"page": path, "sideways scroll": wide, "axe": serious, "console": problems}, indent=1)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", FIXED + graph_view_paths())
def test_site_page(tabs, live_server, path, size):
    check(tabs[size], live_server, path, size == "phone")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", saved_query_paths())
def test_saved_query_page_with_its_example(tabs, live_server, path, size):
    check(tabs[size], live_server, path, size == "phone")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_page_of_a_thing(tabs, live_server, things, kind, size):
    check(tabs[size], live_server, things[kind], size == "phone")


@pytest.mark.parametrize("size", SIZES)
def test_error_page(tabs, live_server, size):
    check(tabs[size], live_server, MISSING, size == "phone", status=404)


def test_the_favicon_resolves_and_favicon_ico_leads_to_it(browser, live_server, client):
    with visit(browser, DESKTOP) as seen:
        seen.page.goto(live_server + "/")
        href = seen.page.locator("link[rel=icon]").get_attribute("href")
        icon = seen.page.request.get(live_server + href)
        assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
        assert b"<svg" in icon.body()
        assert seen.problems == []
    redirect = client.get("/favicon.ico")
    assert redirect.status_code in (301, 302, 308) and redirect.headers["Location"].endswith(href)


def test_the_skip_link_is_first_shows_on_focus_and_moves_to_the_content(browser, live_server):
    with visit(browser, DESKTOP) as seen:
        page = seen.page
        page.goto(live_server + "/query/actions-for-community?community=BAME")
        skip = page.get_by_role("link", name="Skip to the content")
        expect(skip).not_to_be_in_viewport()
        page.keyboard.press("Tab")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        page.keyboard.press("Tab")  # the next stop is inside the content, past the header
        assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
        assert seen.problems == []


def relative_luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("path, field", [("/", "header input[name=q]"),
                                         ("/query/actions-for-community", "form.params input[name=community]"),
                                         ("/sparql", "textarea")])
def test_form_fields_show_their_edge_and_a_focus_ring(browser, live_server, path, field):
    """WCAG 1.4.11: what shows a control (its border) and its state (focus) at least 3:1 against what is
    around it; axe-core does not check this."""
    with visit(browser, DESKTOP) as seen:
        page = seen.page
        page.goto(live_server + path)
        box = page.locator(field).first
        style = box.evaluate("""e => { const s = getComputedStyle(e), p = getComputedStyle(e.parentElement);
            let bg = 'rgb(255, 255, 255)';
            for (let n = e.parentElement; n; n = n.parentElement) {
                const c = getComputedStyle(n).backgroundColor;
                if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; } }
            return {border: s.borderTopColor, width: parseFloat(s.borderTopWidth), fill: s.backgroundColor, around: bg}; }""")
        assert style["width"] >= 1
        assert contrast(style["border"], style["fill"]) >= 3 or contrast(style["border"], style["around"]) >= 3, style
        box.focus()
        ring = box.evaluate("e => { const s = getComputedStyle(e); return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor}; }")
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        assert contrast(ring["colour"], style["around"]) >= 3, ring
        assert seen.problems == []


def test_links_show_a_focus_ring_when_reached_by_keyboard(browser, live_server):
    with visit(browser, DESKTOP) as seen:
        page = seen.page
        page.goto(live_server + "/")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # past the skip link: the site's name
        ring = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                             " return {tag: document.activeElement.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }")
        assert ring["tag"] == "A" and ring["style"] != "none" and ring["width"] >= 2, ring


JARGON = re.compile(r"\b(SPARQL|RDF|IRI|URI|ontology|triples?|named graph|knowledge graph)\b|\w+:[A-Z]\w+", re.I)


def test_the_header_every_page_shares_speaks_plain_words(client):
    """The site's header (its name, the menu, the search box) is for everyone: no technical term; the
    technical ways in are in the footer, named as being for developers."""
    html = client.get("/").get_data(as_text=True)
    header = re.search(r"<header class=\"site\">(.*?)</header>", html, re.S).group(1)
    words = re.sub(r"<[^>]+>", " ", header) + " " + " ".join(re.findall(r'(?:placeholder|aria-label)="([^"]*)"', header))
    assert JARGON.search(words) is None, words
    footer = re.search(r"<footer>(.*?)</footer>", html, re.S).group(1)
    assert "for developers" in footer and 'href="/sparql' in footer
