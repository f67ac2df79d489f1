"""The web app's bounds on a remote store: places and a queue per kind (a full one refuses at once),
one deadline from arrival, and a query the engine is still running when the deadline passes answered
as a timeout (against a real Oxigraph server, which has no time limit of its own)."""

from __future__ import annotations

import threading
import time

import pytest

from eqgraph.config import Settings
from eqgraph.errors import Busy, QueryTimeout
from eqgraph.sparql import Request
from eqgraph.store.pool import PoolLimits
from eqgraph.store.remote import RemoteStore
from eqgraph.store.remote_served import Places, ServedRemoteStore

from .conftest import start


def test_places_refuse_beyond_workers_and_queue_at_once():
    places = Places("sparql", PoolLimits(workers=1, queue=1, timeout=30))
    entered, release = threading.Event(), threading.Event()

    def hold(left):
        entered.set()
        release.wait(30)
        return "held"

    first = threading.Thread(target=places.run, args=(hold,))
    first.start()
    entered.wait(30)
    second = threading.Thread(target=places.run, args=(lambda left: "queued",))
    second.start()
    while places.status()["admitted"] < 2:  # the second is waiting for the one place
        time.sleep(0.01)
    with pytest.raises(Busy):
        places.run(lambda left: "refused")
    release.set()
    first.join(30)
    second.join(30)
    status = places.status()
    assert status["busy"] == 1 and status["answered"] == 2 and status["admitted"] == 0


def test_the_deadline_counts_from_arrival():
    places = Places("pages", PoolLimits(workers=1, queue=0, timeout=1.0))
    with pytest.raises(QueryTimeout):
        places.run(lambda left: "late", arrived=time.monotonic() - 2)
    seen = []
    places.run(lambda left: seen.append(left), arrived=time.monotonic() - 0.5)
    assert 0 < seen[0] <= 0.5


def test_a_query_still_running_at_the_deadline_is_a_timeout(tmp_path, built_nquads):
    nquads, _ = built_nquads
    server = start("oxigraph", tmp_path / "oxigraph")
    try:
        base = Settings.from_env().base
        remote = RemoteStore(server.endpoint(), base)
        remote.publish(nquads)
        served = ServedRemoteStore(remote, Places("pages", PoolLimits(1, 0, 10)),
                                   Places("sparql", PoolLimits(1, 0, 0.5)))
        endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        with pytest.raises(QueryTimeout):
            served.answer(Request(endless, "application/sparql-results+json", "application/n-triples"))
        assert served.sparql.status()["timeout"] == 1
    finally:
        server.kill()  # the engine cannot be told to stop the query: stop the engine
