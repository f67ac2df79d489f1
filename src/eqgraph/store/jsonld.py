"""A whole dataset as compact JSON-LD, written as the quads stream by: the whole-graph dump's writer.

Why a writer of our own: the engine's JSON-LD (pyoxigraph 0.5) is expanded, with every IRI in full and
no `@context`, half as large again; rdflib's compacts, about as fast on the built-in 15,000 triples
(0.31 s, 0.2 s here), but builds the whole document in memory and lists nodes in the order of its
hash-seeded sets, so two builds would differ (see docs/design.md, "Publishing"). Here the quads
arrive sorted by graph, subject, predicate and object (which is what makes two builds' dumps
byte-identical), so each node is written as soon as its subject's last quad is read, and each named
graph as soon as its last node is: memory holds one node.

The document keeps the named graphs:

    {"@context": {"eqg": "https://w3id.org/eqgraph/ontology#", ...},
     "@graph": [
      {"@id": "<graph IRI>", "@graph": [
       {"@id": "...", "@type": "eqg:Action", "dcterms:title": "...", "eqg:deliveredBy": {"@id": "..."}},
       ...]},
      ...]}

Triples in the default graph (a store eqgraph builds has none) are nodes of the top-level `@graph`.
IRIs are shortened with the context's prefixes (a property as a key, a type, an `@id`), plain
`xsd:string` literals are JSON strings, others `{"@value", "@type" | "@language"}`: lexical forms are
kept as they are, so the JSON-LD reads back into exactly the same RDF terms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from itertools import groupby
from typing import BinaryIO

from .terms import IRI, XSD_STRING, BlankNode, Literal

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
GEN_DELIMS = tuple(":/?#[]@")  # JSON-LD 1.1 uses a term as a prefix only when its IRI ends with one

Quad = tuple  # (graph IRI or None, subject, predicate, object), as `store.terms` values


class _Compactor:
    """IRIs as `prefix:rest` where a prefix of the context covers them (the longest namespace wins)."""

    def __init__(self, prefixes: Mapping[str, str]):
        usable = {p: ns for p, ns in prefixes.items() if ns.endswith(GEN_DELIMS) and ":" not in p}
        self.context = dict(sorted(usable.items()))
        self._by_length = sorted(usable.items(), key=lambda item: -len(item[1]))
        self._seen: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        known = self._seen.get(iri)
        if known is not None:
            return known
        short = iri
        for prefix, namespace in self._by_length:
            rest = iri[len(namespace):]
            if iri.startswith(namespace) and rest and not rest.startswith("//"):
                short = f"{prefix}:{rest}"
                break
        else:
            scheme = iri.split(":", 1)[0]
            if scheme in self.context:  # `eqg:x` as a full IRI would read as a prefixed name
                raise ValueError(f"the IRI {iri[:200]} has a scheme that is a prefix of the JSON-LD context")
        if len(self._seen) < 100_000:  # bounded: the graph's classes, properties and datatypes repeat
            self._seen[iri] = short
        return short


def _node_id(term, compact: _Compactor) -> str:
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return compact(term.value)


def _value(term, compact: _Compactor):
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": compact(term.datatype.value)}
    return {"@id": _node_id(term, compact)}


def _node(subject, quads: Iterable[Quad], compact: _Compactor) -> dict:
    node: dict = {"@id": _node_id(subject, compact)}
    types: list = []
    properties: dict[str, list] = {}
    for _, _, predicate, obj in quads:
        if predicate.value == RDF_TYPE and isinstance(obj, IRI):
            types.append(compact(obj.value))
        else:
            properties.setdefault(compact(predicate.value), []).append(_value(obj, compact))
    if types:
        node["@type"] = types[0] if len(types) == 1 else types
    for key, values in properties.items():
        node[key] = values[0] if len(values) == 1 else values
    return node


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def jsonld_header(prefixes: Mapping[str, str]) -> bytes:
    """The document's start: its context (the prefixes it can use) and the opening of its `@graph`."""
    return b'{"@context":' + _dumps(_Compactor(prefixes).context) + b',\n"@graph":['


def jsonld_footer() -> bytes:
    return b"\n]}\n"


def graph_opening(graph: str, prefixes: Mapping[str, str]) -> bytes:
    """The start of a named graph's item in the document's `@graph` (`{"@id": g, "@graph": [`): what the
    whole-graph dump writes per graph (eqgraph.publish.dumps), then its nodes, then `graph_closing`."""
    return b'{"@id":' + _dumps(_Compactor(prefixes)(graph)) + b',"@graph":['


def graph_closing() -> bytes:
    return b"]}"


def graph_nodes(triples: Iterable, prefixes: Mapping[str, str], first: bool = True) -> bytes:
    """The nodes of a named graph's `@graph`, from engine triples sorted by subject, predicate and
    object, each after ",\n" (after "\n" for the graph's first node, when `first`): a graph's nodes
    written in runs of whole subjects, one after the other, are the same bytes as written at once."""
    from .oxigraph import from_engine

    compact = _Compactor(prefixes)
    quads = ((None, from_engine(t.subject), from_engine(t.predicate), from_engine(t.object)) for t in triples)
    return b"".join((b"\n" if first and index == 0 else b",\n") + _dumps(_node(subject, group, compact))
                    for index, (subject, group) in enumerate(groupby(quads, key=lambda q: q[1])))


def write_jsonld(quads: Iterable[Quad], output: BinaryIO, prefixes: Mapping[str, str]) -> None:
    """Write the quads, sorted by graph (None first), subject, predicate and object, as one JSON-LD
    document into `output`."""
    compact = _Compactor(prefixes)
    output.write(b'{"@context":' + _dumps(compact.context) + b',\n"@graph":[')
    first_item = True
    for graph, in_graph in groupby(quads, key=lambda q: q[0]):
        nodes = (_node(subject, group, compact) for subject, group in groupby(in_graph, key=lambda q: q[1]))
        if graph is None:  # default-graph nodes sit in the top-level @graph
            for node in nodes:
                output.write((b"\n" if first_item else b",\n") + _dumps(node))
                first_item = False
            continue
        output.write((b"\n" if first_item else b",\n") + b'{"@id":' + _dumps(compact(graph.value)) + b',"@graph":[')
        first_item = False
        for index, node in enumerate(nodes):
            output.write((b"\n" if index == 0 else b",\n") + _dumps(node))
        output.write(b"]}")
    output.write(b"\n]}\n")
