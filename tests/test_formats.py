"""The formats table and negotiation: every format found from its media types, extension, name and
aliases on every route that offers it; q-values and specificity; no token ambiguous on any route."""

import pytest

from eqgraph import formats
from eqgraph.formats import FORMATS, ROUTES, AmbiguousFormat, negotiate, resolve
from eqgraph.store import terms

OFFERS = [(route, fmt) for route, offered in ROUTES.items() for fmt in offered]


def _id(value):
    return value.name if isinstance(value, formats.Format) else str(value)


def test_the_table_is_one_entry_per_format_with_unique_names_extensions_and_media_types():
    names = [f.name for f in FORMATS]
    assert len(names) == len(set(names))
    assert len({f.extension for f in FORMATS}) == len(FORMATS)
    negotiable = [f for f in FORMATS if f.negotiable]
    assert len({f.media_type for f in negotiable}) == len(negotiable)  # canonical media types
    # A format reached by extension only shares its media type with a negotiable one of the same use.
    assert all(f.media_type in {n.media_type for n in negotiable} for f in FORMATS if not f.negotiable)
    for fmt in FORMATS:
        assert fmt.kind in ("results", "graph", "page", "network", "sheet")
        assert fmt.media_types and all(m == m.lower() and "/" in m for m in fmt.media_types)
        assert fmt.writer
        assert fmt.content_type == (f"{fmt.media_type}; charset=utf-8" if fmt.text else fmt.media_type)
    tokens = [t for f in FORMATS for t in (f.name, f.extension, *f.aliases)]
    # A token shared by two formats belongs to two kinds: the route's offer tells them apart.
    for token in set(tokens):
        owners = [f for f in FORMATS if token in (f.name, f.extension, *f.aliases)]
        assert len({f.kind for f in owners}) == len(owners), token


@pytest.mark.parametrize("route, offered", ROUTES.items(), ids=list(ROUTES))
def test_no_token_is_ambiguous_on_any_route(route, offered):
    for fmt in offered:
        for token in (fmt.name, fmt.extension, *fmt.aliases, *fmt.media_types):
            resolve(token, offered)  # raises AmbiguousFormat when two offered formats tie


@pytest.mark.parametrize("route, fmt", OFFERS, ids=[f"{r}-{f.name}" for r, f in OFFERS])
def test_every_offered_format_is_found_by_name_extension_and_canonical_media_type(route, fmt):
    offered = ROUTES[route]
    assert resolve(fmt.name, offered) is fmt
    assert resolve(fmt.extension, offered) is fmt
    assert resolve(fmt.name.upper(), offered) is fmt
    if not fmt.negotiable:  # CSV for Excel: `text/csv` is the spec's CSV, by Accept and by ?format=
        assert resolve(fmt.media_type, offered) is not fmt and negotiate(fmt.media_type, offered) is not fmt
        return
    assert resolve(fmt.media_type, offered) is fmt
    assert negotiate(fmt.media_type, offered) is fmt
    assert negotiate(f"{fmt.media_type};q=0.9, */*;q=0.1", offered) is fmt


@pytest.mark.parametrize("route, fmt", OFFERS, ids=[f"{r}-{f.name}" for r, f in OFFERS])
def test_aliases_and_secondary_media_types_name_the_format_unless_a_stronger_match_takes_them(route, fmt):
    offered = ROUTES[route]
    for alias in fmt.aliases:
        found = resolve(alias, offered)
        # An alias yields to another offered format's name or extension (`json` is the page where one is offered).
        assert found is fmt or alias in (found.name, found.extension), (alias, found)
    for media in fmt.media_types[1:]:
        found = negotiate(media, offered)
        assert found is fmt or found.media_type == media, (media, found)


@pytest.mark.parametrize("token, route, expected", [
    ("xml", "sparql-results", "srx"), ("xml", "sparql-graphs", "rdfxml"), ("xml", "entity", "rdfxml"),
    ("xml", "query-solutions", "srx"), ("xml", "query-graph", "rdfxml"),
    ("json", "sparql-results", "srj"), ("json", "entity", "json"), ("json", "query-solutions", "json"),
    ("application/json", "sparql-results", "srj"), ("application/json", "query-solutions", "json"),
    ("ttl", "entity", "turtle"), ("turtle", "query-graph", "turtle"), ("json-ld", "entity", "jsonld"),
    ("ntriples", "cli-export", "nt"), ("xml", "cli-export", "rdfxml"), ("html", "sparql-results", "html"),
    ("text/plain", "entity", "nt"), ("text/plain", "cli-query", "table"), ("xml", "cli-query", "srx"), ("TSV", "query-solutions", "tsv"),
    ("xlsx", "query-solutions", "xlsx"), ("excel.csv", "query-solutions", "excel-csv"),
    ("excel-csv", "query-solutions", "excel-csv"), ("text/csv", "query-solutions", "csv"), ("csv", "query-solutions", "csv"),
])
def test_shared_tokens_are_resolved_by_what_the_route_offers(token, route, expected):
    assert resolve(token, ROUTES[route]).name == expected
    if "/" in token:
        assert negotiate(token, ROUTES[route]).name == expected


@pytest.mark.parametrize("token, route", [("pdf", "entity"), ("csv", "entity"), ("ttl", "query-solutions"),
                                          ("graphml", "sparql-results"), ("csv", "sparql-graphs"), ("", "sparql-results"), (None, "entity"),
                                          ("xlsx", "sparql-results"), ("excel.csv", "cli-query"), ("xlsx", "query-graph")])
def test_tokens_a_route_does_not_offer_resolve_to_nothing(token, route):
    assert resolve(token, ROUTES[route]) is None


def test_an_ambiguous_offer_is_refused():
    with pytest.raises(AmbiguousFormat):
        resolve("xml", (formats.get("srx"), formats.get("rdfxml")))


R = formats.RESULTS
PAGE = formats.ON_QUERY_SOLUTIONS


@pytest.mark.parametrize("accept, offered, expected", [
    (None, R, None), ("", R, None), ("image/png", R, None),
    ("*/*", R, "srj"),  # no preference: the route's first
    ("text/csv", R, "csv"),
    ("text/csv;q=0.5, text/tab-separated-values", R, "tsv"),  # q-values first
    ("text/csv;q=0, */*", R, "srj"),  # q=0 refuses, even with a wildcard beside it
    ("text/*;q=0.9, text/tab-separated-values;q=0.1", R, "csv"),  # the most specific range gives the q
    ("application/sparql-results+xml, */*", R, "srx"),  # specificity: explicit beats wildcard at one q
    ("text/*", R, "csv"),
    ("application/sparql-results+json;charset=utf-8", R, "srj"),  # parameters other than q are ignored
    ("application/sparql-results+json, text/html;q=0.5", formats.ON_SPARQL, "srj"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", formats.ON_SPARQL, "html"),  # a browser
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", formats.ON_ENTITY, "html"),
    ("application/json", PAGE, "json"),  # the page's JSON, not SPARQL JSON (its own media type first)
    ("application/json, text/html", PAGE, "html"),  # a tie keeps the route's order
    ("application/*", PAGE, "json"),
    ("application/json;q=0.5, text/html;q=0.4", PAGE, "json"),
    ("text/turtle;q=0.3, application/ld+json;q=0.7", formats.ON_ENTITY, "jsonld"),
    ("TEXT/TURTLE", formats.ON_ENTITY, "turtle"),
    ("text/csv;q=bogus", R, None),  # a malformed entry is skipped (werkzeug's parser)
    ("text/csv;q=bogus, text/tab-separated-values;q=0.5", R, "tsv"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", PAGE, "xlsx"),  # the table drives it
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", R, None),  # not /sparql's
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;q=0.5, text/html", PAGE, "html"),
    ("text/csv", PAGE, "csv"),  # the spec's CSV, never the CSV for Excel
])
def test_negotiate_honours_q_values_and_specificity(accept, offered, expected):
    found = negotiate(accept, offered)
    assert (found.name if found else None) == expected


def test_negotiate_falls_back_to_the_default():
    default = formats.get("srj")
    assert negotiate("image/png", R, default) is default
    assert negotiate(None, R, default) is default
    assert negotiate("text/csv", R, default).name == "csv"


def test_content_types_name_the_charset_of_text_formats():
    assert formats.get("csv").content_type == "text/csv; charset=utf-8"
    assert formats.get("srj").content_type == "application/sparql-results+json"
    assert formats.get("jsonld").content_type == "application/ld+json"
    assert formats.get("turtle").content_type == "text/turtle; charset=utf-8"


# --- the CSV and TSV writers (eqgraph.results), shared by /sparql, /query downloads and the CLI --------

WRITER_QUERY = r'''SELECT * WHERE { VALUES (?iri ?lang ?int ?dec ?dbl ?bool ?typed ?plain ?odd ?none) {
  (<http://example.org/a?b=c&d=%22> "a \"quoted\"\ttab\nline, comma\\ back"@en-gb 5 2.5 1.0e3 true
   "x"^^<http://example.org/dt> "plain" "007"^^<http://www.w3.org/2001/XMLSchema#integer> UNDEF)
  ("http://not-an-iri" "caf\u00e9 \u2013 \U0001F600"@fr -7 -0.5 "1000"^^<http://www.w3.org/2001/XMLSchema#double>
   false ""^^<http://www.w3.org/2001/XMLSchema#decimal> "" "+3"^^<http://www.w3.org/2001/XMLSchema#integer> UNDEF)
} }'''


def _engine_rows():
    ox = pytest.importorskip("pyoxigraph")
    store = ox.Store()
    result = store.query(WRITER_QUERY)
    variables = [v.value for v in result.variables]
    return store, variables, [[solution[v] for v in variables] for solution in result]


@pytest.mark.parametrize("writer", ["csv", "tsv"])
def test_csv_and_tsv_are_written_as_the_engine_writes_them(writer):
    """The spec's CSV and TSV, checked against Oxigraph's own serialisers (written in Rust, from the spec)."""
    import pyoxigraph as ox

    from eqgraph.results import SolutionWriter

    store, variables, rows = _engine_rows()
    ours = SolutionWriter(variables, writer).write(rows)
    native = store.query(WRITER_QUERY).serialize(format=getattr(ox.QueryResultsFormat, writer.upper()))
    assert ours.decode("utf-8") == native.decode("utf-8")


def test_csv_quotes_every_field_that_needs_it():
    """RFC 4180 quoting for IRIs too (Oxigraph 0.5 leaves an IRI with a comma unquoted)."""
    from eqgraph.results import csv_row

    assert csv_row([Term("http://example.org/a?b=c,d"), Term("x\ny"), Term("back\\slash")]) == \
        '"http://example.org/a?b=c,d","x\ny",back\\slash\r\n'


class Term:
    """Another term type with the same attributes: the writers read attributes, not types."""

    def __init__(self, value, datatype=None, language=None):
        self.value = value
        if datatype is not None or language is not None:
            self.datatype = type("Dt", (), {"value": datatype or "http://www.w3.org/2001/XMLSchema#string"})()
            self.language = language


class BlankNode:
    def __init__(self, value):
        self.value = value


def test_the_writers_read_any_term_type_with_the_same_attributes():
    from eqgraph.results import csv_row, tsv_row

    row = [Term("http://example.org/x"), Term("5", "http://www.w3.org/2001/XMLSchema#integer"),
           Term("hi", language="en"), Term('a,"b"'), BlankNode("b0"), None]
    row[3].datatype, row[3].language = type("Dt", (), {"value": "http://www.w3.org/2001/XMLSchema#string"})(), None
    assert csv_row(row) == 'http://example.org/x,5,hi,"a,""b""",_:b0,\r\n'
    assert tsv_row(row) == '<http://example.org/x>\t5\t"hi"@en\t"a,\\"b\\""\t_:b0\t\n'


def test_the_writers_match_for_engine_terms_and_store_terms():
    """The engine's terms and eqgraph's own store terms (when present) give the same bytes."""
    terms = pytest.importorskip("eqgraph.store.terms") if _has_store_terms() else None
    if terms is None:
        pytest.skip("no eqgraph.store.terms here")
    from eqgraph.results import SolutionWriter

    _, variables, rows = _engine_rows()
    mine = [[_convert(terms, t) for t in row] for row in rows]
    for writer in ("csv", "tsv", "json", "xml"):
        assert SolutionWriter(variables, writer).write(mine) == SolutionWriter(variables, writer).write(rows), writer


def _has_store_terms() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("eqgraph.store.terms") is not None
    except ModuleNotFoundError:
        return False


def _convert(terms, term):
    if term is None:
        return None
    name = type(term).__name__
    if name == "NamedNode":
        return terms.IRI(term.value)
    if name == "BlankNode":
        return terms.BlankNode(term.value)
    return terms.Literal(term.value, language=term.language) if term.language else \
        terms.Literal(term.value, term.datatype.value)


def test_the_results_module_imports_no_rdf_engine():
    import subprocess
    import sys

    code = "import sys, eqgraph.results, eqgraph.formats; print('pyoxigraph' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("make", [
    lambda: terms.IRI("http://example.org/é?q=1#x"),
    lambda: terms.Literal('quote " backslash \\ newline \n line separator \u2028 é'),
    lambda: terms.Literal("5", terms.XSD + "integer"),
    lambda: terms.Literal("colour", language="en-GB"),
    lambda: terms.BlankNode("b1"),
    lambda: terms.Triple(terms.IRI("http://a"), terms.IRI("http://b"), terms.Literal("c")),
])
def test_the_endpoints_json_rows_are_what_json_dumps_writes(make):
    import json

    from eqgraph.results import _json_cell, json_term

    term = make()
    assert _json_cell(term) == json.dumps(json_term(term), ensure_ascii=False)


# --- the spreadsheet writers (eqgraph.results.xlsx, excel_csv), for the /query downloads ----------------

XSD = "http://www.w3.org/2001/XMLSchema#"


def _sheet_row():
    return [Term("http://example.org/action/1.10"), Term("1.10", XSD + "string"), Term("=HYPERLINK(1)", XSD + "string"),
            Term("12", XSD + "integer"), Term("2.5", XSD + "decimal"), Term("true", XSD + "boolean"),
            Term("Housing", language="en"), Term("12345678901234567", XSD + "integer"), BlankNode("b0"), None]


SHEET_VARS = ["action", "ref", "title", "n", "share", "done", "unit", "big", "node", "none"]


def test_the_xlsx_holds_the_header_and_rows_with_refs_and_iris_as_text():
    import io

    from openpyxl import load_workbook

    from eqgraph.results import xlsx

    sheet = load_workbook(io.BytesIO(xlsx(SHEET_VARS, [_sheet_row()], "actions-for-x"))).active
    assert sheet.title == "actions-for-x"
    header, row = list(sheet.iter_rows())
    assert [c.value for c in header] == SHEET_VARS and header[0].font.bold
    assert [c.value for c in row] == ["http://example.org/action/1.10", "1.10", "=HYPERLINK(1)", 12, 2.5, True,
                                      "Housing", "12345678901234567", "_:b0", None]
    for cell in (row[0], row[1], row[2], row[6], row[7], row[8]):  # text, never a number or a formula
        assert cell.data_type == "s" and cell.number_format == "@"
    assert row[3].data_type == "n" and row[3].number_format == "General"


def test_the_csv_for_excel_has_a_bom_crlf_and_keeps_text_excel_would_misread():
    from eqgraph.results import excel_csv, excel_text

    body = excel_csv(SHEET_VARS, [_sheet_row()]).decode("utf-8")
    assert body.startswith("\ufeff" + ",".join(SHEET_VARS) + "\r\n") and body.endswith("\r\n")
    assert body.split("\r\n")[1] == ('http://example.org/action/1.10,"=""1.10""","=""=HYPERLINK(1)""",12,2.5,true,'
                                     'Housing,12345678901234567,_:b0,')
    for text in ("1.10", "007", "2013-14", "3/4", "Jan-10", "10 March 2020", "TRUE", "1e5", "50%", "-x", "@x", "+1"):
        assert excel_text(text) == f'="{text}"', text
    for text in ("Housing", "Housing 2", "C&H", "http://example.org/1.10", "", "a \"b\""):
        assert excel_text(text) == text, text
    assert excel_text('-"x"') == '="-""x"""'  # quotes doubled inside the formula's string
    assert excel_text("=" + "x" * 300) == "'=" + "x" * 300  # too long for a formula's string
