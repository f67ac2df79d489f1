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

from .endpoint import Endpoint


def open_store(settings, endpoint: Endpoint | None = None, *, timeout: float | None = None):
    """The store to read: remote when `endpoint` is given, else the current release's embedded store."""
    if endpoint is not None:
        from .remote import RemoteStore

        return RemoteStore(endpoint, settings.base, timeout=timeout)
    from .releases import open_current

    return open_current(settings.home)


def publish_to(endpoint: Endpoint, base: str, progress=None):
    """A function the build calls with its finished embedded store (its staging copy) to load the
    same quads into the remote store as a new version and switch to it; returns the version."""
    from .remote import RemoteStore

    def publish(store) -> str:
        remote = RemoteStore(endpoint, base)
        nquads = store.serialize("nq")
        if progress is not None:
            progress(f"store: loading {nquads.count(b'\\n')} quads into {endpoint.shown}")
        return remote.publish(nquads)

    return publish
