"""The store seam: where a built graph lives and how it is queried, behind one interface.

Everything that reads or writes the graph goes through a `GraphStore`; only this package speaks to an
engine (pyoxigraph, in `oxigraph`), so a second store (a remote SPARQL 1.1 endpoint) can stand in for
the embedded one with no change to the catalogue, the CLI or the web app. The interface speaks SPARQL
1.1 and plain values:

* `query(sparql, bindings, limit=)`: SELECT -> `Solutions` (rows of `terms`), ASK -> bool,
  CONSTRUCT/DESCRIBE -> `Triples`; parameters are bound as terms, never pasted in as text;
* `answer(request)`: the SPARQL protocol answer (query text, chosen media types, dataset, caps) ->
  `sparql.Answer` (bytes, media type, truncated);
* `graphs()`: the named graphs with their triple counts; `serialize(fmt, graph=)`: the store or one
  graph as bytes (N-Quads and TriG keep the graphs); `serialize_triples(triples, fmt)`; `dump({fmt:
  file})`: the whole store into files in a fixed order (same quads, same bytes), JSON-LD compact
  with the graphs kept (`jsonld`);
* loading: `load(data, fmt, graph)` adds data in one transaction, `replace_graph(graph, data, fmt)`
  swaps a named graph's content atomically; `OxigraphStore.create(path, nquads)` makes a new store
  (a build writes a new release rather than changing a served one).

What the web app reads beside the graph (build summary, SHACL report, graph views, source documents,
whole-graph dumps) is behind `ReleaseFiles`. `pool` and `pooled` run any of it in worker processes
with bounds.

Graph names (under the build's base IRI, `<base>graph/...`) are made by `graph_iri`.
"""

from __future__ import annotations

from typing import Protocol

from .releases import (
    KEEP_RELEASES,
    ReleaseFiles,
    current_release,
    open_current,
    publish_release,
    release_info,
)
from .opening import open_store  # the one place that chooses the embedded or a remote store
from .results import Solution, Solutions, Triples
from .terms import IRI, XSD, XSD_STRING, BlankNode, Literal, Term, Triple

__all__ = [
    "GraphStore", "QueryStore", "IRI", "KEEP_RELEASES", "BlankNode", "Literal", "ReleaseFiles", "Solution", "Solutions", "Term",
    "Triple", "Triples", "XSD", "XSD_STRING", "current_release", "graph_iri", "open_current", "publish_release",
    "release_info", "open_store",
]


class QueryStore(Protocol):
    """What reading the graph needs: the catalogue, the web app and the endpoint use only this
    (`OxigraphStore` and the web app's `PooledStore` provide it)."""

    def query(self, sparql: str, bindings=None, *, limit: int | None = None): ...

    def answer(self, request): ...

    def serialize_triples(self, triples, fmt: str, prefixes=None) -> bytes: ...


class GraphStore(QueryStore, Protocol):
    """A whole store: reading, the graphs it holds, dumps and loading (`OxigraphStore`)."""

    def graphs(self) -> list[tuple[str, int]]: ...

    def serialize(self, fmt: str, prefixes=None, graph: str | None = None) -> bytes: ...

    def dump(self, outputs, prefixes=None) -> None: ...

    def load(self, data: bytes, fmt: str, graph: str | None = None) -> int: ...

    def replace_graph(self, graph: str, data: bytes, fmt: str) -> int: ...


def graph_iri(base: str, *parts: str) -> str:
    """The IRI of a named graph of the build: `<base>graph/vocabularies`, `<base>graph/plan/<id>` ..."""
    return base + "graph/" + "/".join(parts)
