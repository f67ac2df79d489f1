"""The public SPARQL endpoint's engine: read-only, time-bounded, row-capped query execution.

A Python thread cannot be stopped, and a single SPARQL query can run for ever. So queries run in
worker processes (a small pool, each with the store opened read-only); a query that passes its
deadline has its worker killed and replaced, and the caller gets `QueryTimeout`. The web server's own
threads only wait on a pipe, so the server stays responsive whatever a query does.

Safety rules, enforced before a query reaches the engine:
* updates (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused: the endpoint is read-only;
* SERVICE is refused unless its endpoint is in the allowlist (the engine would otherwise make HTTP
  calls); FROM / FROM NAMED and the protocol's default-graph-uri / named-graph-uri only select graphs
  already in the store — the engine never fetches them, so `FROM <file:///etc/passwd>` reads nothing;
* results are capped at `max_rows`; a capped result is flagged `truncated`.
"""

from __future__ import annotations

import multiprocessing
import queue
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EqgraphError

# Media types, as the SPARQL 1.1 specs name them, per result kind: (media type, writer name).
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
SOLUTION_DEFAULT = "application/sparql-results+json"
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "text/plain": "nt",
}
GRAPH_DEFAULT = "text/turtle"
FORMAT_ALIASES = {  # ?format= values some clients send
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
    "jsonld": "application/ld+json", "json-ld": "application/ld+json", "nt": "application/n-triples",
    "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml",
}

# One left-to-right pass over the query, as a SPARQL lexer reads it: at each position the first
# alternative that matches wins, so a "#" inside an IRI or string is not a comment, quotes inside a
# comment or IRI open no string, and keywords are found only where they are keywords.
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)
  | (?P<pname>[A-Za-z_][\w.\-]*:[\w.\-:%]*|:[\w.\-:%]*)
  | (?P<word>[A-Za-z_][\w\-]*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"}


def _tokens(query: str) -> list[tuple[str, str]]:
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(query) if m.lastgroup not in ("space", "comment")]


class EndpointError(EqgraphError):
    status = 400


class UpdateRefused(EndpointError):
    status = 403


class QueryTimeout(EndpointError):
    status = 503


class Busy(EndpointError):
    status = 503


def check_query(query: str, service_allowlist: frozenset[str] = frozenset()) -> None:
    """Refuse updates and SERVICE calls outside the allowlist, before the engine sees the query.

    The engine makes HTTP calls for SERVICE, so this check is the gate: a lexer pass finds the keyword
    wherever SPARQL would read it; and when the word "service" appears anywhere in the text at all,
    rdflib's SPARQL parser reads the query too and must agree there is no SERVICE pattern (a query it
    cannot parse is refused rather than risked)."""
    tokens = _tokens(query)
    for kind, text in tokens:
        if kind == "word" and text.upper() in _UPDATE_WORDS:
            raise UpdateRefused(f"this endpoint is read-only: {text.upper()} and other updates are refused")
    for index, (kind, text) in enumerate(tokens):
        if kind == "word" and text.upper() == "SERVICE":
            rest = [t for t in tokens[index + 1:index + 3] if not (t[0] == "word" and t[1].upper() == "SILENT")]
            target = rest[0] if rest else ("other", "")
            if target[0] != "iri" or target[1][1:-1] not in service_allowlist:
                raise EndpointError(f"SERVICE {target[1]} is not allowed: federated queries may only reach "
                                    "endpoints on this server's allowlist")
    if "service" in query.lower() and not service_allowlist:
        _confirm_no_service(query)


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
    base_iri: str | None = None  # relative IRIs in the query resolve against the endpoint's URL


# --- the worker process (imports only pyoxigraph) -------------------------------------------------

def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _json_term(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_escape(term.value)}</bnode>"
    if term.language:
        return f'<literal xml:lang="{_xml_escape(term.language)}">{_xml_escape(term.value)}</literal>'
    if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return f'<literal datatype="{_xml_escape(term.datatype.value)}">{_xml_escape(term.value)}</literal>'
    return f"<literal>{_xml_escape(term.value)}</literal>"


def _csv_value(term) -> str:
    if term is None:
        return ""
    value = term.value
    if any(c in value for c in ',"\n\r'):
        value = '"' + value.replace('"', '""') + '"'
    return value


def _tsv_value(term) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_solutions(variables: list[str], rows: list[list], writer: str) -> bytes:
    import json

    if writer == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode("utf-8")
    if writer == "xml":
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        parts += [f'<variable name="{_xml_escape(v)}"/>' for v in variables]
        parts.append("</head>\n<results>")
        for row in rows:
            parts.append("<result>" + "".join(f'<binding name="{_xml_escape(v)}">{_xml_term(t)}</binding>'
                                              for v, t in zip(variables, row) if t is not None) + "</result>")
        parts.append("</results>\n</sparql>\n")
        return "\n".join(parts).encode("utf-8")
    if writer == "csv":
        lines = [",".join(variables)] + [",".join(_csv_value(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    lines = ["\t".join(f"?{v}" for v in variables)] + ["\t".join(_tsv_value(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_boolean(value: bool, writer: str) -> tuple[bytes, str]:
    import json

    if writer == "xml":
        body = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head/>\n'
                f"<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n")
        return body.encode("utf-8"), "application/sparql-results+xml"
    return json.dumps({"head": {}, "boolean": value}).encode("utf-8"), "application/sparql-results+json"


def execute(store, request: Request) -> Answer:
    """Run one query on a pyoxigraph store and serialise the answer (used inside the workers)."""
    import pyoxigraph as ox

    kwargs = {"base_iri": request.base_iri} if request.base_iri else {}
    if request.default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    if request.named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    result = store.query(request.query, **kwargs)
    if isinstance(result, ox.QueryBoolean) or isinstance(result, bool):
        body, content_type = write_boolean(bool(result), SOLUTION_TYPES[request.accept])
        return Answer(content_type, body, kind="boolean")
    if isinstance(result, ox.QueryTriples):
        triples, truncated = [], False
        for triple in result:
            if len(triples) >= request.max_rows:
                truncated = True
                break
            triples.append(triple)
        fmt = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES,
               "xml": ox.RdfFormat.RDF_XML}[GRAPH_TYPES[request.graph_accept]]
        return Answer(request.graph_accept, ox.serialize(triples, format=fmt), truncated, "graph", len(triples))
    variables = [v.value for v in result.variables]
    rows, truncated = [], False
    for solution in result:
        if len(rows) >= request.max_rows:
            truncated = True
            break
        rows.append([solution[v] for v in variables])
    writer = SOLUTION_TYPES[request.accept]
    return Answer(request.accept, write_solutions(variables, rows, writer), truncated, "solutions", len(rows))


def _worker_main(store_path: str, connection) -> None:
    import pyoxigraph as ox

    store = ox.Store.read_only(store_path)
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            connection.send(("ok", execute(store, request)))
        except SyntaxError as exc:
            connection.send(("syntax", str(exc)))
        except Exception as exc:  # noqa: BLE001 - reported as a query error, never a trace
            # The engine's message is not passed on: it may quote what a remote server returned.
            connection.send(("error", type(exc).__name__))


# --- the pool -----------------------------------------------------------------------------------------

@dataclass
class _Worker:
    process: multiprocessing.Process
    connection: object

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


@dataclass
class Executor:
    """A pool of query worker processes over one store directory."""

    store_path: Path
    workers: int = 2
    timeout: float = 5.0
    wait_for_worker: float = 10.0
    _idle: queue.Queue = field(default_factory=queue.Queue, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _all: list = field(default_factory=list, init=False)

    def __post_init__(self):
        self._context = multiprocessing.get_context("spawn")
        for _ in range(self.workers):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(str(self.store_path), child), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.append(worker)
        return worker

    def run(self, request: Request) -> Answer:
        try:
            worker = self._idle.get(timeout=self.wait_for_worker)
        except queue.Empty:
            raise Busy("every query worker is busy; try again shortly") from None
        healthy = True
        try:
            worker.connection.send(request)
            if not worker.connection.poll(self.timeout):
                healthy = False
                raise QueryTimeout(f"the query did not finish within {self.timeout:g} s and was stopped")
            outcome, payload = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            healthy = False
            raise EndpointError("the query worker failed; the query was abandoned") from None
        finally:
            if healthy:
                self._idle.put(worker)
            else:
                worker.kill()
                with self._lock:
                    self._all.remove(worker)
                self._idle.put(self._spawn())
        if outcome == "syntax":
            raise EndpointError(f"malformed query: {payload}")
        if outcome == "error":
            raise EndpointError(f"the query could not be evaluated ({payload})")
        return payload

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), []
        for worker in workers:
            try:
                worker.connection.send(None)
            except (OSError, BrokenPipeError):
                pass
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.kill()

