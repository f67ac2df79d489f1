"""Shared fixtures: the built-in plans ingested once, a compiled graph, and a built release."""

from __future__ import annotations

import pytest

from eqgraph import resources
from eqgraph.config import Settings
from eqgraph.ingest import Corrections, ingest_document


@pytest.fixture(scope="session")
def corrections():
    return Corrections.load(resources.corrections_file())


@pytest.fixture(scope="session")
def plans(corrections):
    """{plan id: Plan} for the built-in documents."""
    return {p.id: p for p in (ingest_document(d, corrections) for d in resources.builtin_documents())}


@pytest.fixture(scope="session")
def plan2013(plans):
    return plans["merton-2013-14"]


@pytest.fixture(scope="session")
def plan2017(plans):
    return plans["merton-2017-18"]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A release built from the built-in data into a temporary home."""
    from eqgraph.pipeline import build

    home = tmp_path_factory.mktemp("home")
    settings = Settings.from_env(home=home)
    result = build(resources.builtin_documents(), settings)
    return settings, result
