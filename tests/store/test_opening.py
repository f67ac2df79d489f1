"""Choosing the store: embedded without an endpoint, remote with one; a build into a store needs both
write URLs, refused before any work."""

from __future__ import annotations

import pytest

from eqgraph.errors import EqgraphError
from eqgraph.store import open_store
from eqgraph.store.endpoint import Endpoint
from eqgraph.store.opening import publish_to
from eqgraph.store.oxigraph import OxigraphStore
from eqgraph.store.remote import RemoteStore


def test_the_embedded_store_without_an_endpoint_and_a_remote_one_with(built):
    settings, _ = built
    assert isinstance(open_store(settings), OxigraphStore)
    remote = open_store(settings, Endpoint("http://127.0.0.1:9/sparql"), timeout=3)
    assert isinstance(remote, RemoteStore) and remote.base == settings.base and remote.timeout == 3


def test_building_into_a_store_needs_both_write_urls():
    with pytest.raises(EqgraphError, match="--update-endpoint and --graph-store"):
        publish_to(Endpoint("http://127.0.0.1:9/sparql", "http://127.0.0.1:9/update"), "http://example.org/")
    assert callable(publish_to(Endpoint("http://h/q", "http://h/u", "http://h/g"), "http://example.org/"))
