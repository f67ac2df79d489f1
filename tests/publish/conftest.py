"""Publishing fixtures: the built release's store, its triples and quads as rdflib reads them."""

from __future__ import annotations

import pytest
from rdflib import Dataset

from eqgraph.store import open_current


@pytest.fixture(scope="session")
def store(built):
    return open_current(built[0].home)


@pytest.fixture(scope="session")
def store_quads(store) -> set:
    """Every quad of the store, from its own N-Quads export, as rdflib reads them."""
    dataset = Dataset()
    dataset.parse(data=store.serialize("nq"), format="nquads")
    return set(dataset.quads((None, None, None, None)))


@pytest.fixture(scope="session")
def store_triples(store_quads) -> set:
    return {(s, p, o) for s, p, o, _ in store_quads}
