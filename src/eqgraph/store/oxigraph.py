"""The embedded store: an Oxigraph database in a directory, the only code that speaks to the engine.

Everything leaves this module as plain values (`terms`, `Solutions`, bytes): the rest of eqgraph never
holds an engine object, so another store can stand in its place.

Graphs: a release keeps each part of the graph (ontology and vocabularies, each plan, continuity, the
query catalogue) in a named graph of its own, each triple in exactly one. A query sees their union as
its default graph (Oxigraph counts a triple once per graph that holds it, so a triple in two graphs
would be counted twice: the build never writes one twice), unless it names its own dataset with
FROM / FROM NAMED or the protocol's `default-graph-uri` / `named-graph-uri`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..errors import StoreError
from ..sparql import SOLUTION_TYPES, Answer, Request, check_query, names_dataset
from .jsonld import write_jsonld
from .results import Solution, Solutions, Triples
from .terms import IRI, BlankNode, Literal, Term, Triple
from .terms import trusted_blank_node, trusted_iri, trusted_literal

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
DATASET_FORMATS = {"nq", "trig"}  # formats that keep the named graphs


# --- terms in and out --------------------------------------------------------------------------------

def to_engine(term: Term | Triple):
    if isinstance(term, IRI):
        return ox.NamedNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(term.value, language=term.language)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype.value))
    if isinstance(term, BlankNode):
        return ox.BlankNode(term.value)
    if isinstance(term, Triple):
        return ox.Triple(to_engine(term.subject), to_engine(term.predicate), to_engine(term.object))
    raise TypeError(f"not an RDF term: {term!r}")


def from_engine(term):
    """An engine term as a `terms` value (None stays None: an unbound variable). The engine's terms
    are valid RDF, so they are made without the checks input gets (`terms.trusted_*`)."""
    if term is None:
        return None
    kind = type(term)
    if kind is _NamedNode:
        return trusted_iri(term.value)
    if kind is _Literal:
        language = term.language
        if language:
            return trusted_literal(term.value, language=language)
        datatype = _DATATYPES.get(term.datatype)
        if datatype is None:
            if len(_DATATYPES) >= 1000:
                _DATATYPES.clear()
            datatype = _DATATYPES[term.datatype] = trusted_iri(term.datatype.value)
        return trusted_literal(term.value, datatype)
    if kind is _BlankNode:
        return trusted_blank_node(term.value)
    if kind is _Triple:
        return Triple(from_engine(term.subject), from_engine(term.predicate), from_engine(term.object))
    raise TypeError(f"an engine term eqgraph does not know: {term!r}")


_NamedNode, _Literal, _BlankNode, _Triple = ox.NamedNode, ox.Literal, ox.BlankNode, ox.Triple
_DATATYPES: dict = {}  # engine datatype IRI -> IRI (a handful: xsd:string, xsd:integer ...)


def _converter():
    """(known, convert) for the terms of one answer: answers repeat their terms (a plan's id on each
    of its rows, labels, classes), so each distinct term is converted once and then found by the
    engine's own term (hashed in the engine, no string made): `known(term) or convert(term)`. Kept
    for one answer only, so nothing outlives it."""
    seen: dict = {}

    def convert(term):
        if term is None:
            return None
        value = seen[term] = from_engine(term)
        return value

    return seen.get, convert


# --- the store -----------------------------------------------------------------------------------------

def in_graph(graph: str, lines) -> bytes:
    """Canonical N-Triples lines ("<s> <p> <o> .") as N-Quads in `graph` ("<s> <p> <o> <graph> .")."""
    suffix = f"<{graph}> .\n".encode("utf-8")
    return b"".join(line[:-1] + suffix for line in lines)


class OxigraphStore:
    """The embedded store. `query` answers any form; `answer` answers the SPARQL protocol."""

    def __init__(self, store: ox.Store, path: Path | None = None):
        self._store = store
        self.path = path

    @classmethod
    def open(cls, path: Path, in_memory_up_to: int = 0) -> "OxigraphStore":
        """The store in `path`, read-only. With `in_memory_up_to`, a store of at most that many quads
        is copied into memory and answered from there: the engine's in-memory indexes answer a small
        graph's queries two to four times faster than its on-disk ones (a label scan over 13,817
        triples: 0.37 ms against 1.3 ms), at about 320 bytes a quad. Reading stops one quad past the
        bound, so a large store costs no more to open than before."""
        try:
            store = ox.Store.read_only(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the graph store at {path}: {exc}") from exc
        if in_memory_up_to > 0:
            quads = list(islice(store, in_memory_up_to + 1))
            if len(quads) <= in_memory_up_to:
                memory = ox.Store()
                memory.bulk_extend(quads)
                return cls(memory, path)
        return cls(store, path)

    @classmethod
    def create(cls, path: Path, nquads: bytes) -> "OxigraphStore":
        """A new store in `path` holding the N-Quads given (each triple in its named graph)."""
        store = ox.Store(str(path))
        store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        store.flush()
        return cls(store, path)

    @classmethod
    def derive(cls, previous: Path, path: Path, drop: Iterable[str], nquads: bytes,
               revise: Mapping[str, list[bytes]] | None = None,
               held: Mapping[str, list[bytes]] | None = None) -> "OxigraphStore":
        """A new store in `path`: the store at `previous` copied (the engine's backup, which links its
        files instead of copying them where it can, so a large store costs little) without the named
        graphs `drop`, with the N-Quads given, and with each graph of `revise` (IRI -> sorted N-Triples
        lines, as `graph_lines` gives them) made to hold those lines by removing and adding only the
        lines that differ: a large graph that changed a little costs its change, not its size. `held`
        gives, where the caller knows them, the lines a revised graph holds in `previous` (else they
        are read from it). `previous` is only read: a server answering from it goes on doing so."""
        try:
            ox.Store.read_only(str(previous)).backup(str(path))
        except OSError as exc:
            raise StoreError(f"cannot copy the graph store at {previous}: {exc}") from exc
        store = cls(ox.Store(str(path)), path)
        for graph in drop:
            store._store.remove_graph(ox.NamedNode(graph))
        added = [nquads] if nquads else []
        for graph, lines in (revise or {}).items():
            before = (held or {}).get(graph)
            before = set(before if before is not None else store.graph_lines(graph))
            wanted = set(lines)
            name = ox.NamedNode(graph)
            for triple in ox.parse(b"".join(line + b"\n" for line in sorted(before - wanted)),
                                   format=ox.RdfFormat.N_TRIPLES):
                store._store.remove(ox.Quad(triple.subject, triple.predicate, triple.object, name))
            added.append(in_graph(graph, sorted(wanted - before)))
        if any(added):
            store._store.bulk_load(b"".join(added), format=ox.RdfFormat.N_QUADS)
        store.flush()
        return store

    def flush(self) -> None:
        """Write what is held in memory into the store's files (a copy of the store by `derive`
        copies the files: what only the write-ahead log holds would be left out)."""
        self._store.flush()

    def graph_lines(self, graph: str) -> list[bytes]:
        """A named graph's triples as sorted N-Triples lines (the engine's own writing of them)."""
        lines = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)).splitlines()
        lines.sort()
        return lines

    # loading (a writable store: the build's, or an operator's own) -------------------------------------

    def _parse(self, data: bytes, fmt: str, graph: str | None) -> list:
        """Quads from bytes in a format of RDF_FORMATS; triples go into `graph` (the default graph if
        None). Everything is parsed before anything is written, so bad data changes nothing."""
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        try:
            parsed = list(ox.parse(data, format=RDF_FORMATS[fmt]))
        except SyntaxError as exc:
            raise StoreError(f"cannot load the data ({fmt}): {exc}") from None
        return [q if isinstance(q, ox.Quad) and fmt in DATASET_FORMATS else
                ox.Quad(q.subject, q.predicate, q.object, target) for q in parsed]

    def load(self, data: bytes, fmt: str, graph: str | None = None) -> int:
        """Add the data (in one transaction: all of it or nothing); returns how many quads were read."""
        quads = self._parse(data, fmt, graph)
        self._store.extend(quads)
        return len(quads)

    def replace_graph(self, graph: str, data: bytes, fmt: str) -> int:
        """Make the named graph hold exactly the data, atomically: readers see the old graph or the new,
        never a mix (one SPARQL Update, which the engine runs as one transaction)."""
        quads = self._parse(data, fmt, graph)
        name = ox.NamedNode(graph)
        body = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                            format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        self._store.update(f"DROP SILENT GRAPH {name} ; INSERT DATA {{ GRAPH {name} {{ {body} }} }}")
        return len(quads)

    # queries ---------------------------------------------------------------------------------------

    def _run(self, sparql: str, bindings: Mapping[str, Term] | None = None, **dataset):
        kwargs = dict(dataset)
        if bindings:
            kwargs["substitutions"] = {ox.Variable(k): to_engine(v) for k, v in bindings.items()}
        if not dataset and not names_dataset(sparql):
            kwargs["use_default_graph_as_union"] = True
        return self._store.query(sparql, **kwargs)

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None, *, limit: int | None = None):
        """SELECT -> `Solutions`, ASK -> bool, CONSTRUCT/DESCRIBE -> list of `Triple`s; `bindings`
        are substituted for variables as values (never as text). `limit`: at most that many rows,
        and `truncated` set on the `Solutions` when there were more."""
        result = self._run(sparql, bindings)
        if isinstance(result, (ox.QueryBoolean, bool)):
            return bool(result)
        known, convert = _converter()  # `known(term) or convert(term)`: our terms are never falsy
        if isinstance(result, ox.QueryTriples):
            triples, truncated = [], False
            for count, (s, p, o) in enumerate(result):
                if count == limit:
                    truncated = True
                    break
                triples.append(Triple(known(s) or convert(s), known(p) or convert(p), known(o) or convert(o)))
            return Triples(triples, truncated)
        variables = [v.value for v in result.variables]
        index = {name: i for i, name in enumerate(variables)}
        rows, truncated = [], False
        for count, solution in enumerate(result):  # a solution gives each variable's value, None if unbound
            if count == limit:
                truncated = True
                break
            rows.append(Solution(index, tuple([known(term) or convert(term) for term in solution])))
        return Solutions.of(variables, rows, truncated)

    def answer(self, request: Request) -> Answer:
        """The SPARQL protocol: check, run, serialise within the request's row and byte caps."""
        from ..sparql import serialise_graph, serialise_solutions, write_boolean

        check_query(request.query, request.service_allowlist)
        dataset = {}
        if request.default_graphs:
            dataset["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
        if request.named_graphs:
            dataset["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
        if request.base_iri:
            dataset["base_iri"] = request.base_iri
        union = not (request.default_graphs or request.named_graphs or names_dataset(request.query))
        result = self._store.query(request.query, use_default_graph_as_union=union, **dataset)
        if isinstance(result, (ox.QueryBoolean, bool)):
            body, content_type = write_boolean(bool(result), SOLUTION_TYPES[request.accept])
            return Answer(content_type, body, kind="boolean")
        # The results writers read terms by their attributes, so the engine's terms go to them as they
        # are: nothing leaves this method but bytes, and converting each term would double its cost.
        if isinstance(result, ox.QueryTriples):
            return serialise_graph(result, request, _write_engine_triples)
        variables = [v.value for v in result.variables]
        width = range(len(variables))
        rows = ([solution[i] for i in width] for solution in result)
        return serialise_solutions(variables, rows, request)

    # graphs and serialisation ------------------------------------------------------------------

    def graphs(self) -> list[tuple[str, int]]:
        """(graph IRI, triples) for every named graph, by IRI."""
        counts = self._store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sorted((row["g"].value, int(row["n"].value)) for row in counts)

    def triple_count(self) -> int:
        return len(self._store)

    def graph_size(self, graph: str) -> int:
        """The triples of one named graph (counted by the engine: a Python object per quad costs
        ten times more)."""
        (row,) = self._store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")
        return int(row[0].value)

    def serialize(self, fmt: str, prefixes: Mapping[str, str] | None = None, graph: str | None = None) -> bytes:
        """The whole store (or one graph) in a format of `RDF_FORMATS`; N-Quads and TriG keep the graphs."""
        target = ox.NamedNode(graph) if graph else None
        quads = self._store.quads_for_pattern(None, None, None, target)
        items = quads if fmt in DATASET_FORMATS else (q.triple for q in quads)
        kwargs = {"prefixes": dict(prefixes)} if prefixes and fmt in ("turtle", "xml", "trig") else {}
        return ox.serialize(items, format=RDF_FORMATS[fmt], **kwargs)

    def dump(self, outputs: Mapping[str, BinaryIO], prefixes: Mapping[str, str] | None = None) -> None:
        """The whole store written into each output (a binary file, e.g. a gzip stream) in its format:
        `{"nq": file, "jsonld": other}`, formats of `RDF_FORMATS` or `jsonld` (compact, with the prefixes
        as its context: `store.jsonld`).

        Unlike `serialize`, the order is fixed, not the engine's: by graph (the default graph first),
        then by each triple's N-Triples line, so the same quads always give the same bytes and each
        subject's triples sit together. N-Quads, TriG and JSON-LD keep the named graphs; Turtle,
        N-Triples and RDF/XML give the union, each triple once. The engine writes each graph as
        N-Triples and the lines are sorted as bytes; the formats that need terms parse those lines
        back (faster than reading the store's quads as objects and sorting them by their text). The
        store is read once for all the outputs, so the graph is held in memory once, as the build
        already held it. (Blank nodes keep the engine's labels, which differ from store to store; a
        built graph has none.)"""
        default = ox.DefaultGraph()
        graphs = [(b"", default)] + sorted((str(g).encode("utf-8"), g) for g in self._store.named_graphs())
        quad_lines: list[bytes] = []
        triple_lines: set[bytes] = set()
        for name, graph in graphs:
            lines = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines()
            lines.sort()
            triple_lines.update(lines)
            quad_lines.extend([line[:-1] + name + b" ." for line in lines] if name else lines)  # "<s> <p> <o> <g> ."
        nquads = b"".join(line + b"\n" for line in quad_lines)
        del quad_lines
        ntriples = b"".join(line + b"\n" for line in sorted(triple_lines))
        del triple_lines
        quads = None
        for fmt, output in outputs.items():
            if fmt in ("nq", "nt"):
                output.write(nquads if fmt == "nq" else ntriples)
                continue
            if fmt in DATASET_FORMATS or fmt == "jsonld":
                if quads is None:
                    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
                items = quads
            else:
                items = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
            if fmt == "jsonld":
                known, convert = _converter()  # terms repeat (types, predicates, subjects): each converted once
                write_jsonld(((None if q.graph_name == default else known(q.graph_name) or convert(q.graph_name),
                               known(q.subject) or convert(q.subject), known(q.predicate) or convert(q.predicate),
                               known(q.object) or convert(q.object)) for q in quads), output, prefixes or {})
                continue
            kwargs = {"prefixes": dict(prefixes)} if prefixes and fmt in ("turtle", "xml", "trig") else {}
            ox.serialize(items, output, format=RDF_FORMATS[fmt], **kwargs)

    @staticmethod
    def serialize_triples(triples: Iterable[Triple], fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
        """Triples already in hand (a CONSTRUCT's answer, an entity's description) in a format."""
        kwargs = {"prefixes": dict(prefixes)} if prefixes and fmt in ("turtle", "xml") else {}
        return ox.serialize((to_engine(t) for t in triples), format=RDF_FORMATS[fmt], **kwargs)


def _write_engine_triples(triples, fmt: str) -> bytes:
    return ox.serialize(triples, format=RDF_FORMATS[fmt])
