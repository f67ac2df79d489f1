"""The SPARQL 1.1 Protocol endpoint at /sparql, and its editor page.

GET and POST (URL-encoded form, or a direct `application/sparql-query` body), the protocol's
default-graph-uri / named-graph-uri, results as SPARQL JSON, XML, CSV or TSV and graphs as Turtle,
N-Triples, JSON-LD, RDF/XML, N-Quads or TriG, chosen by `Accept` (or `format=`) from the formats table
(eqgraph.formats): the format is chosen twice before the query is read, once among the results
formats and once among the RDF syntaxes, and the query's form picks one. Errors are negotiated too: a
SPARQL client gets one line of text/plain, a JSON client the JSON envelope, a browser the page. Read-only: an update is refused with
403. Every query is checked and run in a worker process of the release's `sparql` pool, with admission
control, a deadline, a memory limit and row and byte caps (eqgraph.store.pool, eqgraph.sparql); this
module only reads the protocol and refuses query texts over the size limit (413). Reads allow
CORS, so editors on other sites (YASGUI and the like) can use the endpoint. A browser asking for HTML
gets the editor page, with the results as a table.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request

from ..errors import QueryFailed
from ..formats import HTML, RESULTS
from ..sparql import Request
from .errors import error_response
from .protocol import CORS, BadRequest, answer_headers, choose, make_request, read_operation, retry_after
from .render import chosen, safe_href, state

bp = Blueprint("endpoint", __name__)

EXAMPLES = [
    ("Actions of the 2017 plan's objective 1", """PREFIX eqg: <https://w3id.org/eqgraph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?action ?ref ?title WHERE {
  ?action eqg:inObjective ?objective ; eqg:ref ?ref ; dcterms:title ?title .
  ?objective eqg:objectiveNumber 1 ; eqg:inPlan/dcterms:identifier "merton-2017-18" .
} ORDER BY ?ref"""),
    ("Partners and how many actions name them", """PREFIX eqg: <https://w3id.org/eqgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?partner ?label (COUNT(?action) AS ?actions) WHERE {
  ?action eqg:worksWith ?partner . ?partner skos:prefLabel ?label .
} GROUP BY ?partner ?label ORDER BY DESC(?actions)"""),
    ("Is any action aimed at Tamil parents?", """PREFIX eqg: <https://w3id.org/eqgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
ASK { ?action eqg:targetsCommunity|eqg:mentionsCommunity ?c . ?c skos:prefLabel "Tamil parents"@en }"""),
    ("Describe one action (CONSTRUCT)", """PREFIX eqg: <https://w3id.org/eqgraph/ontology#>
CONSTRUCT { ?action ?p ?o } WHERE { ?action eqg:ref "2.6" ; ?p ?o }"""),
]


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def sparql():
    if request.method == "OPTIONS":
        return Response(status=204, headers=CORS, content_type="text/plain; charset=utf-8")
    try:
        response = _answer()
    except QueryFailed as error:
        # A protocol client that states no preference gets text, the editor page's user the page.
        response = error_response(error.status, str(error), prefer=g.get("eqgraph_format") or RESULTS[0])
        if error.status == 503:
            response.headers["Retry-After"] = retry_after(state().web)
    for key, value in CORS.items():
        response.headers.setdefault(key, value)
    return response


def _answer() -> Response:
    query, params = read_operation(request.method, request.query_string.decode("utf-8", "replace"),
                                   request.mimetype, request.mimetype_params.get("charset"),
                                   request.get_data(cache=True) if request.method == "POST" else b"")
    solutions, graphs, html = choose(request.headers.get("Accept"), params.get("format", [None])[0])
    chosen(HTML if html else solutions)
    if query is None:
        if html:
            return _page(EXAMPLES[0][1], None, None)
        raise BadRequest("missing query: pass query=... (GET or form POST) or POST application/sparql-query")
    job = make_request(query, params, solutions, graphs, html, state().web)
    if html:
        return _html(query, job)
    answer = _run(job)
    return Response(answer.body, headers=answer_headers(answer))


def _run(job: Request):
    arrived = request.environ.get("eqgraph.arrived")  # set by eqgraph.web.server, never by a client
    return state().release.store.answer(job, client=request.remote_addr or "", arrived=arrived)


def _html(query: str, job: Request) -> Response:
    import json
    import time

    error, result, status = None, None, 200
    started = time.perf_counter()
    try:
        answer = _run(job)
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        if answer.kind == "graph":
            result = {"kind": "graph", "text": answer.body.decode("utf-8"), "ms": elapsed, "truncated": answer.truncated}
        else:
            data = json.loads(answer.body)
            if "boolean" in data:
                result = {"kind": "boolean", "value": data["boolean"], "ms": elapsed}
            else:
                variables = data["head"]["vars"]
                rows = [[_cell(b.get(v)) for v in variables] for b in data["results"]["bindings"]]
                result = {"kind": "solutions", "variables": variables, "rows": rows, "count": len(rows),
                          "ms": elapsed, "truncated": answer.truncated}
    except QueryFailed as exc:
        error, status = str(exc), exc.status
    return _page(query, result, error, status)


def _page(query: str, result: dict | None, error: str | None, status: int = 200) -> Response:
    web = state().web
    # The endpoint's address as configured, never as the request's Host header claims it.
    return Response(render_template("sparql.html", title="SPARQL endpoint", examples=EXAMPLES, query=query,
                                    result=result, error=error, timeout=web.query_timeout, max_rows=web.max_rows,
                                    endpoint_url=web.endpoint_url), status=status)


def _cell(binding: dict | None) -> dict:
    if binding is None:
        return {"text": ""}
    if binding["type"] == "uri":
        return {"text": binding["value"], "href": safe_href(binding["value"])}
    return {"text": binding["value"]}
