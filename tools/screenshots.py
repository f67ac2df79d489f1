"""Screenshots of what a user sees: every kind of page, full length, on a 1280×900 desktop and a 390×844
phone, written as PNG files (and an index.html to look through them) into a folder outside git.

    python tools/screenshots.py [--out var/screenshots] [--home var] [--fresh]     (or: make screenshots)

It serves the graph built in --home (EQGRAPH_HOME, default var/) with its own `eqgraph serve` on a free
127.0.0.1 port; where none is built there (or with --fresh) it builds the built-in plans into a temporary
home first, leaving --home alone. The pages: home, every saved query with its example values, the page
of one thing of each kind (the one with most statements), search, the graph views and their index,
about, the SPARQL endpoint, the ontology and an error page. Each screenshot is taken once the page says
it is ready (the load event; a graph view's `data-ready`; fonts loaded), never after a pause.
Debian's Chromium (/usr/bin/chromium) is driven by Playwright; `make test` installs both.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
WAIT = 60_000  # ms: a bound on waiting for a condition, not a pace
EQG = "https://w3id.org/eqgraph/ontology#"
KINDS = {  # the kinds of thing with a page of their own, by the class that makes a thing one of them
    "action": "Action", "objective": "EqualityObjective", "plan": "ActionPlan", "partner": "Partner",
    "community": "Community", "strategy": "StrategyOrPlan", "department": "Department",
    "division": "Division", "characteristic": "ProtectedCharacteristic", "priority area": "PriorityArea",
    "theme": "Theme", "source lines": "SourceExcerpt", "commitment": "Commitment",
}
SITE = [("home", "/"), ("search", "/search?q=BAME"), ("graphs and charts", "/graphs"), ("about", "/about"),
        ("SPARQL endpoint", "/sparql"), ("ontology", "/ontology"), ("page not found", "/no-such-page")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eqgraph(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("eqgraph")), *args]


def has_graph(home: Path) -> bool:
    return (home / "current").exists()


@contextmanager
def served(home: Path):
    """`eqgraph serve` over `home` on a free loopback port; yields its address once /health answers."""
    port = free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(eqgraph("serve", "--port", str(port), "--out", str(home)),
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=5).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > end:
                    log.seek(0)
                    raise SystemExit("eqgraph serve did not start:\n" + log.read().decode(errors="replace"))
                time.sleep(0.1)  # polling the server's start, not pacing the pages
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def sparql_rows(base: str, query: str) -> list[dict]:
    request = urllib.request.Request(base + "/sparql?query=" + urllib.parse.quote(query),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["results"]["bindings"]


def pages(base: str) -> list[tuple[str, str]]:
    """(name, path) of every page to show, in the order a visitor meets them."""
    found = list(SITE[:3])
    graphs = json.load(urllib.request.urlopen(base + "/graphs.json", timeout=60))
    found += [(f"graph view {view['name']}", urllib.parse.urlparse(view["href"]).path) for view in graphs["views"]]
    for kind, cls in KINDS.items():
        not_a_plan = f"FILTER NOT EXISTS {{ ?s a <{EQG}ActionPlan> }}" if kind == "strategy" else ""
        rows = sparql_rows(base, f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s a <{EQG}{cls}> ; ?p ?o {not_a_plan} }} "
                                 "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1")
        if rows:
            iri = rows[0]["s"]["value"]
            local = re.search(r"/id/(.+)$", iri)  # the site serves each IRI under /id/, whatever the base
            if local:
                found.append((kind, "/id/" + local.group(1)))
    from eqgraph.catalogue import load_catalogue

    for name, query in sorted(load_catalogue().items()):
        values = {p.name: p.example for p in query.params if p.example}
        found.append((f"query {name}", f"/query/{name}" + (f"?{urllib.parse.urlencode(values)}" if values else "")))
    return found + SITE[3:]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def shoot(base: str, out: Path) -> list[tuple[str, str, dict[str, Path]]]:
    """Screenshots of every page at every size; returns (name, path, {size: file})."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("Playwright is not installed: `make setup` installs it (the test extra)")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: `make system-deps` (or apt-get install chromium) installs it")
    listed = pages(base)
    shots = [(name, path, {}) for name, path in listed]
    with sync_playwright() as p, ExitStack() as stack:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        for size, viewport in SIZES.items():
            folder = out / size
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("*.png"):
                old.unlink()
            context = browser.new_context(viewport=viewport)
            context.set_default_timeout(WAIT)
            page = context.new_page()
            for n, (name, path, files) in enumerate(shots, 1):
                page.goto(base + path)
                if path.startswith("/graphs/"):  # drawn by script once its data is in: it says when
                    page.wait_for_selector("#graph[data-ready=true], #graph[data-error]", state="attached")
                page.evaluate("document.fonts.ready.then(() => true)")
                file = folder / f"{n:02d}-{slug(name)}.png"
                page.screenshot(path=str(file), full_page=True)
                files[size] = file
                print(file)
            context.close()
    return shots


def write_index(out: Path, base_note: str, shots) -> Path:
    """index.html beside the pictures: each page's name and address, its desktop and phone pictures."""
    rows = []
    for name, path, files in shots:
        cells = "".join(f'<td><a href="{html.escape(files[s].relative_to(out).as_posix())}">'
                        f'<img src="{html.escape(files[s].relative_to(out).as_posix())}" alt="{html.escape(name)}, {s}" '
                        f'loading="lazy"></a></td>' for s in SIZES if s in files)
        rows.append(f"<tr><th scope=row>{html.escape(name)}<br><code>{html.escape(path)}</code></th>{cells}</tr>")
    index = out / "index.html"
    index.write_text(f"""<!doctype html>
<html lang="en"><meta charset="utf-8"><title>eqgraph screenshots</title>
<style>body{{font:15px system-ui,sans-serif;margin:1rem}} td,th{{vertical-align:top;text-align:left;padding:.4rem;border-bottom:1px solid #ccc}}
td img{{max-height:420px;border:1px solid #999}} code{{font-size:.8rem;word-break:break-all}} th{{max-width:16rem}}</style>
<h1>eqgraph screenshots</h1><p>{html.escape(base_note)}</p>
<table><thead><tr><th>page</th>{"".join(f"<th>{s} {v['width']}×{v['height']}</th>" for s, v in SIZES.items())}</tr></thead>
<tbody>{"".join(rows)}</tbody></table></html>
""", encoding="utf-8")
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots",
                        help="where the PNG files go (default var/screenshots, outside git)")
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("EQGRAPH_HOME", ROOT / "var")),
                        help="the built graph to serve (default EQGRAPH_HOME or var/)")
    parser.add_argument("--fresh", action="store_true",
                        help="build the built-in plans into a temporary home instead of serving --home")
    args = parser.parse_args()
    with ExitStack() as stack:
        home = args.home
        if args.fresh or not has_graph(home):
            home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="eqgraph-screenshots-")))
            print(f"building the built-in plans into {home} (no graph built in {args.home})"
                  if not args.fresh else f"building the built-in plans into {home}", file=sys.stderr)
            subprocess.run(eqgraph("build", "--out", str(home), "--quiet"), check=True)
        base = stack.enter_context(served(home))
        shots = shoot(base, args.out)
    index = write_index(args.out, f"The graph in {home}, {len(shots)} pages.", shots)
    print(f"{sum(len(files) for _, _, files in shots)} screenshots; look through them in {index}")


if __name__ == "__main__":
    main()
