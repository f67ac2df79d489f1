"""Loading a remote store: bounded chunks per graph, all or nothing for readers, a server killed in the
middle of a build leaving the previous graph whole, and old versions dropped (two kept)."""

from __future__ import annotations

import pytest

from eqgraph.config import Settings
from eqgraph.errors import StoreError
from eqgraph.store import versions
from eqgraph.store.remote import RemoteStore
from eqgraph.store.remote_load import _graph_chunks

from .conftest import start

BASE = Settings.from_env().base


def test_chunks_are_bounded_and_hold_one_graph_each(built_nquads):
    nquads, _ = built_nquads
    chunks = list(_graph_chunks(nquads, 20_000))
    assert all(len(chunk) <= 20_000 for _, chunk in chunks)
    assert sum(chunk.count(b"\n") for _, chunk in chunks) == nquads.count(b"\n")
    assert all(b"> <" + graph.encode() + b">" not in chunk for graph, chunk in chunks)  # triples, not quads
    assert len({graph for graph, _ in chunks}) == len({line.rsplit(b" <", 1)[1] for line in nquads.splitlines()})


def _stored_versions(store):
    rows = store._select(versions.stored_graphs_query(BASE), ((), ()))
    return {versions.version_of(BASE, row[0].value) for row in rows}


def test_a_rebuild_switches_at_once_and_keeps_two_versions(server, built_nquads):
    nquads, embedded = built_nquads
    store = RemoteStore(server.endpoint(), BASE)
    first = store.publish(nquads)
    second = store.publish(nquads)
    third = store.publish(nquads)
    assert _stored_versions(store) == {second, third}
    assert first not in _stored_versions(store)
    assert store.graphs() == embedded.graphs()


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_a_server_killed_mid_build_leaves_the_previous_graph_whole(kind, tmp_path, built_nquads):
    nquads, embedded = built_nquads
    server = start(kind, tmp_path / kind)
    try:
        store = RemoteStore(server.endpoint(retries=1), BASE)
        store.publish(nquads)
        previous = store.current_graphs(fresh=True)

        def crash(sent: int) -> None:
            if sent == 3:  # three chunks of the new version are in: the build is half done
                server.kill()

        with pytest.raises(StoreError) as failed:
            store.publish(nquads, chunk_bytes=50_000, on_chunk=crash)
        assert server.endpoint().graph_store_url.split("?")[0].replace("http://", "") in str(failed.value)
        server.start()  # the same database directory
        assert store.current_graphs(fresh=True) == previous
        assert store.graphs() == embedded.graphs()
        # The next build finishes and drops the dead build's leftovers.
        done = store.publish(nquads)
        assert _stored_versions(store) == {done, versions.version_of(BASE, next(iter(previous.values())))}
        assert store.graphs() == embedded.graphs()
    finally:
        server.stop()


def test_a_build_of_many_graphs_reads_back(server):
    """150 named graphs (a large council's plans): Virtuoso echoes every graph of a dataset as a
    response header, more than http.client's default limit of 100."""
    base = "http://example.org/many/"
    nquads = b"".join(f"<{base}s{i}> <{base}p> \"{i}\" <{base}graph/plan/p{i:03d}> .\n".encode() for i in range(150))
    store = RemoteStore(server.endpoint(), base)
    store.publish(nquads)
    graphs = store.graphs()
    assert len(graphs) == 150 and all(count == 1 for _, count in graphs)
    assert store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value == "150"
