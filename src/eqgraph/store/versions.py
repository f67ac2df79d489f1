"""Versioned graphs and the pointer: how a remote store switches a whole build at once.

SPARQL 1.1 has no transaction across requests, and `MOVE` of several graphs is not atomic as a set
(nor guaranteed atomic on Virtuoso). So a build never writes into the graphs readers read: each build
loads its graphs under fresh, versioned IRIs,

    <base>graph/plan/merton-2017-18  (the name readers use, as on the embedded store)
    <base>graph/version/<stamp>/plan/merton-2017-18  (where this build's triples are stored)

and only once every graph is complete rewrites one small pointer graph, `<base>graph/current`, with a
single SPARQL Update operation (DELETE/INSERT ... WHERE: one operation, which every engine runs
atomically). Its triples map each graph name to its stored graph for the current version:

    <base>graph/plan/x  eqg:storedIn  <base>graph/version/<stamp>/plan/x  (in graph <base>graph/current)

Readers resolve the pointer and then name the stored graphs explicitly (`default-graph-uri`, or the
IRIs rewritten in the query text), so a reader sees the old build or the new, never half of one; a
build that dies midway leaves versioned graphs nobody points at, dropped by the next build.

Each version also stores its whole graph once more, in one graph, under the reserved name
`<base>graph/union`: a query with no FROM reads that one graph as its default graph (and the parts
as its named graphs). Naming a hundred parts as the default graph instead made Oxigraph server answer
up to 60 times slower (a union over every listed graph for each pattern); twice the triples stored
is the price.
"""

from __future__ import annotations

import re
import time

from ..namespaces import EQG

STORED_IN = str(EQG) + "storedIn"


def union_name(base: str) -> str:
    """The reserved name of a version's whole graph (every part's triples, each once)."""
    return base + "graph/union"


def pointer_graph(base: str) -> str:
    return base + "graph/current"


def version_prefix(base: str) -> str:
    return base + "graph/version/"


def new_version() -> str:
    """A version stamp that sorts in build order (nanoseconds break ties within a second)."""
    return f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}.{time.time_ns() % 10**9:09d}"


def stored_graph(base: str, version: str, graph: str) -> str:
    """Where graph `graph` (a full graph IRI under `<base>graph/`) of `version` is stored."""
    prefix = base + "graph/"
    if not graph.startswith(prefix):
        raise ValueError(f"not a graph of this build: {graph}")
    return f"{version_prefix(base)}{version}/{graph[len(prefix):]}"


def version_of(base: str, stored: str) -> str | None:
    """The version a stored graph IRI belongs to (None for any other IRI)."""
    prefix = version_prefix(base)
    if not stored.startswith(prefix):
        return None
    return stored[len(prefix):].split("/", 1)[0]


def switch_update(base: str, mapping: dict[str, str], first: bool = False) -> str:
    """One SPARQL Update operation that makes the pointer graph hold exactly `mapping` (graph name ->
    stored graph). One operation, so no reader sees the pointer empty or mixed.

    The first time (`first`: the pointer graph is empty) it is an INSERT DATA. Afterwards it is a
    DELETE/INSERT whose WHERE matches the old pointer's triples: `WHERE { OPTIONAL { ... } }` would be
    the one text for both cases, but Virtuoso 7 finds no solution there when the pattern matches
    nothing (the standard gives one, empty), and so inserted nothing."""
    pointer = pointer_graph(base)
    triples = " ".join(f"<{name}> <{STORED_IN}> <{stored}> ." for name, stored in sorted(mapping.items()))
    if first:
        return f"INSERT DATA {{ GRAPH <{pointer}> {{ {triples} }} }}"
    return (f"DELETE {{ GRAPH <{pointer}> {{ ?s ?p ?o }} }}\n"
            f"INSERT {{ GRAPH <{pointer}> {{ {triples} }} }}\n"
            f"WHERE {{ GRAPH <{pointer}> {{ ?s ?p ?o }} }}")


def pointer_query(base: str) -> str:
    return (f"SELECT ?name ?stored WHERE {{ GRAPH <{pointer_graph(base)}> "
            f"{{ ?name <{STORED_IN}> ?stored }} }}")


def stored_graphs_query(base: str) -> str:
    """Every stored graph of every version (to drop the ones no longer needed)."""
    return (f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER (STRSTARTS(STR(?g), \"{version_prefix(base)}\")) }}")


_FROM = re.compile(r"(?i)\bFROM(\s+NAMED)?\s*<([^<>\s]*)>")


def rewrite_dataset(query: str, mapping: dict[str, str], empty: str) -> str:
    """The query with every graph name it writes as `<IRI>` replaced by its stored graph, and any other
    IRI in a FROM / FROM NAMED clause by an empty graph: a query reads the current build's graphs and
    nothing else the store holds (as on the embedded store, where an unknown graph is empty)."""
    stored_iris = set(mapping.values())

    def from_clause(match):
        iri = match.group(2)
        target = iri if iri in stored_iris else mapping.get(iri, empty)
        return f"FROM{match.group(1) or ''} <{target}>"

    if "<" not in query:
        return query
    query = _FROM.sub(from_clause, query)
    for name, stored in mapping.items():
        token = f"<{name}>"
        if token in query:
            query = query.replace(token, f"<{stored}>")
    return query
