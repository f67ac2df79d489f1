"""Home (the saved-query gallery, plans to browse, search) and one page per saved query."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import OrderedDict

from flask import Blueprint, Response, abort, request, url_for

from .. import formats
from ..catalogue import ParameterError, UnknownQuery, internal_query
from ..formats import HTML, ON_QUERY_GRAPH, ON_QUERY_SOLUTIONS
from ..results import CSV_BOM, sheet, solutions
from ..store import IRI, Triple
from . import answers
from .render import chosen, local_path, render, safe_href, state, wants_json

bp = Blueprint("pages", __name__)

TAG_ORDER = ["overview", "actions", "communities", "partners", "departments", "strategies", "objectives",
             "continuity", "progress", "quality", "gaps", "engagement", "search", "graph", "charts", "browse"]


@bp.route("/index.json")
def home_json():
    return home("json")


@bp.route("/")
def home(fmt=None):
    release = state().release
    queries = release.catalogue.queries
    groups: "OrderedDict[str, list]" = OrderedDict()
    for tag in TAG_ORDER:
        members = [q for q in queries.values() if q.tags and q.tags[0] == tag]
        if members:
            groups[tag] = [_query_summary(q) for q in members]
    rest = [_query_summary(q) for q in queries.values() if not q.tags or q.tags[0] not in TAG_ORDER]
    if rest:
        groups["other"] = rest
    names = answers.plans()  # (read first: a memo's computation must not wait on another memo)
    data = {"title": "eqgraph", "groups": groups, "plans": release.memo("home:plans", lambda: _browse(names)),
            "build": release.info}
    return render("home.html", data, fmt)


def _browse(names: dict) -> list[dict]:
    """The plans and their objectives to browse from the home page: the same for the release's life."""
    plans: "OrderedDict[str, dict]" = OrderedDict()
    for row in state().release.store.query(internal_query("browse")):
        plan = plans.setdefault(row["planId"].value, {
            "id": row["planId"].value, "title": row["planTitle"].value, "iri": row["plan"].value,
            "name": names.get(row["planId"].value, {}).get("name", ""),
            "href": local_path(row["plan"].value), "objectives": []})
        plan["objectives"].append({"number": int(row["number"].value), "label": row["label"].value,
                                   "iri": row["objective"].value, "href": local_path(row["objective"].value),
                                   "actions": int(row["actions"].value),
                                   "browse": url_for("pages.query_page", name="actions", plan=plan["id"],
                                                     objective=row["number"].value)})
    return list(plans.values())


def _query_summary(query) -> dict:
    return {"name": query.name, "title": query.title, "description": query.description, "tags": list(query.tags),
            "params": [p.__dict__ for p in query.params], "href": url_for("pages.query_page", name=query.name)}


@bp.route("/queries.json")
def query_list():
    release = state().release
    return render("home.html", {"queries": [_query_summary(q) for q in release.catalogue.queries.values()]},
                  "json")


@bp.route("/query/<name>")
@bp.route("/query/<name>.<ext>")
def query_page(name: str, ext: str | None = None):
    """A saved query's page, and its twins: `.json` (the page's data), the SPARQL results formats of a
    SELECT or ASK (`.csv`, `.tsv`, `.srj`, `.srx`, and for spreadsheets `.xlsx` and `.excel.csv`) or the
    RDF syntaxes of a CONSTRUCT (`.ttl`, `.nt`, `.jsonld`, `.rdf`, ...), from the formats table; without
    an extension, by Accept."""
    release = state().release
    catalogue = release.catalogue
    if ext is not None and "." in name:  # a two-part extension (`.excel.csv`): query names have no dots
        name, _, first = name.partition(".")
        ext = f"{first}.{ext}"
    if ext is not None:  # an error before the query is known answers in the kind asked for too
        asked = formats.resolve(ext, ON_QUERY_SOLUTIONS) or formats.resolve(ext, ON_QUERY_GRAPH)
        if asked is not None:
            chosen(asked)
    try:
        query = catalogue.get(name)
    except UnknownQuery as error:
        abort(404, str(error))
    builds_graph = query.form in ("CONSTRUCT", "DESCRIBE")
    offered = ON_QUERY_GRAPH if builds_graph else ON_QUERY_SOLUTIONS
    fmt = chosen(_format(name, ext, offered, builds_graph))
    values = {p.name: request.args[p.name] for p in query.params if request.args.get(p.name)}
    fields = []
    for param in query.params:
        options = catalogue.options(param.type)
        fields.append({**param.__dict__, "value": values.get(param.name, ""), "options": options})
    missing = [p.name for p in query.params if p.required and p.name not in values]
    result, error, status = None, None, 200
    if not missing:
        try:
            # A page shows the first rows; a download (or the `.json` twin) carries up to the endpoint's cap.
            page = ext is None and fmt.kind == "page"
            result = catalogue.run(name, values, limit=state().web.page_rows if page else state().web.max_rows)
        except ParameterError as exc:
            error, status = str(exc), 400
    if result is not None:  # show what each typed name was taken to mean ("police" -> the Met)
        for field in fields:
            if field["options"] and field["name"] in result.bindings:
                field["value"] = result.bindings[field["name"]]
    if fmt.kind != "page":
        if result is None:
            abort(400, error or f"parameters needed: {', '.join(missing)}")
        stem = download_stem(name, [values[p.name] for p in query.params if p.name in values])
        return _download(stem, fmt, result, attachment=ext is not None)
    links = [{"ext": f.extension, "label": f.label, "href": url_for("pages.query_page", name=name, ext=f.extension,
                                                                   **values)}
             for f in offered if f is not HTML] if result else []
    data = {
        "title": query.title, "name": name, "description": query.description, "tags": list(query.tags),
        "fields": fields, "missing": missing, "error": error, "sparql": query.sparql,
        "share": request.full_path.rstrip("?"),
        "result": {**_result_data(result), "interpreted": result.interpreted, "typed": values} if result else None,
        "downloads": {link["ext"]: link["href"] for link in links}, "download_links": links,
    }
    if not wants_json(fmt.name):  # the page alone: the JSON twin keeps the rows as the query gives them
        data["inputs"] = [_input(query, param, values, result) for param in query.params]
        data["answer"] = answers.table(query, result) if result is not None else None
    return render("query.html", data, fmt.name, status)


def _input(query, param, values: dict, result) -> dict:
    """A form field as a person fills it in: plans from a list; names typed as people say them, with the
    names offered as they type (a server-side list, and typeahead.js asking /names for more); an
    objective by number, offered with its title; anything else as text."""
    catalogue = state().release.catalogue
    spec = catalogue.types.get(param.type, {})
    typed = values.get(param.name, "")
    field = {"name": param.name, "label": answers.humanise(param.name), "required": param.required,
             "example": param.example or "", "value": typed, "id": f"field-{param.name}",
             "hint": param.description or spec.get("description", "")}
    if param.type == "plan":
        bound = result.bindings.get(param.name) if result is not None else None
        known = answers.plans()
        chosen_id = known[bound]["id"] if bound in known else typed
        options = sorted({p["id"]: p for p in known.values()}.values(), key=lambda p: p["id"])
        return {**field, "input": "select", "value": chosen_id,
                "options": [(p["id"], p["title"]) for p in options]}
    if "class" in spec:
        return {**field, "input": "names", "names": url_for("pages.names", type_name=param.type),
                "options": [label for _, label in catalogue.options(param.type)]}
    if param.name == "objective":
        bound = result.bindings if result is not None else values
        plan = next((bound.get(p.name) for p in query.params if p.type == "plan"), None)
        plan_id = answers.plans().get(plan, {}).get("id") if plan else None
        objectives = [o for o in answers.objectives() if plan_id is None or o["plan"] == plan_id]
        return {**field, "input": "objective",
                "options": [(o["number"], o["label"], o["plan"], answers.plans().get(o["plan"], {}).get("name", ""))
                            for o in objectives]}
    return {**field, "input": "integer" if spec.get("datatype", "").endswith("#integer") else "text"}


MAX_SUGGESTIONS = 20


@bp.route("/names/<type_name>")
def names(type_name: str):
    """Suggestions for a name being typed (`?q=`, `&limit=` up to 20): the things of a parameter type
    whose names match, best first, as the saved queries will read the name (aliases included). JSON
    with `<`, `>` and `&` written as escapes, so no browser can take it for markup."""
    catalogue = state().release.catalogue
    if "class" not in catalogue.types.get(type_name, {}):
        abort(404, f"no names of {type_name!r}; types: "
                   f"{', '.join(t for t, s in sorted(catalogue.types.items()) if 'class' in s)}")
    typed = request.args.get("q", "")[:200]
    try:
        limit = min(max(int(request.args.get("limit", 10)), 1), MAX_SUGGESTIONS)
    except ValueError:
        limit = 10
    body = json.dumps({"ok": True, "type": type_name, "q": typed,
                       "suggestions": catalogue.suggest(type_name, typed, limit)}, ensure_ascii=False)
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Response(body, mimetype="application/json")


def _format(name: str, ext: str | None, offered, builds_graph: bool):
    if ext is None:
        return formats.negotiate(request.headers.get("Accept"), offered, HTML)
    fmt = formats.resolve(ext, offered)
    if fmt is not None:
        return fmt
    other = formats.resolve(ext, ON_QUERY_SOLUTIONS if builds_graph else ON_QUERY_GRAPH)
    if other is not None:
        kind = "queries that build a graph (CONSTRUCT)" if other.kind == "graph" else "SELECT and ASK queries"
        abort(404, f"{other.label} downloads are for {kind}; {name} offers {_extensions(offered)}")
    abort(404, f"no .{ext} download of {name}; try {_extensions(offered)}")


def _extensions(offered) -> str:
    return ", ".join(f".{f.extension}" for f in offered if f is not HTML)


def download_stem(name: str, values: list[str]) -> str:
    """A download's file name before the extension: the query's name and the values asked for, as
    slugs of ASCII letters, digits and hyphens (`actions-for-department-housing`)."""
    parts = [name] + [_slug(v) for v in values]
    return "-".join(p for p in parts if p)[:MAX_STEM].strip("-") or "query"


MAX_STEM = 120


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")


def _download(name: str, fmt, result, attachment: bool) -> Response:
    """A result in a results format, a spreadsheet format or an RDF syntax, from the rows already read
    (capped at the endpoint's limit). `name` is the file name before the extension. The `.csv` download,
    a file people open in a spreadsheet, starts with a UTF-8 byte order mark (Excel reads it as UTF-8
    only then); the same CSV by Accept, for programs, is the spec's, without one. `.excel.csv` also keeps
    text Excel would misread as text, and `.xlsx` is a workbook (eqgraph.results)."""
    if fmt.kind == "graph":
        triples = [Triple(r["subject"], r["predicate"], r["object"]) for r in result.rows]
        body = state().release.store.serialize_triples(triples, fmt.writer, state().prefixes)
    elif fmt.kind == "sheet":
        body = sheet(result, fmt.writer, name)
    else:
        body = solutions(result, fmt.writer)
        if fmt.name == "csv" and attachment:
            body = CSV_BOM.encode("utf-8") + body
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt.extension}"'} if attachment else \
        {"Vary": "Accept"}
    if result.truncated:  # never silently: the download says it stopped at the cap
        headers["X-Eqgraph-Truncated"] = "true"
    if result.interpreted:  # nor how a typed name was read: {"partner": "Clarion Housing Group"}
        headers["X-Eqgraph-Read-As"] = json.dumps(result.interpreted, ensure_ascii=True)
    return Response(body, content_type=fmt.content_type, headers=headers)


def _link_text(row: dict, var: str, iri_columns: int) -> str | None:
    """What a person reads for an IRI cell: its label column when the row has one."""
    for key in (f"{var}Label", f"{var}Title", "label" if iri_columns == 1 else None, "title" if var == "action" else None):
        if key and row.get(key) is not None:
            return row[key].value
    return None


def _result_data(result) -> dict:
    rows = []
    for row in result.rows:
        cells = []
        iri_columns = sum(1 for v in result.variables if isinstance(row.get(v), IRI))
        for var in result.variables:
            term = row.get(var)
            if term is None:
                cells.append({"text": ""})
            elif isinstance(term, IRI):
                href = local_path(term.value)
                text = _link_text(row, var, iri_columns) or (href[len("/id/"):] if href else term.value)
                cells.append({"text": text, "iri": term.value, "href": safe_href(term.value)})
            else:
                cells.append({"text": term.value})
        rows.append(cells)
    return {"variables": result.variables, "rows": rows, "plain": result.plain_rows(), "count": len(rows),
            "truncated": result.truncated, "ms": round(result.elapsed * 1000, 1), "sparql": result.sparql,
            "bindings": result.bindings}


# /about, the dataset page, is eqgraph.web.dataset's.


@bp.route("/health")
def health():
    """For operators and monitors: 200 with the graph served and the query pools' counters (admitted,
    answered, busy, timeout, memory, crash, refused), or 503 when no graph can be served."""
    from flask import jsonify

    from ..errors import StoreError

    try:
        body, status = {"ok": True, **state().health()}, 200
    except StoreError as exc:
        body, status = {"ok": False, "error": str(exc)}, 503
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
