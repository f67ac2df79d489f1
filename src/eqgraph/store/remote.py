"""A remote triple store behind the store seam, spoken to only in standards: SPARQL 1.1 Query (the
request formed by SPARQLWrapper), SPARQL 1.1 Update and the Graph Store HTTP Protocol (plain HTTP).

`RemoteStore` answers the same interface as the embedded `OxigraphStore` (`query`, `answer`,
`graphs`, `serialize`, `dump`, `load`, `replace_graph`, `serialize_triples`) with the same result
types (`results`, `terms`), so the catalogue, the CLI and the web app do not know which store they
have. What differs is kept here:

* The dataset is always named. A store's own default graph may hold anything (Virtuoso's includes its
  system graphs), so every query is sent with `default-graph-uri` and `named-graph-uri` listing the
  current build's stored graphs, or, when the query names its own dataset (FROM, GRAPH <...>), with
  the graph names in its text rewritten to the stored graphs (`versions.rewrite_dataset`); graph IRIs
  in answers are written back as the names readers know.
* The current build's graphs come from the pointer graph (`versions`), read at most once per
  `pointer_ttl` seconds (1 s): the queries of one page see one build, and a build is seen a second
  after it lands at the latest; the previous build's graphs are kept, so a reader still holding the
  old pointer reads a whole graph.
* Answers are read as a bounded stream (`remote_results`): rows are decoded as they arrive and
  reading stops at the row or byte cap, so a huge answer never sits in memory. The engine's own
  time limit is asked for too (the protocol cannot cancel a query; `timeout` is the HTTP deadline).
* eqgraph never forwards an update: `answer` checks every query (`sparql.check_query`) before it is
  sent, and queries go only to the query endpoint.
"""

from __future__ import annotations

import copy
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import BinaryIO

from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
from SPARQLWrapper.Wrapper import URLENCODED

from ..errors import QueryFailed, QueryTimeout, StoreError
from ..sparql import SOLUTION_TYPES, Answer, Request, check_query, names_dataset, serialise_graph
from ..sparql import serialise_solutions, write_boolean
from . import versions
from .endpoint import Endpoint, Http, shown_url
from .remote_results import JsonRows, ntriples
from .results import Solutions, Triples
from .terms import IRI, Term, Triple

JSON_RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
MAX_QUERY_BYTES = 256 * 1024 * 1024  # what an internal query (catalogue, pages) may read at most


class RemoteStore:
    """A remote SPARQL 1.1 store holding eqgraph's graphs under `base` (see `versions`)."""

    def __init__(self, endpoint: Endpoint, base: str, *, timeout: float | None = None,
                 pointer_ttl: float = 1.0):
        self.endpoint = endpoint
        self.base = base
        self.http = Http(endpoint)
        self.timeout = timeout or endpoint.timeout
        self.pointer_ttl = pointer_ttl
        self.path = None  # no local store directory
        self._cache: dict = {"pointer": None}  # shared with `with_timeout` views

    def with_timeout(self, seconds: float) -> "RemoteStore":
        """This store with another HTTP deadline (the web app's time left for one request), sharing
        its pointer cache."""
        view = copy.copy(self)
        view.timeout = seconds
        return view

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint.shown})"

    # the pointer --------------------------------------------------------------------------------------

    def current_graphs(self, fresh: bool = False) -> dict[str, str]:
        """Graph name -> stored graph for the current build (empty before the first build)."""
        pointer = self._cache["pointer"]
        now = time.monotonic()
        if pointer is not None and not fresh and now - pointer[0] < self.pointer_ttl:
            return pointer[1]
        rows = self._select(versions.pointer_query(self.base), dataset=((), ()))
        mapping = {row[0].value: row[1].value for row in rows if row[0] is not None and row[1] is not None}
        self._cache["pointer"] = (now, mapping)
        return mapping

    def require_graphs(self) -> dict[str, str]:
        mapping = self.current_graphs()
        if not mapping:
            raise StoreError(f"no graph has been built in the store at {self.endpoint.shown} yet: "
                             "run `eqgraph build` with the same --endpoint settings first")
        return mapping

    # sending queries ---------------------------------------------------------------------------------

    def _open_query(self, sparql: str, accept: str, dataset, timeout: float | None = None):
        """The open HTTP response of a query sent with the SPARQL 1.1 Protocol (POST, form-encoded)."""
        wrapper = SPARQLWrapper(self.endpoint.query_url)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)
        wrapper.setReturnFormat(N3 if accept == NTRIPLES else JSON)
        # What setQuery does, without its guess of the form: SPARQLWrapper reads it from keywords
        # anywhere in the text ("dropped" in a comment reads as DROP, and the query would be sent as
        # an update) with regular expressions over the whole text; the form is known here.
        wrapper.queryString = sparql
        wrapper.queryType = "CONSTRUCT" if accept == NTRIPLES else "SELECT"
        defaults, named = dataset
        for graph in defaults:
            wrapper.addParameter("default-graph-uri", graph)
        for graph in named:
            wrapper.addParameter("named-graph-uri", graph)
        request = wrapper._createRequest()  # SPARQLWrapper forms the request; Http sends it
        request.remove_header("Accept")
        request.add_header("Accept", accept)
        return self.http.open("POST", request.full_url, request.data, dict(request.header_items()),
                              timeout=timeout or self.timeout, what="a query")

    def _dataset(self, sparql: str, defaults=(), named=()):
        """(query text, (default graphs, named graphs)) naming the current build's stored graphs."""
        mapping = self.require_graphs()
        empty = versions.version_prefix(self.base) + "none"
        if defaults or named:
            return sparql, (tuple(mapping.get(g, empty) for g in defaults),
                            tuple(mapping.get(g, empty) for g in named))
        if names_dataset(sparql):
            return versions.rewrite_dataset(sparql, mapping, empty), ((), ())
        union = mapping.get(versions.union_name(self.base))
        parts = tuple(sorted(v for k, v in mapping.items() if k != versions.union_name(self.base)))
        # The parts as named graphs only for a query that reads named graphs: a shorter request, and
        # less for the engine to set up.
        named = parts if _reads_named_graphs(sparql) else ()
        return versions.rewrite_dataset(sparql, mapping, empty), ((union,) if union else parts, named)

    def _select(self, sparql: str, dataset, max_bytes: int = MAX_QUERY_BYTES) -> list[tuple]:
        with self._open_query(sparql, JSON_RESULTS, dataset) as response:
            return list(JsonRows(response, self.endpoint.shown, max_bytes))

    def _names(self) -> dict[str, str]:
        """Stored graph -> graph name, to write answers in the names readers know."""
        return {stored: name for name, stored in self.current_graphs().items()}

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None, *, limit: int | None = None):
        """SELECT -> `Solutions`, ASK -> bool, CONSTRUCT/DESCRIBE -> `Triples`, as the embedded store;
        `bindings` are bound with a VALUES block of checked terms (values, never text)."""
        if bindings:
            from ..catalogue import bind_values

            sparql = bind_values(sparql, dict(bindings))
        try:
            return self._query(sparql, limit)
        except StoreError as exc:
            if "no answer in time" in str(exc):
                raise QueryTimeout(str(exc)) from None
            raise

    def _query(self, sparql: str, limit: int | None):
        text, dataset = self._dataset(sparql)
        names = self._names()
        if _is_graph_query(text):
            with self._open_query(text, NTRIPLES, dataset) as response:
                triples, _ = ntriples(response, self.endpoint.shown, MAX_QUERY_BYTES)
            cut = limit is not None and len(triples) > limit
            return Triples([_named_triple(t, names) for t in triples[:limit]], cut)
        with self._open_query(text, JSON_RESULTS, dataset) as response:
            rows = JsonRows(response, self.endpoint.shown, MAX_QUERY_BYTES)
            if rows.boolean is not None:
                return rows.boolean
            kept, truncated = [], rows.truncated
            for count, row in enumerate(rows):
                if count == limit:
                    truncated = True
                    break
                kept.append(tuple(_named(term, names) for term in row))
            return Solutions(rows.variables, kept, truncated or rows.truncated)

    def answer(self, request: Request) -> Answer:
        """The SPARQL protocol answer: checked (read-only, SERVICE allowlist), sent with the current
        build's dataset, read as a bounded stream and written within the request's caps."""
        check_query(request.query, request.service_allowlist)
        _check_standard(request.query, request.base_iri)
        query = request.query
        if request.base_iri:  # a later BASE in the query still wins, as SPARQL reads a prologue
            query = f"BASE <{request.base_iri}>\n{query}"
        text, dataset = self._dataset(query, request.default_graphs, request.named_graphs)
        names = self._names()
        # Enough bytes of the engine's answer for max_bytes of ours, whatever the formats' overheads.
        budget = request.max_bytes * 4 + 64 * 1024
        try:
            if _is_graph_query(text):
                with self._open_query(text, NTRIPLES, dataset) as response:
                    triples, cut = ntriples(response, self.endpoint.shown, budget)
                answer = serialise_graph((_named_triple(t, names) for t in triples), request,
                                         _serialise_triples)
                answer.truncated = answer.truncated or cut
                return answer
            with self._open_query(text, JSON_RESULTS, dataset) as response:
                rows = JsonRows(response, self.endpoint.shown, budget)
                if rows.boolean is not None:
                    body, content_type = write_boolean(rows.boolean, SOLUTION_TYPES[request.accept])
                    return Answer(content_type, body, kind="boolean")
                answer = serialise_solutions(rows.variables,
                                             ([_named(t, names) for t in row] for row in rows), request)
                answer.truncated = answer.truncated or rows.truncated
                return answer
        except StoreError as exc:
            raise _query_error(exc) from None

    @staticmethod
    def serialize_triples(triples: Iterable[Triple], fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
        from .oxigraph import OxigraphStore

        return OxigraphStore.serialize_triples(triples, fmt, prefixes)

    # graphs, dumps -----------------------------------------------------------------------------------

    def graphs(self) -> list[tuple[str, int]]:
        """(graph name, triples) for every graph of the current build, by name."""
        mapping = self._parts()
        stored = tuple(sorted(mapping.values()))
        rows = self._select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                            ((), stored))
        names = {v: k for k, v in mapping.items()}
        counts = {names[row[0].value]: int(row[1].value) for row in rows if row[0].value in names}
        return sorted((name, counts.get(name, 0)) for name in mapping)

    def _parts(self) -> dict[str, str]:
        """The current build's graphs without the union graph (`versions.union_name`)."""
        union = versions.union_name(self.base)
        return {name: stored for name, stored in self.require_graphs().items() if name != union}

    def triple_count(self) -> int:
        return sum(count for _, count in self.graphs())

    def _copy(self):
        """The current build's graphs copied into an in-memory embedded store (under their names), to
        be written by the embedded store's own serialisers: the same bytes from either store."""
        import pyoxigraph as ox

        from .oxigraph import OxigraphStore

        memory = ox.Store()
        for name, stored in sorted(self._parts().items()):
            memory.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
                               for t in ox.parse(self.read_graph(stored), format=ox.RdfFormat.N_TRIPLES))
        return OxigraphStore(memory)

    def read_graph(self, stored: str) -> bytes:
        """A stored graph as N-Triples: from the Graph Store (GET ?graph=) when there is one, else by
        a CONSTRUCT (which an engine may cap: Virtuoso at 10,000 triples by default)."""
        if self.endpoint.graph_store_url:
            url = _with_graph(self.endpoint.graph_store_url, stored)
            with self.http.open("GET", url, headers={"Accept": NTRIPLES}, what="reading a graph") as response:
                return response.read()
        query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        with self._open_query(query, NTRIPLES, ((stored,), ())) as response:
            return response.read()

    def serialize(self, fmt: str, prefixes: Mapping[str, str] | None = None, graph: str | None = None) -> bytes:
        return self._copy().serialize(fmt, prefixes=prefixes, graph=graph)

    def dump(self, outputs: Mapping[str, BinaryIO], prefixes: Mapping[str, str] | None = None) -> None:
        self._copy().dump(outputs, prefixes=prefixes)

    # loading ---------------------------------------------------------------------------------------

    def publish(self, nquads: bytes, **options) -> str:
        """Load a whole build (N-Quads, each triple in its graph) as a new version and switch to it."""
        from .remote_load import publish

        version = publish(self, nquads, **options)
        self._cache["pointer"] = None
        return version

    def load(self, data: bytes, fmt: str, graph: str | None = None) -> int:
        """Add data to a graph of the current build (in its stored graph), through the Graph Store."""
        from .remote_load import add_to_graph

        if graph is None:
            raise StoreError(f"the store at {self.endpoint.shown} is loaded graph by graph: name one")
        return add_to_graph(self, data, fmt, graph)

    def replace_graph(self, graph: str, data: bytes, fmt: str) -> int:
        """Make a graph hold exactly the data: a new stored graph, then one pointer switch."""
        from .remote_load import replace_graph

        count = replace_graph(self, data, fmt, graph)
        self._cache["pointer"] = None
        return count

    def update(self, operation: str, what: str = "an update") -> None:
        """One SPARQL 1.1 Update request (the build's own; never a reader's) to the update endpoint."""
        url = self.endpoint.update_url
        if not url:
            raise StoreError(f"the store at {self.endpoint.shown} needs --update-endpoint to be written")
        body = urllib.parse.urlencode({"update": operation}).encode("ascii")
        with self.http.open("POST", url, body, {"Content-Type": "application/x-www-form-urlencoded"},
                            what=what) as response:
            response.read()


# --- helpers -------------------------------------------------------------------------------------------

_EMPTY = None


def _check_standard(query: str, base_iri: str | None) -> None:
    """Refuse what is not SPARQL 1.1 before it reaches the engine: an engine's own extensions are
    entry points the embedded store never had (Virtuoso's `define input:default-graph-uri ...` pragma
    would choose its own dataset, system graphs included; its predeclared `bif:` and `sql:` prefixes
    call built-in SQL functions). The embedded engine parses the text against an empty store (parsing
    and planning only: nothing is iterated), so what passes is exactly what the embedded store reads."""
    import pyoxigraph as ox

    from ..sparql import EndpointError

    global _EMPTY
    if _EMPTY is None:
        _EMPTY = ox.Store()
    try:
        _EMPTY.query(query, base_iri=base_iri) if base_iri else _EMPTY.query(query)
    except SyntaxError as exc:
        raise EndpointError(f"not a SPARQL 1.1 query: {' '.join(str(exc).split())[:300]}") from None
    except (ValueError, OSError, RuntimeError):
        return  # parsed; evaluating against nothing failed, which says nothing about the text

@lru_cache(maxsize=512)
def _shape(sparql: str) -> tuple[bool, bool]:
    """(a CONSTRUCT/DESCRIBE?, reads named graphs?) from one pass of the lexer, remembered for the
    texts seen most (saved queries repeat)."""
    from ..sparql import _tokens

    graph_form, form_known, reads_named = False, False, False
    for kind, token in _tokens(sparql):
        if kind == "word":
            word = token.upper()
            if not form_known and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                graph_form, form_known = word in ("CONSTRUCT", "DESCRIBE"), True
            elif word == "GRAPH":
                reads_named = True
    return graph_form, reads_named


def _is_graph_query(sparql: str) -> bool:
    return _shape(sparql)[0]


def _reads_named_graphs(sparql: str) -> bool:
    return "GRAPH" in sparql.upper() and _shape(sparql)[1]


def _named(term, names: dict[str, str]):
    if type(term) is IRI:
        name = names.get(term.value)
        if name is not None:
            return IRI(name)
    return term


def _named_triple(triple: Triple, names: dict[str, str]) -> Triple:
    return Triple(_named(triple.subject, names), triple.predicate, _named(triple.object, names))


def _serialise_triples(triples, fmt: str) -> bytes:
    return RemoteStore.serialize_triples(triples, fmt)


def _with_graph(url: str, graph: str) -> str:
    return url + ("&" if "?" in url else "?") + urllib.parse.urlencode({"graph": graph})


def _query_error(exc: StoreError) -> QueryFailed:
    """A store's failure as the endpoint reports it: a timeout or a busy engine is a 503, the engine
    refusing the query (HTTP 400) the client's error; anything else the store's fault (502)."""
    message = str(exc)
    if "no answer in time" in message or "HTTP 503" in message or "HTTP 504" in message:
        return QueryTimeout(message)
    failed = QueryFailed(message)
    failed.status = 400 if "HTTP 400" in message else 502
    return failed


__all__ = ["RemoteStore", "shown_url"]
