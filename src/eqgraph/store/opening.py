"""Choosing the store: the one place that knows there are two kinds.

`open_store(settings, endpoint)` gives the embedded store of the current release when no endpoint is
set, and a `RemoteStore` otherwise; the catalogue, the CLI and the web app take whatever it gives.
`Endpoint.from_env` reads the endpoint from flags and the environment (`endpoint`).

Where things live with a remote store: the graph in the triple store (versioned graphs and the pointer,
`versions`); the release files the web app reads beside the graph (build summary, SHACL report, graph
views, source documents, dumps) in the local release directory under `<home>`, as with the embedded
store, written by the same build (`ReleaseFiles`). The build switches the store's pointer before it
makes its release directory current, so the files never describe a graph the store does not serve.
"""

from __future__ import annotations

import time

from .endpoint import Endpoint


def open_store(settings, endpoint: Endpoint | None = None, *, timeout: float | None = None):
    """The store to read: remote when `endpoint` is given, else the current release's embedded store."""
    if endpoint is not None:
        from .remote import RemoteStore

        return RemoteStore(endpoint, settings.base, timeout=timeout)
    from .releases import open_current

    return open_current(settings.home)


def publish_to(endpoint: Endpoint, base: str, progress=None):
    """A function the build calls with its finished embedded store (its staging copy, from which the
    dataset description, dumps and views are made) to load the same quads into the remote store as a
    new version and switch to it; it returns what the release records (`build.json` "store"): the
    endpoint as shown (never credentials) and the version. Both write URLs are needed, so their absence
    is an error before any work."""
    from ..errors import EqgraphError
    from .remote import RemoteStore

    if not endpoint.update_url or not endpoint.graph_store_url:
        raise EqgraphError(f"building into the store at {endpoint.shown} needs --update-endpoint and "
                           "--graph-store (or EQGRAPH_UPDATE_ENDPOINT and EQGRAPH_GRAPH_STORE)")

    def publish(store) -> dict:
        remote = RemoteStore(endpoint, base)
        nquads = store.serialize("nq")
        started = time.perf_counter()
        version = remote.publish(nquads)
        if progress is not None:
            quads = nquads.count(b"\n")
            progress(f"store: {quads} quads loaded into {endpoint.shown} as version {version} "
                     f"({time.perf_counter() - started:.2f}s)")
        return {"endpoint": endpoint.shown, "version": version}

    return publish
