"""Every format eqgraph reads or writes, in one table, and the one way to pick one for a request.

One entry per format: its `name` (unique across all kinds), `kind`, media types (the first is the one
answers carry), file extension, aliases (`?format=` values clients send), whether its Content-Type
names `charset=utf-8`, and `writer` — the key of the code that writes it (the results writers of
`eqgraph.results`, the store's RDF serialisers), internal and not shown to anyone.

Kinds: `results` (SPARQL SELECT solutions and ASK booleans), `graph` (RDF, for CONSTRUCT / DESCRIBE,
entity pages and dumps), `page` (this site's HTML and JSON views, and the command line's text table),
`network` (graph views as node-link files for Gephi, Cytoscape and the like), `sheet` (a saved query's
rows as a file for a spreadsheet: `.xlsx`, and CSV for Excel, `.excel.csv`; /query downloads only, not
/sparql, which answers the SPARQL results formats).

A format with `negotiable=False` is reached by its name, extension or alias only, never by a media
type: CSV for Excel is sent as `text/csv`, and `Accept: text/csv` (or `?format=text/csv`) means the
spec's CSV.

Every route and the command line name the formats they offer as a tuple of entries (the `ON_*`
constants below); `negotiate(accept, offered)` reads an Accept header, `resolve(token, offered)`
reads a `.ext` suffix or `?format=` value, both against that tuple only. So a token means one thing
per route, and where two kinds share a token the route's offer decides:

* `xml` is SPARQL XML results (`srx`) where results are offered, RDF/XML (`rdfxml`) where graphs are:
  on /sparql a SELECT with `format=xml` answers SPARQL XML and a CONSTRUCT RDF/XML, as before; on
  /id and for a CONSTRUCT saved query, RDF/XML.
* `json` is this site's JSON view (`json`) wherever a page is offered (`/query/x.json`,
  `/id/...?format=json`), and SPARQL JSON results (`srj`) at /sparql, which has no JSON page.
  `application/json` likewise: a page's JSON where a page is offered, SPARQL JSON results at /sparql.
* `text/plain` is the command line's table, or N-Triples (its media type before 2014) where RDF is
  offered; a client preferring it gets errors as one line of text.

Resolution order is name, then extension, then alias, then a format's own media type, then a
secondary one; two offered formats matching one token at the same step is an error in the offer
(tests check no route has one). The old URLs keep
working: `?format=turtle|ttl|jsonld|nt|xml|json|html` on /id and /sparql, `.ttl`/`.csv`/`.tsv`/`.json`
on /query and `.json`/`.graphml`/`.gexf` on /graphs; the same tokens now work on every route where
the format makes sense (`/id/...ttl`, `/query/x.srj`, `/query/plan-graph.nt`).

The table is Python data rather than a YAML/TOML file: it is read by the command line and by every
request, so it costs no parse and no packaged data file, and a misspelt field fails at import.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True, eq=False)  # one object per format: compared and hashed by identity (fast)
class Format:
    name: str
    kind: str  # results | graph | page | network
    label: str
    media_types: tuple[str, ...]  # the first is canonical: answers carry it
    extension: str
    aliases: tuple[str, ...] = ()
    text: bool = True  # Content-Type names charset=utf-8 (JSON types define no charset: always UTF-8)
    writer: str = ""  # key of the writer code (results writers, the store's RDF serialisers)
    negotiable: bool = True  # False: found by name, extension or alias only (its media type is another's)

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    def __str__(self) -> str:
        return self.name


FORMATS: tuple[Format, ...] = (
    # SPARQL 1.1 Query Results formats
    Format("srj", "results", "SPARQL results JSON", ("application/sparql-results+json", "application/json"),
           "srj", ("json", "sparql-json"), text=False, writer="json"),
    Format("srx", "results", "SPARQL results XML", ("application/sparql-results+xml", "application/xml"),
           "srx", ("xml", "sparql-xml"), writer="xml"),
    Format("csv", "results", "CSV", ("text/csv",), "csv", writer="csv"),
    Format("tsv", "results", "TSV", ("text/tab-separated-values",), "tsv", writer="tsv"),
    # RDF syntaxes
    Format("turtle", "graph", "Turtle", ("text/turtle", "application/x-turtle"), "ttl", writer="turtle"),
    Format("nt", "graph", "N-Triples", ("application/n-triples", "text/plain"), "nt", ("ntriples", "n-triples"),
           writer="nt"),
    Format("jsonld", "graph", "JSON-LD", ("application/ld+json",), "jsonld", ("json-ld",), text=False,
           writer="jsonld"),
    Format("rdfxml", "graph", "RDF/XML", ("application/rdf+xml",), "rdf", ("xml", "rdf-xml"), writer="xml"),
    Format("nquads", "graph", "N-Quads", ("application/n-quads",), "nq", ("n-quads",), writer="nq"),
    Format("trig", "graph", "TriG", ("application/trig",), "trig", writer="trig"),
    # this site's views, and the command line's table
    Format("html", "page", "HTML", ("text/html", "application/xhtml+xml"), "html", writer="html"),
    Format("json", "page", "JSON", ("application/json",), "json", text=False, writer="json"),
    Format("table", "page", "text table", ("text/plain",), "txt", ("text",), writer="table"),
    # graph views as node-link files
    Format("graphml", "network", "GraphML", ("application/graphml+xml",), "graphml", writer="graphml"),
    Format("gexf", "network", "GEXF", ("application/gexf+xml",), "gexf", writer="gexf"),
    # a saved query's rows for spreadsheets (eqgraph.results.xlsx, excel_csv): refs such as "1.10" stay text
    Format("xlsx", "sheet", "Excel (.xlsx)",
           ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",), "xlsx",
           text=False, writer="xlsx"),
    Format("excel-csv", "sheet", "CSV for Excel", ("text/csv",), "excel.csv", writer="excel-csv",
           negotiable=False),
)
BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}


def get(name: str) -> Format:
    return BY_NAME[name]


def of_kind(*kinds: str) -> tuple[Format, ...]:
    return tuple(f for f in FORMATS if f.kind in kinds)


RESULTS = of_kind("results")
GRAPHS = of_kind("graph")
HTML, JSON, TABLE = BY_NAME["html"], BY_NAME["json"], BY_NAME["table"]

# What each route and command offers, in order of preference when the client has none.
# /sparql reads a format twice, before it knows the query's form: once among the results formats (for
# SELECT and ASK), once among the RDF syntaxes (for CONSTRUCT and DESCRIBE); `html` is its editor page.
ON_SPARQL_RESULTS = (*RESULTS, HTML)
ON_SPARQL_GRAPHS = (*GRAPHS, HTML)
ON_SPARQL = (*RESULTS, *GRAPHS, HTML)  # for Accept only: whether the editor page is preferred to all
ON_ENTITY = (HTML, JSON, *GRAPHS)  # /id/<path>
SHEETS = of_kind("sheet")
ON_QUERY_SOLUTIONS = (HTML, JSON, *RESULTS, *SHEETS)  # /query/<name> of a SELECT or ASK
ON_QUERY_GRAPH = (HTML, JSON, *GRAPHS)  # /query/<name> of a CONSTRUCT or DESCRIBE
ON_GRAPH_VIEW = (HTML, JSON, *of_kind("network"))  # /graphs/<name>
ON_CLI_QUERY = (TABLE, JSON, *RESULTS)  # eqgraph query --format (a CONSTRUCT's rows: subject, predicate, object)
ON_CLI_EXPORT = GRAPHS  # eqgraph export --format
ON_DATASET = (*GRAPHS, HTML, JSON)  # /.well-known/void: RDF by default (Turtle), the dataset page for browsers
ON_ONTOLOGY = (HTML, JSON, *GRAPHS)  # /ontology: the page by default, the ontology in any RDF syntax
# The whole-graph dumps a build writes (`eqgraph.<extension>.gz`, served at /dumps/): N-Quads, TriG and
# JSON-LD keep the named graphs, Turtle and N-Triples give the union (each triple once).
ON_DUMPS = tuple(BY_NAME[name] for name in ("turtle", "nt", "nquads", "trig", "jsonld"))
GZIP = "application/gzip"  # what a dump is sent as: a gzip file, which decompresses to the RDF file
ROUTES = {"sparql-results": ON_SPARQL_RESULTS, "sparql-graphs": ON_SPARQL_GRAPHS, "entity": ON_ENTITY,
          "query-solutions": ON_QUERY_SOLUTIONS, "query-graph": ON_QUERY_GRAPH, "graph-view": ON_GRAPH_VIEW,
          "cli-query": ON_CLI_QUERY, "cli-export": ON_CLI_EXPORT, "dataset": ON_DATASET, "ontology": ON_ONTOLOGY,
          "dumps": ON_DUMPS}


class AmbiguousFormat(ValueError):
    """Two offered formats answer to one token at the same step: a mistake in the offer, not the client's."""


def resolve(token: str | None, offered=FORMATS) -> Format | None:
    """The offered format a `.ext` suffix or `?format=` value names (name, extension, alias or media
    type, case-insensitive), or None."""
    if not token:
        return None
    token = token.strip().lower()
    for field in (lambda f: (f.name,), lambda f: (f.extension,), lambda f: f.aliases,
                  lambda f: f.media_types[:1] if f.negotiable else (),
                  lambda f: f.media_types[1:] if f.negotiable else ()):
        hits = [f for f in offered if token in field(f)]
        if len(hits) > 1:
            raise AmbiguousFormat(f"{token!r} names {', '.join(f.name for f in hits)}")
        if hits:
            return hits[0]
    return None


def tokens(offered) -> str:
    """How to name the offered formats, for messages: `turtle (.ttl), nt, jsonld, rdfxml (.rdf, xml), ...`."""
    out = []
    for f in offered:
        also = ([f".{f.extension}"] if f.extension != f.name else []) + \
            [a for a in f.aliases if resolve(a, offered) is f and a != f.extension]
        out.append(f"{f.name} ({', '.join(also)})" if also else f.name)
    return ", ".join(out)


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """(media range without parameters, quality) pairs; malformed qualities count as 1, bad entries
    are skipped (werkzeug's parser)."""
    if not header:
        return []
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    # Only the first ranges count: no client names more, and reading thousands costs a request's worth
    # of CPU per request.
    header = ",".join(header.split(",", MAX_RANGES)[:MAX_RANGES])
    return [(value.split(";", 1)[0].strip().lower(), quality)
            for value, quality in parse_accept_header(header, MIMEAccept)]


MAX_RANGES = 32


def _specificity(media_range: str, media_type: str) -> int:
    """3 for the same type, 2 for type/*, 1 for */*, 0 for no match."""
    if media_range == media_type:
        return 3
    if media_range in ("*", "*/*"):
        return 1
    kind, _, sub = media_range.partition("/")
    if sub == "*" and media_type.split("/", 1)[0] == kind:
        return 2
    return 0


def quality(accept: list[tuple[str, float]], media_type: str) -> tuple[float, int]:
    """The quality the client gives a media type: that of the most specific range matching it (so
    `text/csv;q=0, */*` refuses CSV and takes everything else), and that range's specificity."""
    best = (0.0, 0)
    for media_range, q in accept:
        spec = _specificity(media_range, media_type)
        if spec > best[1]:
            best = (q, spec)
    return best


def negotiate(accept_header: str | None, offered, default: Format | None = None) -> Format | None:
    """The offered format the client prefers: highest quality first, then the most specific match
    (an explicit type beats a wildcard at the same q), then a format's own (first) media type over a
    secondary one, then the order of `offered`. `default` when the header is missing, empty or
    accepts none of them. Remembered for the last few thousand (header, offer) pairs: clients send the
    same few headers, and reading one is most of a small query's cost."""
    if accept_header is not None and len(accept_header) > 1000:
        return _negotiate(accept_header, tuple(offered), default)  # never cached: no one sends these
    return _remembered(accept_header, tuple(offered), default)


def _negotiate(accept_header: str | None, offered: tuple, default: Format | None) -> Format | None:
    accept = parse_accept(accept_header)
    if not accept:
        return default
    best, best_key = default, None
    for position, fmt in enumerate(offered):
        if not fmt.negotiable:
            continue
        for rank, media in enumerate(fmt.media_types):
            q, spec = quality(accept, media)
            if q <= 0:
                continue
            key = (q, spec, -rank, -position)
            if best_key is None or key > best_key:
                best, best_key = fmt, key
    return best


_remembered = functools.lru_cache(maxsize=4096)(_negotiate)
