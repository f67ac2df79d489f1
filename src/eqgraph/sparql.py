"""The public SPARQL endpoint's engine: read-only, bounded query execution inside a worker process.

The web process never evaluates a public query, nor even lexes it: `execute(store, request)` runs in a
query worker (eqgraph.store.pool), under the request's deadline and the worker's memory limit, so a query
text built to be slow to check is as bounded as one built to be slow to answer.

Safety rules, enforced before a query reaches the engine (`check_query`, linear in the query's length):
* updates (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused: the endpoint is read-only;
* SERVICE is refused unless its endpoint is in the allowlist (the engine would otherwise make HTTP
  calls); FROM / FROM NAMED and the protocol's default-graph-uri / named-graph-uri only select graphs
  already in the store — the engine never fetches them, so `FROM <file:///etc/passwd>` reads nothing;
* results are capped at `max_rows` rows (or triples) and `max_bytes` bytes of serialised answer; a
  capped result is flagged `truncated` (a single row larger than the byte cap gives zero rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import formats, results
from .errors import QueryFailed
from .formats import GRAPHS, RESULTS
from .results import SolutionWriter

# Media types per result kind, read from the formats table (eqgraph.formats): media type -> writer
# (the results writers of eqgraph.results; the store's RDF serialisers), and what a client that
# states no preference gets.
SOLUTION_TYPES = {media: f.writer for f in RESULTS for media in f.media_types}
GRAPH_TYPES = {media: f.writer for f in GRAPHS for media in f.media_types}

# One left-to-right pass over the query, as a SPARQL lexer reads it: at each position the first
# alternative that matches wins, so a "#" inside an IRI or string is not a comment, quotes inside a
# comment or IRI open no string, and keywords are found only where they are keywords.
# Linear time: every repetition is possessive (it never gives back what it took, so no alternative
# rescans text another one has read); a name runs to its end in one token and is split on "." after;
# a string that is never closed runs to the end of its line (or of the text, for a long string).
_TOKEN = re.compile(r"""
    (?P<space>\s++)
  | (?P<comment>\#[^\r\n]*+)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*+>)
  | (?P<string>"{3}(?:[^"\\]++|\\.|"(?!""))*+(?:"{3}|\Z)
               |'{3}(?:[^'\\]++|\\.|'(?!''))*+(?:'{3}|\Z)
               |"(?:[^"\\\n\r]++|\\.)*+(?:"|(?=[\n\r])|\Z)
               |'(?:[^'\\\n\r]++|\\.)*+(?:'|(?=[\n\r])|\Z))
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]++)
  | (?P<name>[A-Za-z_][\w.\-]*+(?::[\w.\-:%]*+)?+|:[\w.\-:%]*+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"}


def _tokens(query: str):
    """(kind, text) pairs: 'word' for a bare name (keywords, `a`), 'pname' for a prefixed name, then
    'iri', 'string', 'var', 'other'. A bare name with dots (`a.SERVICE`) is words and dots, as SPARQL
    reads it: a dot only belongs inside a prefixed name."""
    for match in _TOKEN.finditer(query):
        kind, text = match.lastgroup, match.group()
        if kind in ("space", "comment"):
            continue
        if kind != "name":
            yield kind, text
        elif ":" in text:
            yield "pname", text
        else:
            for index, part in enumerate(text.split(".")):
                if index:
                    yield "other", "."
                if part:
                    yield "word", part


def names_dataset(query: str) -> bool:
    """Whether the query chooses its own dataset (FROM or FROM NAMED), which then replaces the default
    union of all graphs."""
    return any(kind == "word" and text.upper() == "FROM" for kind, text in _tokens(query))


class EndpointError(QueryFailed):
    status = 400


class UpdateRefused(EndpointError):
    status = 403


def check_query(query: str, service_allowlist: frozenset[str] = frozenset()) -> None:
    """Refuse updates and SERVICE calls outside the allowlist, before the engine sees the query.

    The engine makes HTTP calls for SERVICE, so this check is the gate: a lexer pass finds the keyword
    wherever SPARQL would read it; and when the word "service" appears anywhere in the text at all,
    rdflib's SPARQL parser reads the query too and must agree there is no SERVICE pattern (a query it
    cannot parse is refused rather than risked). Runs inside the query worker, under the deadline."""
    window: list[tuple[str, str]] = []  # SERVICE and the (up to) two tokens after it
    for token in _tokens(query):
        kind, text = token
        if kind == "word" and text.upper() in _UPDATE_WORDS:
            raise UpdateRefused(f"this endpoint is read-only: {text.upper()} and other updates are refused")
        if window:
            window.append(token)
            if len(window) == 3:
                _check_service(window, service_allowlist)
                window = []
        if kind == "word" and text.upper() == "SERVICE":
            window = [token]
    if window:
        _check_service(window, service_allowlist)
    if "service" in query.lower() and not service_allowlist:
        _confirm_no_service(query)


def _check_service(window: list[tuple[str, str]], service_allowlist: frozenset[str]) -> None:
    rest = [t for t in window[1:] if not (t[0] == "word" and t[1].upper() == "SILENT")]
    target = rest[0] if rest else ("other", "")
    if target[0] != "iri" or target[1][1:-1] not in service_allowlist:
        raise EndpointError(f"SERVICE {target[1][:200]} is not allowed: federated queries may only reach "
                            "endpoints on this server's allowlist")


def _confirm_no_service(query: str) -> None:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(query)
    except Exception:  # noqa: BLE001 - any parse failure means the query cannot be cleared
        raise EndpointError("the query mentions SERVICE and could not be checked; federated queries are "
                            "not allowed here") from None
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise EndpointError("SERVICE is not allowed: federated queries may only reach endpoints on "
                                    "this server's allowlist")
            todo.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            todo.extend(node)


@dataclass
class Answer:
    content_type: str
    body: bytes
    truncated: bool = False
    kind: str = "solutions"  # solutions | boolean | graph
    rows: int = 0


@dataclass(frozen=True)
class Request:
    query: str
    accept: str  # chosen media type for solutions/boolean results
    graph_accept: str  # chosen media type for graph results
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10_000
    base_iri: str | None = None  # relative IRIs in the query resolve against the endpoint's public URL
    max_bytes: int = 16 * 1024 * 1024  # serialised answer size; more is `truncated`
    service_allowlist: frozenset[str] = frozenset()


# --- writers: a head, one piece per row, a tail, so the byte cap is checked row by row ---------------
# Written once, in eqgraph.results, for the endpoint, the /query downloads and the command line alike.



def write_boolean(value: bool, writer: str) -> tuple[bytes, str]:
    """An ASK answer and its media type: SPARQL results XML for the `xml` writer, JSON otherwise."""
    fmt = formats.get("srx" if writer == "xml" else "srj")
    return results.write_boolean(value, fmt.writer), fmt.media_type


def serialise_solutions(variables: list[str], rows, request: Request) -> Answer:
    """SELECT rows (lists of terms, in `variables` order) as the chosen results format, one row at a
    time, stopping at `max_rows` rows or before the row that would pass `max_bytes`."""
    out = SolutionWriter(variables, SOLUTION_TYPES[request.accept])
    parts, count, truncated = [out.head()], 0, False
    size = len(parts[0]) + len(out.tail())
    for terms in rows:
        if count >= request.max_rows:
            truncated = True
            break
        piece = out.row(terms)
        if size + len(piece) > request.max_bytes:
            truncated = True
            break
        parts.append(piece)
        size += len(piece)
        count += 1
        out.accepted()
    parts.append(out.tail())
    return Answer(request.accept, b"".join(parts), truncated, "solutions", count)


def serialise_graph(triples, request: Request, serialise) -> Answer:
    """CONSTRUCT / DESCRIBE triples up to the row cap and, measured as N-Triples, the byte cap; then
    `serialise(triples, format name)` writes the chosen syntax."""
    kept, size, truncated = [], 0, False
    for triple in triples:
        weight = len(str(triple).encode("utf-8")) + 3
        if len(kept) >= request.max_rows or size + weight > request.max_bytes:
            truncated = True
            break
        kept.append(triple)
        size += weight
    body = serialise(kept, GRAPH_TYPES[request.graph_accept])
    return Answer(request.graph_accept, body, truncated, "graph", len(kept))
