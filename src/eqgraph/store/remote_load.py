"""Loading a remote store: a build streamed to the Graph Store in bounded chunks under a new version,
then one pointer switch (see `versions` for why), then the versions no longer needed dropped.

* Chunks: the N-Quads are grouped by graph and sent as N-Triples, `CHUNK_BYTES` (1 MiB) at a time, with
  the Graph Store protocol's POST (which adds to a graph), so no request and no engine transaction
  holds the whole build. A chunk ends at a line, and a built graph has no blank nodes (`as_nquads`
  refuses one), so no blank node can be split between two chunks.
* Parallel: `PARALLEL` (3) chunks are in flight at once, never more than twice that queued, so the
  store parses one while the next travels and memory stays bounded.
* Retries: each request is retried with backoff on a transient failure (`endpoint.Http`); POSTing a
  chunk twice adds the same triples twice, which a set of triples keeps once.
* All or nothing: readers follow the pointer, which names the new version's graphs only once every
  chunk of every graph is in. A build that fails midway leaves the previous pointer, hence the
  previous graph, whole; its partial graphs belong to no pointer and the next build drops them.
* Keeping: the version just switched to and the one before it (a reader that resolved the pointer a
  moment ago still reads a whole graph, as the embedded store keeps two releases); older versions and
  leftovers of failed builds are dropped after the switch.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, ThreadPoolExecutor, wait

from ..errors import StoreError
from . import versions
from .endpoint import shown_url

CHUNK_BYTES = 1024 * 1024
PARALLEL = 3  # chunks sent at once: the store parses one while the next travels
NTRIPLES = "application/n-triples"


def _graph_chunks(nquads: bytes, chunk_bytes: int, union: str | None = None):
    """(graph IRI, N-Triples chunk): the lines of each graph (graphs in order of first appearance), at
    most `chunk_bytes` a chunk (a longer line goes alone); with `union`, every line again under that
    name, last (`versions.union_name`). The build's N-Quads end each line with ` <graph> .`; they
    are sorted by subject, so graphs are gathered first."""
    graphs: dict[str, list[bytes]] = {}
    for line in nquads.splitlines():
        if not line.strip():
            continue
        body, _, tail = line.rstrip().rpartition(b" <")
        if not tail.endswith(b"> .") or not body:
            raise StoreError("the build's N-Quads hold a line without a named graph")
        graphs.setdefault(tail[:-3].decode("utf-8"), []).append(body + b" .\n")
    if union is not None:
        graphs[union] = [triple for triples in list(graphs.values()) for triple in triples]
    for graph, triples in graphs.items():
        lines, size = [], 0
        for triple in triples:
            if lines and size + len(triple) > chunk_bytes:
                yield graph, b"".join(lines)
                lines, size = [], 0
            lines.append(triple)
            size += len(triple)
        if lines:
            yield graph, b"".join(lines)


def _post(store, stored: str, chunk: bytes) -> None:
    from .remote import _with_graph

    url = store.endpoint.graph_store_url
    if not url:
        raise StoreError(f"the store at {store.endpoint.shown} needs --graph-store to be loaded")
    with store.http.open("POST", _with_graph(url, stored), chunk,
                         {"Content-Type": NTRIPLES}, what="loading a graph") as response:
        response.read()


def publish(store, nquads: bytes, *, chunk_bytes: int = CHUNK_BYTES, parallel: int = PARALLEL,
            on_chunk: Callable[[int], None] | None = None) -> str:
    """Load the build as a new version, switch the pointer to it, drop what is no longer needed;
    returns the version. `on_chunk(n)` is called after each chunk is in (progress, tests)."""
    base = store.base
    version = versions.new_version()
    mapping: dict[str, str] = {}
    sent = 0
    union = versions.union_name(base)
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        pending: set = set()
        for graph, chunk in _graph_chunks(nquads, chunk_bytes, union):
            stored = mapping.get(graph) or versions.stored_graph(base, version, graph)
            mapping[graph] = stored
            pending.add(pool.submit(_post, store, stored, chunk))
            if len(pending) >= parallel * 2:  # a few chunks in flight, never the whole build
                sent += _settle(pending, FIRST_COMPLETED, on_chunk, sent)
        sent += _settle(pending, ALL_COMPLETED, on_chunk, sent)
    if len(mapping) < 2:
        raise StoreError("nothing to load: the build holds no triples")
    previous = store.current_graphs(fresh=True)
    store.update(versions.switch_update(base, mapping, first=not previous), what="switching to the new graph")
    keep = {version} | {versions.version_of(base, g) for g in previous.values()}
    drop_versions(store, keep)
    return version


def _settle(pending: set, until, on_chunk, sent: int) -> int:
    """Wait for chunks in flight (the first, or all); the first failure stops the build (the others
    still running finish or fail on their own; none is switched to). Returns how many are in."""
    done, _ = wait(pending, return_when=until)
    count = 0
    for future in done:
        pending.discard(future)
        error = future.exception()
        if error is not None:
            for other in pending:
                other.cancel()
            raise error
        count += 1
        if on_chunk is not None:
            on_chunk(sent + count)
    return count


def drop_versions(store, keep: set) -> None:
    """Drop every stored graph whose version is not in `keep` (older builds, failed builds' leftovers)."""
    rows = store._select(versions.stored_graphs_query(store.base), ((), ()))
    for row in rows:
        graph = row[0].value
        if versions.version_of(store.base, graph) not in keep:
            store.update(f"DROP SILENT GRAPH <{graph}>", what="dropping an old graph")


def add_to_graph(store, data: bytes, fmt: str, graph: str) -> int:
    """Add triples to a graph of the current build (its stored graph), chunk by chunk."""
    stored = store.require_graphs().get(graph)
    if stored is None:
        raise StoreError(f"the store at {store.endpoint.shown} holds no graph {graph} in its current build")
    lines = _as_ntriples(data, fmt)
    union = store.require_graphs().get(versions.union_name(store.base))
    for _, chunk in _graph_chunks(_in_graph(lines, graph), CHUNK_BYTES):
        _post(store, stored, chunk)
        if union:
            _post(store, union, chunk)
    return len(lines)


def replace_graph(store, data: bytes, fmt: str, graph: str) -> int:
    """One graph of the current build replaced: the current build's other graphs and the new data
    published together as a new version (the union graph must change with it, so the whole build is
    loaded again: all or nothing, as a build)."""
    import pyoxigraph as ox

    union = versions.union_name(store.base)
    lines = _as_ntriples(data, fmt)
    quads = [_in_graph(lines, graph)]
    for name, stored in sorted(store.require_graphs().items()):
        if name in (graph, union):
            continue
        quads.append(ox.serialize((ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
                                   for t in ox.parse(store.read_graph(stored), format=ox.RdfFormat.N_TRIPLES)),
                                  format=ox.RdfFormat.N_QUADS))
    store.publish(b"".join(quads))
    return len(lines)


def _as_ntriples(data: bytes, fmt: str) -> list[bytes]:
    """Triples of data in any format the embedded engine reads, as N-Triples lines (parsed here, so
    bad data is refused before anything is sent)."""
    import pyoxigraph as ox

    from .oxigraph import RDF_FORMATS

    try:
        parsed = list(ox.parse(data, format=RDF_FORMATS[fmt]))
    except SyntaxError as exc:
        raise StoreError(f"cannot load the data ({fmt}): {exc}") from None
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return [line for line in text.splitlines() if line.strip()]


def _in_graph(lines: list[bytes], graph: str) -> bytes:
    suffix = f" <{graph}> .\n".encode("utf-8")
    return b"".join(line.rstrip()[:-1].rstrip() + suffix for line in lines)


__all__ = ["publish", "add_to_graph", "replace_graph", "drop_versions", "shown_url"]
