"""The SPARQL 1.1 Protocol endpoint at /sparql, and its editor page.

GET and POST (URL-encoded form, or a direct `application/sparql-query` body), the protocol's
default-graph-uri / named-graph-uri, results as SPARQL JSON, XML, CSV or TSV and graphs as Turtle,
JSON-LD, N-Triples or RDF/XML, chosen by `Accept` (or `format=`). Read-only: an update is refused with
403. Every query runs in a worker process with a deadline and a row cap (eqgraph.sparql). Reads allow
CORS, so editors on other sites (YASGUI and the like) can use the endpoint. A browser asking for HTML
gets the editor page, with the results as a table.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from flask import Blueprint, Response, render_template, request

from ..sparql import (
    FORMAT_ALIASES,
    GRAPH_DEFAULT,
    GRAPH_TYPES,
    SOLUTION_DEFAULT,
    SOLUTION_TYPES,
    EndpointError,
    Request,
    check_query,
)
from .errors import error_response
from .render import local_path, state

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


def _choose(accept_override: str | None) -> tuple[str, str, bool]:
    """(solutions media type, graph media type, html wanted)."""
    if accept_override:
        media = FORMAT_ALIASES.get(accept_override.lower(), accept_override)
        if media == "html":
            return SOLUTION_DEFAULT, GRAPH_DEFAULT, True
        if media not in SOLUTION_TYPES and media not in GRAPH_TYPES:
            raise BadRequest(f"unknown format {accept_override!r}")
        return (media if media in SOLUTION_TYPES else SOLUTION_DEFAULT,
                media if media in GRAPH_TYPES else GRAPH_DEFAULT, False)
    accept = request.accept_mimetypes
    # HTML only for a client that names text/html and prefers it to every results format it names:
    # `Accept: */*` (curl, python-requests) gets SPARQL results, not the editor page.
    named = {value: quality for value, quality in accept}
    html = named.get("text/html", 0) > 0 and all(
        named.get("text/html", 0) > quality for value, quality in named.items()
        if value in SOLUTION_TYPES or value in GRAPH_TYPES)
    solutions = accept.best_match(list(SOLUTION_TYPES), default=SOLUTION_DEFAULT)
    graphs = accept.best_match(list(GRAPH_TYPES), default=GRAPH_DEFAULT)
    if accept.best == "*/*" or not request.headers.get("Accept"):
        solutions, graphs = SOLUTION_DEFAULT, GRAPH_DEFAULT
    return solutions, graphs, html


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
    except EndpointError as error:
        response = error_response(getattr(error, "status", 400), str(error))
        response = response if isinstance(response, Response) else Response(*response)
        if getattr(error, "status", 400) == 503:
            response.headers["Retry-After"] = "5"
    for key, value in CORS.items():
        response.headers.setdefault(key, value)
    return response


def _answer() -> Response:
    query, params = _operation()
    solutions, graphs, html = _choose(params.get("format", [None])[0])
    if query is None:
        if html:
            return Response(render_template("sparql.html", title="SPARQL endpoint", examples=EXAMPLES,
                                            query=EXAMPLES[0][1], result=None, error=None,
                                            timeout=state().web.query_timeout, max_rows=state().web.max_rows))
        raise BadRequest("missing query: pass query=... (GET or form POST) or POST application/sparql-query")
    web = state().web
    check_query(query, web.service_allowlist)
    job = Request(query, solutions if not html else "application/sparql-results+json", graphs,
                  tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", [])),
                  web.max_rows, request.base_url)
    if html:
        return _html(query, job)
    answer = state().executor.run(job)
    response = Response(answer.body, content_type=_with_charset(answer.content_type))
    response.headers["Vary"] = "Accept"
    if answer.truncated:
        response.headers["X-Eqgraph-Truncated"] = "true"
    return response


def _with_charset(media: str) -> str:
    return media if "charset" in media or media.endswith(("+json", "ld+json")) else f"{media}; charset=utf-8"


def _html(query: str, job: Request) -> Response:
    import json
    import time

    error, result = None, None
    started = time.perf_counter()
    try:
        answer = state().executor.run(job)
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
    except EndpointError as exc:
        error = str(exc)
    status = 200 if error is None else 400
    return Response(render_template("sparql.html", title="SPARQL endpoint", examples=EXAMPLES, query=query,
                                    result=result, error=error, timeout=state().web.query_timeout,
                                    max_rows=state().web.max_rows), status=status)


def _cell(binding: dict | None) -> dict:
    if binding is None:
        return {"text": ""}
    if binding["type"] == "uri":
        return {"text": binding["value"], "href": local_path(binding["value"]) or binding["value"]}
    return {"text": binding["value"]}
