"""The SPARQL 1.1 Protocol endpoint at /sparql, and its editor page.

GET and POST (URL-encoded form, or a direct `application/sparql-query` body), the protocol's
default-graph-uri / named-graph-uri, results as SPARQL JSON, XML, CSV or TSV and graphs as Turtle,
N-Triples, JSON-LD, RDF/XML, N-Quads or TriG, chosen by `Accept` (or `format=`) from the formats table
(eqgraph.formats): the format is chosen twice before the query is read, once among the results
formats and once among the RDF syntaxes, and the query's form picks one. Errors are negotiated too: a
SPARQL client gets one line of text/plain, a JSON client the JSON envelope, a browser the page. Read-only: an update is refused with
403. Every query is checked and run in a worker process of the release's `sparql` pool, with admission
control, a deadline, a memory limit and row and byte caps (eqgraph.workers, eqgraph.sparql); this
module only reads the protocol and refuses query texts over the size limit (413). Reads allow
CORS, so editors on other sites (YASGUI and the like) can use the endpoint. A browser asking for HTML
gets the editor page, with the results as a table.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from flask import Blueprint, Response, g, render_template, request

from .. import formats
from ..errors import QueryFailed
from ..formats import GRAPHS, HTML, ON_SPARQL, ON_SPARQL_GRAPHS, ON_SPARQL_RESULTS, RESULTS, Format
from ..sparql import EndpointError, Request
from .errors import error_response
from .render import chosen, safe_href, state

bp = Blueprint("endpoint", __name__)

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": "X-Eqgraph-Truncated",
    "Access-Control-Max-Age": "86400",
}
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


class BadRequest(EndpointError):
    status = 400


class QueryTooLarge(EndpointError):
    status = 413


def _choose(override: str | None) -> tuple[Format, Format, bool]:
    """(results format, graph format, editor page wanted), from `format=` or else Accept."""
    if override:
        results, graphs = formats.resolve(override, ON_SPARQL_RESULTS), formats.resolve(override, ON_SPARQL_GRAPHS)
        if results is None and graphs is None:
            raise BadRequest(f"unknown format {override!r}; use one of {formats.tokens(ON_SPARQL_RESULTS)}, "
                             f"{formats.tokens(GRAPHS)}")
        if HTML in (results, graphs):
            return RESULTS[0], GRAPHS[0], True
        return results or RESULTS[0], graphs or GRAPHS[0], False
    accept = request.headers.get("Accept")
    # The editor page only for a client that prefers text/html to every format it names: `Accept: */*`
    # (curl, python-requests) gets SPARQL results, not the page.
    html = formats.negotiate(accept, ON_SPARQL) is HTML
    return formats.negotiate(accept, RESULTS, RESULTS[0]), formats.negotiate(accept, GRAPHS, GRAPHS[0]), html


def _operation() -> tuple[str | None, dict[str, list[str]]]:
    """The query text and the protocol parameters, read as the SPARQL 1.1 Protocol says."""
    params = parse_qs(request.query_string.decode("utf-8", "replace"), keep_blank_values=True)
    if request.method == "GET":
        if "update" in params:
            raise EndpointError("updates are not accepted by GET, and this endpoint is read-only")
        queries = params.get("query", [])
    else:
        content_type = (request.mimetype or "").lower()
        charset = (request.mimetype_params.get("charset") or "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise BadRequest(f"request bodies must be UTF-8, not {charset}")
        body = request.get_data(cache=True)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("request body is not valid UTF-8") from None
        if content_type == "application/x-www-form-urlencoded":
            form = parse_qs(text, keep_blank_values=True)
            if "update" in form:
                raise _refused()
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
            queries = params.get("query", [])
        elif content_type == "application/sparql-query":
            queries = params.get("query", []) + [text]
        elif content_type == "application/sparql-update":
            raise _refused()
        else:
            raise BadRequest("POST a query as application/x-www-form-urlencoded (query=...) or as "
                             f"application/sparql-query, not {content_type or 'a body without a media type'}")
    if "update" in params:
        raise _refused()
    if len(queries) > 1:
        raise BadRequest("exactly one query per request, please")
    return (queries[0] if queries else None), params


def _refused():
    from ..sparql import UpdateRefused

    return UpdateRefused("this endpoint is read-only: SPARQL updates are refused")


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def sparql():
    if request.method == "OPTIONS":
        return Response(status=204, headers=CORS)
    try:
        response = _answer()
    except QueryFailed as error:
        # A protocol client that states no preference gets text, the editor page's user the page.
        response = error_response(error.status, str(error), prefer=g.get("eqgraph_format") or RESULTS[0])
        if error.status == 503:
            response.headers["Retry-After"] = str(max(1, round(state().web.query_timeout)))
    for key, value in CORS.items():
        response.headers.setdefault(key, value)
    return response


def _answer() -> Response:
    query, params = _operation()
    solutions, graphs, html = _choose(params.get("format", [None])[0])
    chosen(HTML if html else solutions)
    if query is None:
        if html:
            return _page(EXAMPLES[0][1], None, None)
        raise BadRequest("missing query: pass query=... (GET or form POST) or POST application/sparql-query")
    web = state().web
    if len(query) > web.max_query:
        raise QueryTooLarge(f"the query is {len(query):,} characters long; this endpoint accepts at most "
                            f"{web.max_query:,}")
    job = Request(query, solutions.media_type if not html else RESULTS[0].media_type, graphs.media_type,
                  tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", [])),
                  web.max_rows, web.endpoint_url, web.max_bytes,
                  web.service_allowlist)
    if html:
        return _html(query, job)
    answer = _run(job)
    response = Response(answer.body, content_type=_content_type(answer.content_type))
    response.headers["Vary"] = "Accept"
    if answer.truncated:
        response.headers["X-Eqgraph-Truncated"] = "true"
    return response


def _run(job: Request):
    try:
        arrived = float(request.headers.get("X-Eqgraph-Arrived", ""))  # set by eqgraph.web.server
    except ValueError:
        arrived = None
    return state().release.store.answer(job, client=request.remote_addr or "", arrived=arrived)


def _content_type(media: str) -> str:
    """The Content-Type of an answer in a format of the table (charset named for text formats)."""
    fmt = formats.resolve(media, RESULTS) or formats.resolve(media, GRAPHS)
    return fmt.content_type if fmt is not None else media


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
