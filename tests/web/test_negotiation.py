"""Content negotiation on every route, driven by the formats table: each route × each format it offers,
asked for by Accept, by `.ext` twin and by `?format=` (name and aliases); errors negotiated too; and
the same SELECT through /query/NAME.tsv and /sparql gives the same table."""

from __future__ import annotations

import csv
import io
import json

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's dataset parsers

from eqgraph import formats
from eqgraph.formats import HTML, ON_ENTITY, ON_GRAPH_VIEW, ON_QUERY_GRAPH, ON_QUERY_SOLUTIONS

SELECT = "SELECT ?ref WHERE { ?a <https://w3id.org/eqgraph/ontology#ref> ?ref } ORDER BY ?ref LIMIT 3"
CONSTRUCT = "CONSTRUCT { ?a ?p ?o } WHERE { ?a <https://w3id.org/eqgraph/ontology#ref> \"2.6\" ; ?p ?o }"
ENTITY = "/id/plan/merton-2017-18/action/2.6"  # a dot in the identifier: never read as an extension
GRAPH_QUERY = "/query/plan-graph", {"plan": "merton-2017-18"}
RDFLIB = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml", "nquads": "nquads", "trig": "trig"}

# route -> (path, query string, formats it offers, whether it reads ?format=, whether it has .ext twins)
ROUTES = {
    "sparql-select": ("/sparql", {"query": SELECT}, formats.ON_SPARQL_RESULTS, True, False),
    "sparql-construct": ("/sparql", {"query": CONSTRUCT}, formats.ON_SPARQL_GRAPHS, True, False),
    "entity": (ENTITY, {}, ON_ENTITY, True, True),
    "query-select": ("/query/plans", {}, ON_QUERY_SOLUTIONS, False, True),
    "query-construct": (*GRAPH_QUERY, ON_QUERY_GRAPH, False, True),
    "graph-view": ("/graphs/strategies", {}, ON_GRAPH_VIEW, False, True),
}
CASES = [(route, fmt) for route, (_, _, offered, _, _) in ROUTES.items() for fmt in offered]
IDS = [f"{route}-{fmt.name}" for route, fmt in CASES]


def check_body(response, fmt, route: str) -> None:
    """The answer is the format it says it is, and not empty."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == fmt.media_type
    expected = fmt.content_type if fmt.kind != "page" else ("text/html; charset=utf-8" if fmt is HTML
                                                            else "application/json")
    assert response.headers["Content-Type"] == expected
    body = response.get_data()
    if fmt.kind == "graph":
        from rdflib import Dataset, Graph

        graph = Dataset() if fmt.name in ("nquads", "trig") else Graph()
        graph.parse(data=body, format=RDFLIB[fmt.name])
        assert sum(len(g) for g in graph.graphs()) > 0 if fmt.name in ("nquads", "trig") else len(graph) > 0
    elif fmt.name == "srj":
        assert json.loads(body)["head"]["vars"]
    elif fmt.name == "srx":
        assert b"<sparql xmlns=" in body and b"<variable name=" in body
    elif fmt.name in ("csv", "tsv"):
        text = body.decode("utf-8").removeprefix("\ufeff")
        header = next(csv.reader(io.StringIO(text), delimiter="," if fmt.name == "csv" else "\t"))
        assert header and all(h.startswith("?") == (fmt.name == "tsv") for h in header)
        assert len(text.splitlines()) > 1
    elif fmt.name == "json":
        assert isinstance(json.loads(body), dict)
    elif fmt is HTML:
        assert body.lstrip().lower().startswith(b"<!doctype html")
    elif fmt.name == "xlsx":
        from openpyxl import load_workbook

        assert load_workbook(io.BytesIO(body)).active.max_row > 1
    elif fmt.name == "excel-csv":
        text = body.decode("utf-8")
        assert text.startswith("\ufeff") and "\r\n" in text and len(text.splitlines()) > 1
    elif fmt.name == "graphml":
        assert b"<graphml" in body
    elif fmt.name == "gexf":
        assert b"<gexf" in body


@pytest.mark.parametrize("route, fmt", CASES, ids=IDS)
def test_every_format_by_accept(client, route, fmt):
    path, params, _, _, _ = ROUTES[route]
    if not fmt.negotiable:  # by extension only: its media type (text/csv) is the spec's CSV's
        assert client.get(path, query_string=params, headers={"Accept": fmt.media_type}).get_data()[:3] != b"\xef\xbb\xbf"
        return
    response = client.get(path, query_string=params, headers={"Accept": fmt.media_type})
    check_body(response, fmt, route)
    if route.startswith("sparql") and fmt is not HTML:
        assert "Accept" in response.headers["Vary"].split(", ")


@pytest.mark.parametrize("route, fmt", [c for c in CASES if ROUTES[c[0]][4]],
                         ids=[i for c, i in zip(CASES, IDS) if ROUTES[c[0]][4]])
def test_every_format_by_extension(client, route, fmt):
    path, params, offered, _, _ = ROUTES[route]
    response = client.get(f"{path}.{fmt.extension}", query_string=params)
    check_body(response, fmt, route)
    by_accept = client.get(path, query_string=params, headers={"Accept": fmt.media_type})
    if fmt.kind in ("results", "graph"):  # the twin is the same answer
        assert response.get_data().removeprefix("\ufeff".encode()) == by_accept.get_data()
    if fmt.kind != "page":
        assert response.headers.get("Content-Disposition", "attachment").startswith("attachment")


@pytest.mark.parametrize("route, fmt", [c for c in CASES if ROUTES[c[0]][3]],
                         ids=[i for c, i in zip(CASES, IDS) if ROUTES[c[0]][3]])
def test_every_format_by_format_parameter(client, route, fmt):
    path, params, offered, _, _ = ROUTES[route]
    for token in (fmt.name, fmt.extension, *fmt.aliases):
        if formats.resolve(token, offered) is not fmt:
            continue  # a token another offered format answers to first (`json` is the page on /id)
        response = client.get(path, query_string={**params, "format": token})
        check_body(response, fmt, route)


@pytest.mark.parametrize("token, select, construct", [
    ("xml", "application/sparql-results+xml", "application/rdf+xml"),  # as before: by the query's form
    ("json", "application/sparql-results+json", "text/turtle"),
    ("turtle", "application/sparql-results+json", "text/turtle"),
    ("csv", "text/csv", "text/turtle"),
    ("jsonld", "application/sparql-results+json", "application/ld+json"),
])
def test_one_format_parameter_means_a_results_format_or_a_syntax_by_the_query_form(client, token, select, construct):
    assert client.get("/sparql", query_string={"query": SELECT, "format": token}).mimetype == select
    assert client.get("/sparql", query_string={"query": CONSTRUCT, "format": token}).mimetype == construct


@pytest.mark.parametrize("accept, expected", [
    ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0, */*", "application/sparql-results+json"),
    ("application/sparql-results+xml, */*;q=0.1", "application/sparql-results+xml"),
    ("text/html;q=0.5, application/sparql-results+json", "application/sparql-results+json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("*/*", "application/sparql-results+json"),
    ("image/png", "application/sparql-results+json"),
])
def test_q_values_on_the_endpoint(client, accept, expected):
    assert client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept}).mimetype == expected


@pytest.mark.parametrize("accept, expected", [
    ("text/turtle;q=0.2, application/ld+json;q=0.8", "application/ld+json"),
    ("application/json;q=0.9, text/html", "text/html"),
    ("application/json, text/html;q=0.9", "application/json"),
    ("text/plain", "application/n-triples"),  # N-Triples' media type before 2014
])
def test_q_values_on_an_entity(client, accept, expected):
    assert client.get(ENTITY, headers={"Accept": accept}).mimetype == expected


def test_twins_of_identifiers_with_dots_and_unknown_formats(client):
    assert client.get(ENTITY + ".ttl").mimetype == "text/turtle"
    assert client.get(ENTITY).mimetype == "text/html"
    assert client.get(ENTITY + ".pdf").status_code == 404
    assert client.get(ENTITY, query_string={"format": "pdf"}).status_code == 400
    assert client.get("/query/plans.ttl").status_code == 404
    assert "CONSTRUCT" in client.get("/query/plans.ttl", headers={"Accept": "text/plain"}).get_data(as_text=True)
    assert client.get("/query/plan-graph.csv", query_string=GRAPH_QUERY[1]).status_code == 404
    assert client.get("/graphs/strategies.ttl").status_code == 404
    assert client.get("/sparql", query_string={"query": SELECT, "format": "pdf"}).status_code == 400


def test_the_entity_page_links_its_twins(client):
    html = client.get(ENTITY).get_data(as_text=True)
    for fmt in ON_ENTITY:
        if fmt is not HTML:
            assert f'href="{ENTITY}.{fmt.extension}"' in html


# --- errors, negotiated --------------------------------------------------------------------------------

MALFORMED = {"query": "SELEKT * WHERE {"}


@pytest.mark.parametrize("accept", [
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
    "text/turtle", "application/n-triples", "text/plain", "*/*", None,
])
def test_a_sparql_client_gets_its_error_as_one_line_of_text(client, accept):
    response = client.get("/sparql", query_string=MALFORMED, headers={"Accept": accept} if accept else {})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "<html" not in body.lower() and body.endswith("\n") and body.count("\n") == 1
    assert "malformed query" in body
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_json_client_gets_the_envelope_and_a_browser_the_page(client):
    envelope = client.get("/sparql", query_string=MALFORMED, headers={"Accept": "application/json"})
    assert envelope.status_code == 400 and envelope.get_json()["ok"] is False
    assert envelope.get_json()["status"] == 400 and "malformed query" in envelope.get_json()["error"]
    browser = client.get("/sparql", query_string=MALFORMED,
                         headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.status_code == 400 and browser.mimetype == "text/html"


@pytest.mark.parametrize("path, accept, kind", [
    ("/query/nope", None, "html"),  # the site's pages: a page unless the client prefers otherwise
    ("/query/nope", "*/*", "html"),
    ("/query/nope", "application/json", "json"),
    ("/query/nope", "text/csv", "text"),
    ("/query/nope.json", None, "json"),  # the twin asked for says how, even before the query is known
    ("/query/nope.tsv", None, "text"),
    ("/id/plan/nope", "text/turtle", "text"),
    ("/id/plan/nope", "application/ld+json", "text"),
    ("/id/plan/nope", "text/html", "html"),
    ("/query/actions-for-partner.csv", None, "text"),  # the download asked for CSV: its error is text
    ("/query/actions-for-partner.csv", "text/html,*/*;q=0.8", "html"),  # a browser following the link
    ("/query/actions-for-partner", "text/tab-separated-values", "text"),
    ("/sparql?query=ASK{}&format=pdf", None, "text"),
    ("/sparql", "application/sparql-results+json", "text"),  # no query
    ("/sparql?query=ASK{}&format=pdf", "application/json", "json"),
])
def test_errors_everywhere_answer_in_kind(client, path, accept, kind):
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code in (400, 404)
    if kind == "html":
        assert response.mimetype == "text/html" and "<h1>" in response.get_data(as_text=True)
    elif kind == "json":
        assert response.mimetype == "application/json" and response.get_json()["ok"] is False
    else:
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert response.get_data(as_text=True).count("\n") == 1
    assert "Accept" in response.headers["Vary"]


# --- the same SELECT through /query and /sparql --------------------------------------------------------

def _table(text: str, delimiter: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter, quoting=csv.QUOTE_NONE
                           if delimiter == "\t" else csv.QUOTE_MINIMAL))
    return rows[0], rows[1:]


@pytest.mark.parametrize("name, params", [
    ("plans", {}),
    ("actions-for-partner", {"partner": "TfL"}),
    ("strategies-feeding-objective", {"plan": "merton-2017-18", "objective": "1"}),
])
@pytest.mark.parametrize("ext, media", [("tsv", "text/tab-separated-values"), ("csv", "text/csv")])
def test_the_same_select_through_query_and_sparql_gives_the_same_table(client, name, params, ext, media):
    download = client.get(f"/query/{name}.{ext}", query_string=params)
    assert download.status_code == 200
    sparql = client.get(f"/query/{name}.json", query_string=params).get_json()["result"]["sparql"]
    answer = client.post("/sparql", data={"query": sparql}, headers={"Accept": media})
    assert answer.status_code == 200 and answer.mimetype == media
    delimiter = "\t" if ext == "tsv" else ","
    header, rows = _table(download.get_data(as_text=True), delimiter)
    same_header, same_rows = _table(answer.get_data(as_text=True), delimiter)
    assert header == same_header and len(rows) > 0
    assert rows == same_rows
    if ext == "tsv":  # and byte for byte, both written by one writer
        assert download.get_data() == answer.get_data()
