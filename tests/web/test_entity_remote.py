"""Pages of one thing answered from a remote store (a real Oxigraph server and Virtuoso 7): every kind of
page gives the same answer as from the embedded store, so the page queries (UNIONs of parts, a hierarchy
path, VALUES in a group) are portable SPARQL 1.1."""

from __future__ import annotations

import json
import urllib.request

import pytest

from eqgraph.store.remote import RemoteStore
from tests.store.conftest import KINDS, start

from .conftest import serving
from .test_entity_pages import PAGES


@pytest.fixture(scope="module", params=sorted(KINDS))
def remote_site(request, built, tmp_path_factory):
    settings, _ = built
    server = start(request.param, tmp_path_factory.mktemp(request.param))
    try:
        from eqgraph.store import open_current

        RemoteStore(server.endpoint(), settings.base).publish(open_current(settings.home).serialize("nq"))
        with serving(settings.home, "--endpoint", server.endpoint().query_url) as port:
            yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def twin(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


@pytest.mark.parametrize("kind", PAGES)
def test_every_kind_of_page_answers_the_same_from_a_remote_store(remote_site, client, kind):
    embedded = client.get(PAGES[kind] + ".json").get_json()
    remote = twin(remote_site + PAGES[kind] + ".json")
    assert remote["kind"] == embedded["kind"] == kind
    assert remote["answer"] == embedded["answer"]
    assert remote["title"] == embedded["title"]
    assert sorted(p["label"] for p in remote["properties"]) == sorted(p["label"] for p in embedded["properties"])
