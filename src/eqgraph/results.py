"""Query results written once, for the command line, the /query downloads and the /sparql endpoint.

A term is anything with the attributes RDF terms have here: `.value` (an IRI, a blank node's label,
a literal's lexical form), and for a literal `.datatype` (with `.value`, or a string) and `.language`;
a quoted triple has `.subject`, `.predicate`, `.object`. Both the store's own term types and the
engine's satisfy that, so this module imports no RDF engine. A row is a list of terms in variable
order, None where a variable is unbound.

* SPARQL 1.1 Query Results CSV (https://www.w3.org/TR/sparql11-results-csv-tsv/): a header of variable
  names; plain values (IRIs, literals' lexical forms without datatype or language, blank nodes as
  `_:label`); a field quoted when it holds `"`, `,`, CR or LF, quotes doubled (RFC 4180); CRLF line
  ends; no byte order mark. The /query/NAME.csv download, a file for people, starts with a UTF-8
  byte order mark so that Excel opens it as UTF-8 (LibreOffice, Numbers, Google Sheets, pandas and
  readr skip it); /sparql and the command line write the spec's CSV without one.
* SPARQL 1.1 TSV: a header of `?var`s; RDF terms as in Turtle / SPARQL: `<iri>`, `"text"@en`,
  `"x"^^<datatype>`, `_:label`, and integers, decimals, doubles and booleans bare when their lexical
  form is one Turtle reads back the same (`5`, `2.5`, `1.0e3`, `true`); in strings `\\`, `"`, tab,
  LF and CR escaped; LF line ends.
* SPARQL 1.1 results JSON and XML, for the same rows.
* For spreadsheets (the /query downloads `.xlsx` and `.excel.csv`): a header row of variable names, then
  the rows, with text kept as text. In `xlsx` IRIs, blank nodes and every literal but numbers and
  booleans are strings with the text number format `@` (a ref such as "1.10" is never the number
  1.1, a text starting `=` never a formula); integers, decimals and doubles are numbers (integers of
  more than 15 digits, which Excel would round, text), booleans booleans. The CSV for Excel is the
  spec's CSV with a byte order mark (so Excel reads UTF-8) and CRLF line ends, except that a text
  literal Excel would turn into something else on opening (a number or date such as `1.10`, `007`,
  `2013-14`, `3/4`, `Jan-10`, TRUE/FALSE, or a formula: a text starting `=`, `+`, `-`, `@`) is
  written as the formula `="1.10"`, which Excel and LibreOffice show as the text 1.10. That is the one
  way plain CSV has of telling Excel "text": a leading apostrophe is shown, not hidden, and there is no
  column type. Other readers see `="1.10"`: they should take the spec's `.csv`. Typed numbers and dates
  stay bare so Excel reads them as such; a text over 255 characters (Excel's limit for a string in a
  formula) that starts like a formula gets a leading apostrophe instead.
* For people at a terminal, `table`: aligned columns; and `json` on the command line: an array of
  objects, one per row, values the plain strings of CSV or null.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _quoted  # json.dumps' own string writer
import re
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .catalogue import QueryResult
    from .formats import Format

MAX_CELL = 80
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
CSV_BOM = "\ufeff"

# Lexical forms Turtle reads back as the same literal when written bare.
_BARE = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+)"),
    XSD + "boolean": re.compile(r"true|false"),
}
_TSV_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_TSV_ESCAPE = re.compile(r'[\\"\t\n\r]')
_CSV_QUOTE = re.compile(r'[",\r\n]')


# --- terms ---------------------------------------------------------------------------------------------

_KINDS: dict[type, str] = {}


def term_kind(term) -> str:
    """'iri', 'bnode', 'literal' or 'triple', read from the term's attributes: a triple has `.subject`,
    a literal `.datatype`; a blank node is a `BlankNode` / `BNode`, or failing that writes itself
    `_:label`; anything else with a `.value` is an IRI."""
    cls = type(term)
    kind = _KINDS.get(cls)
    if kind is not None:
        return kind
    if hasattr(cls, "subject"):  # attributes of the type (slots, properties): the same for all its terms
        kind = "triple"
    elif hasattr(cls, "datatype"):
        kind = "literal"
    elif cls.__name__ in ("BlankNode", "BNode"):
        kind = "bnode"
    elif cls.__name__ in ("NamedNode", "IRI", "URIRef"):
        kind = "iri"
    else:  # attributes of each term: judged term by term
        if hasattr(term, "subject"):
            return "triple"
        if hasattr(term, "datatype"):
            return "literal"
        return "bnode" if str(term).startswith("_:") else "iri"
    _KINDS[cls] = kind
    return kind


def datatype(term) -> str:
    dt = term.datatype
    return getattr(dt, "value", None) or str(dt or XSD_STRING)


def language(term) -> str | None:
    return getattr(term, "language", None) or None


def plain(term) -> str | None:
    """A term as CSV writes it: the IRI, the lexical form, or `_:label`; None when unbound."""
    if term is None:
        return None
    kind = term_kind(term)
    if kind == "bnode":
        return f"_:{term.value}"
    if kind == "triple":
        return turtle(term)
    return term.value


def turtle(term) -> str:
    """A term as TSV (and Turtle, and SPARQL) writes it."""
    kind = term_kind(term)
    if kind == "iri":
        return f"<{term.value}>"
    if kind == "bnode":
        return f"_:{term.value}"
    if kind == "triple":
        return f"<< {turtle(term.subject)} {turtle(term.predicate)} {turtle(term.object)} >>"
    lexical, lang, dt = term.value, language(term), datatype(term)
    if not lang and dt in _BARE and _BARE[dt].fullmatch(lexical):
        return lexical
    text = '"' + _TSV_ESCAPE.sub(lambda m: _TSV_ESCAPES[m.group()], lexical) + '"'
    if lang:
        return f"{text}@{lang}"
    if dt != XSD_STRING:
        return f"{text}^^<{dt}>"
    return text


def csv_field(text: str | None) -> str:
    if text is None:
        return ""
    return '"' + text.replace('"', '""') + '"' if _CSV_QUOTE.search(text) else text


def csv_cell(term) -> str:
    return csv_field(plain(term))


def tsv_cell(term) -> str:
    return "" if term is None else turtle(term)


def csv_header(variables: list[str]) -> str:
    return ",".join(csv_field(v) for v in variables) + "\r\n"


def csv_row(terms) -> str:
    return ",".join(csv_cell(t) for t in terms) + "\r\n"


def tsv_header(variables: list[str]) -> str:
    return "\t".join(f"?{v}" for v in variables) + "\n"


def tsv_row(terms) -> str:
    return "\t".join(tsv_cell(t) for t in terms) + "\n"


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def json_term(term) -> dict:
    """A term as SPARQL 1.1 results JSON writes it."""
    kind = term_kind(term)
    if kind == "iri":
        return {"type": "uri", "value": term.value}
    if kind == "bnode":
        return {"type": "bnode", "value": term.value}
    if kind == "triple":
        return {"type": "triple", "value": {"subject": json_term(term.subject),
                                            "predicate": json_term(term.predicate),
                                            "object": json_term(term.object)}}
    out = {"type": "literal", "value": term.value}
    if language(term):
        out["xml:lang"] = language(term)
    elif datatype(term) != XSD_STRING:
        out["datatype"] = datatype(term)
    return out


def _json_cell(term) -> str:
    """`json.dumps(json_term(term), ensure_ascii=False)`, written directly: the same text at a fraction
    of the cost, row after row on the public endpoint."""
    kind = term_kind(term)
    if kind == "iri":
        return '{"type": "uri", "value": ' + _quoted(term.value) + "}"
    if kind == "literal":
        lang = language(term)
        if lang:
            return '{"type": "literal", "value": ' + _quoted(term.value) + ', "xml:lang": ' + _quoted(lang) + "}"
        dt = datatype(term)
        if dt != XSD_STRING:
            return '{"type": "literal", "value": ' + _quoted(term.value) + ', "datatype": ' + _quoted(dt) + "}"
        return '{"type": "literal", "value": ' + _quoted(term.value) + "}"
    return json.dumps(json_term(term), ensure_ascii=False)


def xml_term(term) -> str:
    """A term as SPARQL 1.1 results XML writes it."""
    kind = term_kind(term)
    if kind == "iri":
        return f"<uri>{xml_escape(term.value)}</uri>"
    if kind == "bnode":
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if kind == "triple":
        return (f"<triple><subject>{xml_term(term.subject)}</subject><predicate>{xml_term(term.predicate)}"
                f"</predicate><object>{xml_term(term.object)}</object></triple>")
    if language(term):
        return f'<literal xml:lang="{xml_escape(language(term))}">{xml_escape(term.value)}</literal>'
    if datatype(term) != XSD_STRING:
        return f'<literal datatype="{xml_escape(datatype(term))}">{xml_escape(term.value)}</literal>'
    return f"<literal>{xml_escape(term.value)}</literal>"


# --- whole results -------------------------------------------------------------------------------------

class SolutionWriter:
    """One SPARQL results format (writer `json`, `xml`, `csv` or `tsv`) as head + rows + tail, so a
    caller can stop at a whole row (the endpoint's byte cap). `row()` returns one row's bytes."""

    def __init__(self, variables: list[str], writer: str):
        if writer not in ("json", "xml", "csv", "tsv"):
            raise ValueError(f"no SPARQL results writer {writer!r}")
        self.variables, self.writer = list(variables), writer
        self._keys = [_quoted(v) for v in self.variables]
        self._rows = 0

    def head(self) -> bytes:
        v = self.variables
        if self.writer == "json":
            return ('{"head": {"vars": ' + json.dumps(v, ensure_ascii=False)
                    + '}, "results": {"bindings": [').encode("utf-8")
        if self.writer == "xml":
            return (f'<?xml version="1.0"?>\n<sparql xmlns="{RESULTS_NS}">\n<head>\n'
                    + "".join(f'<variable name="{xml_escape(x)}"/>\n' for x in v) + "</head>\n<results>\n"
                    ).encode("utf-8")
        if self.writer == "csv":
            return csv_header(v).encode("utf-8")
        return tsv_header(v).encode("utf-8")

    def row(self, terms) -> bytes:
        if self.writer == "csv":
            return csv_row(terms).encode("utf-8")
        if self.writer == "tsv":
            return tsv_row(terms).encode("utf-8")
        if self.writer == "json":
            text = "{" + ", ".join(f"{key}: {_json_cell(t)}" for key, t in zip(self._keys, terms) if t is not None) + "}"
            return (text if not self._rows else ", " + text).encode("utf-8")
        pairs = [(v, t) for v, t in zip(self.variables, terms) if t is not None]
        return ("<result>" + "".join(f'<binding name="{xml_escape(v)}">{xml_term(t)}</binding>'
                                     for v, t in pairs) + "</result>\n").encode("utf-8")

    def tail(self) -> bytes:
        return {"json": b"]}}", "xml": b"</results>\n</sparql>\n"}.get(self.writer, b"")

    def accepted(self) -> None:
        """Count a row as written (the JSON writer puts a comma before every row after the first)."""
        self._rows += 1

    def write(self, rows) -> bytes:
        """All rows at once."""
        parts = [self.head()]
        for terms in rows:
            parts.append(self.row(terms))
            self.accepted()
        parts.append(self.tail())
        return b"".join(parts)


# --- spreadsheets ---------------------------------------------------------------------------------------

_NUMBERS = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                              "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
                              "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_TYPED_BARE = _NUMBERS | {XSD + t for t in ("boolean", "date", "dateTime", "time", "gYear", "gYearMonth")}
# What Excel reads as something other than the text it is: numbers, fractions, dates, times, percentages
# and money (digits among separators), dates with month names, booleans, and formulas.
_EXCEL_NUMBER_LIKE = re.compile(r"[\s\d.,:/%+\-()£$€¥eE]*\d[\s\d.,:/%+\-()£$€¥eE]*")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}"
_EXCEL_DATE_LIKE = re.compile(rf"\s*(?:{_MONTH}[-/ ]+\d{{1,4}}|\d{{1,2}}[-/ ]+{_MONTH}(?:[-/ ]+\d{{1,4}})?)\s*", re.I)
_EXCEL_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_FORMULA_TEXT = 255  # the longest string Excel takes in a formula
XLSX_CELL = 32767  # the most characters an Excel cell holds
XLSX_EXACT = 10 ** 15  # integers from here on are rounded by Excel (15 significant digits): kept as text


def excel_text(text: str) -> str:
    """A text as the CSV for Excel writes it (before CSV quoting): as it is, unless Excel would read it
    as a number, date, boolean or formula; then `="text"` (quotes doubled), or for a long text that
    starts like a formula, `'text`."""
    if not text:
        return text
    if (_EXCEL_NUMBER_LIKE.fullmatch(text) or _EXCEL_DATE_LIKE.fullmatch(text)
            or text.strip().upper() in ("TRUE", "FALSE") or text.startswith(_EXCEL_FORMULA_START)):
        if len(text) <= EXCEL_FORMULA_TEXT:
            return '="' + text.replace('"', '""') + '"'
        return "'" + text
    return text


def excel_cell(term) -> str:
    """A term as the CSV for Excel writes it: the spec's plain value, text guarded by `excel_text`;
    numbers, booleans and dates typed as such, IRIs and blank nodes as they are."""
    if term is None:
        return ""
    kind = term_kind(term)
    if kind == "literal" and not language(term) and datatype(term) in _TYPED_BARE:
        return csv_field(term.value)
    if kind == "literal":
        return csv_field(excel_text(term.value))
    return csv_field(plain(term))


def excel_csv(variables: list[str], rows) -> bytes:
    """The CSV for Excel: a byte order mark, a header row, CRLF line ends, text kept as text."""
    parts = [CSV_BOM, ",".join(csv_field(excel_text(v)) for v in variables), "\r\n"]
    for terms in rows:
        parts.append(",".join(excel_cell(t) for t in terms))
        parts.append("\r\n")
    return "".join(parts).encode("utf-8")


def _xlsx_value(term):
    """A term's value in a sheet: a number for a typed number Excel keeps exactly, a boolean for a
    boolean, otherwise the plain text (None for unbound)."""
    if term is None:
        return None
    if term_kind(term) == "literal" and not language(term):
        dt, lexical = datatype(term), term.value.strip()
        try:
            if dt in _NUMBERS and _BARE[XSD + "integer"].fullmatch(lexical) and abs(int(lexical)) < XLSX_EXACT:
                return int(lexical)
            if dt in (XSD + "decimal", XSD + "double", XSD + "float") and lexical:
                number = float(lexical)
                if number == number and abs(number) != float("inf"):
                    return number
        except ValueError:
            pass
        if dt == XSD + "boolean" and lexical in ("true", "false", "1", "0"):
            return lexical in ("true", "1")
    return plain(term)


def xlsx(variables: list[str], rows, sheet: str = "results") -> bytes:
    """The rows as an Excel workbook: one sheet, a bold header row (frozen), text cells formatted `@`."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31] or "results")
    ws.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, font=None):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL]
        out = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            out.data_type = "s"  # never a formula, whatever the text starts with
            out.number_format = "@"
        if font is not None:
            out.font = font
        return out

    ws.append([cell(v, bold) for v in variables])
    for terms in rows:
        ws.append([cell(_xlsx_value(t)) for t in terms])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet(result: "QueryResult", writer: str, title: str = "results") -> bytes:
    """A saved query's rows as a spreadsheet file: writer `xlsx` or `excel-csv`."""
    rows = ([row.get(v) for v in result.variables] for row in result.rows)
    if writer == "xlsx":
        return xlsx(result.variables, rows, title)
    if writer == "excel-csv":
        return excel_csv(result.variables, rows)
    raise ValueError(f"no spreadsheet writer {writer!r}")


def write_boolean(value: bool, writer: str) -> bytes:
    """An ASK answer: SPARQL results XML for `xml`, JSON otherwise (CSV and TSV define no boolean)."""
    if writer == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="{RESULTS_NS}">\n<head/>\n'
                f"<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n").encode("utf-8")
    return json.dumps({"head": {}, "boolean": value}).encode("utf-8")


def solutions(result: "QueryResult", writer: str) -> bytes:
    """A saved query's rows in a SPARQL results format."""
    return SolutionWriter(result.variables, writer).write([row.get(v) for v in result.variables]
                                                          for row in result.rows)


def write_result(result: "QueryResult", fmt: "Format | str", out: TextIO) -> None:
    """A saved query's result for the command line: `table`, `json` (rows as objects), or a SPARQL
    results format (`srj`, `srx`, `csv`, `tsv`, by name or writer)."""
    name = getattr(fmt, "name", fmt)
    if name == "json":
        json.dump(result.plain_rows(), out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif name in ("table", None):
        rows = result.plain_rows()
        _table(result.variables, rows, out)
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{', truncated' if result.truncated else ''}, "
                  f"{result.elapsed * 1000:.1f} ms)\n")
    else:
        writer = getattr(fmt, "writer", None) or {"srj": "json", "srx": "xml"}.get(name, name)
        out.write(solutions(result, writer).decode("utf-8"))


def _table(variables: list[str], rows: list[dict], out: TextIO) -> None:
    def cell(value):
        text = "" if value is None else " ".join(str(value).split())
        return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"

    cells = [[cell(r[v]) for v in variables] for r in rows]
    widths = [max([len(v)] + [len(c[i]) for c in cells]) for i, v in enumerate(variables)]
    out.write("  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for c in cells:
        out.write("  ".join(x.ljust(w) for x, w in zip(c, widths)).rstrip() + "\n")
