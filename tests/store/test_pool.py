"""Query worker pools: admission, one deadline, memory limit, replacement, honest errors, a log line each.

Every wait here is on a condition (a counter reaching a value, a result arriving); no assertion is on
how long something took.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

import pyoxigraph as ox
import pytest

from eqgraph.store import current_release
from eqgraph.store.pool import (
    Busy,
    OutOfMemory,
    Pool,
    PoolLimits,
    QueryFailed,
    QueryTimeout,
    WorkerCrashed,
)


# Tasks run in spawned worker processes, so they live at module level.
def echo(store, job):
    return job


def nap(store, seconds):
    time.sleep(seconds)
    return "awake"


def hold(store, path):
    """Work until the test says stop (a file appears): a job that lasts exactly as long as needed."""
    end = time.monotonic() + 120
    while not os.path.exists(path) and time.monotonic() < end:
        time.sleep(0.01)
    return "released"


def allocate(store, megabytes):
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def die(store, how):
    if how == "exit":
        os._exit(3)
    os.kill(os.getpid(), signal.SIGTERM)


class Forbidden(QueryFailed):
    status = 403


def refuse(store, job):
    raise Forbidden("not here")


def run_query(store, sparql):
    return sum(1 for _ in store.query(sparql))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "store"
    store = ox.Store(str(path))
    store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("o")))
    store.flush()
    del store
    return path


def wait_until(condition, what: str, limit: float = 60.0) -> None:
    """Wait on a condition; the limit only turns a hang into a failure naming what never happened."""
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.01)


@pytest.fixture()
def make_pool(store_dir):
    pools = []

    def make(task, **limits):
        pool = Pool("test", store_dir, task, PoolLimits(**limits))
        pools.append(pool)
        wait_until(lambda: pool.status()["idle"] == pool.limits.workers, "the workers started")
        return pool
    yield make
    for pool in pools:
        pool.close()


def test_a_job_runs_and_the_worker_is_reused(make_pool):
    pool = make_pool(echo, workers=1, queue=0)
    assert pool.run({"x": 1}) == {"x": 1}
    assert pool.run("again") == "again"
    assert pool.status()["answered"] == 2


def test_a_full_pool_refuses_at_once_and_says_so_in_the_log(make_pool, caplog, tmp_path):
    pool = make_pool(hold, workers=1, queue=1, timeout=120)
    stop = str(tmp_path / "stop")
    results = []
    threads = [threading.Thread(target=lambda: results.append(pool.run(stop))) for _ in range(2)]
    for thread in threads:
        thread.start()
    wait_until(lambda: pool.status()["admitted"] == 2, "both jobs admitted")
    with caplog.at_level(logging.WARNING, logger="eqgraph.queries"), pytest.raises(Busy) as refused:
        pool.run(stop, client="203.0.113.9", describe="SELECT * WHERE { ?s ?p ?o }")
    assert refused.value.status == 503
    assert "busy" in caplog.text and "203.0.113.9" in caplog.text and "SELECT * WHERE" in caplog.text
    open(stop, "w").close()
    for thread in threads:
        thread.join()
    assert results == ["released", "released"]
    assert pool.status()["busy"] == 1


def test_the_per_client_limit_counts_each_address(make_pool, tmp_path):
    pool = make_pool(hold, workers=2, queue=2, timeout=120, per_client=1)
    stop = str(tmp_path / "stop")
    thread = threading.Thread(target=pool.run, args=(stop,), kwargs={"client": "a"})
    thread.start()
    wait_until(lambda: pool.status()["admitted"] == 1, "the first job admitted")
    with pytest.raises(Busy, match="this client"):
        pool.run(stop, client="a")
    open(stop, "w").close()
    assert pool.run(stop, client="b") == "released"
    thread.join()


def test_a_job_past_its_deadline_is_stopped_and_the_pool_recovers(make_pool, caplog):
    pool = make_pool(nap, workers=1, queue=0, timeout=0.5)
    with caplog.at_level(logging.WARNING, logger="eqgraph.queries"), pytest.raises(QueryTimeout) as stopped:
        pool.run(3600, describe="a long nap")
    assert stopped.value.status == 503 and "did not finish within 0.5 s" in str(stopped.value)
    assert "timeout" in caplog.text and "a long nap" in caplog.text
    wait_until(lambda: pool.status()["idle"] == 1, "a new worker replaced the killed one")
    assert pool.run(0) == "awake"


def test_waiting_for_a_worker_counts_against_the_deadline(make_pool):
    pool = make_pool(nap, workers=1, queue=1, timeout=1)
    outcomes = []

    def first():
        try:
            pool.run(3600)
        except QueryTimeout as exc:
            outcomes.append(exc)
    thread = threading.Thread(target=first)
    thread.start()
    wait_until(lambda: pool.status()["admitted"] == 1, "the first job admitted")
    with pytest.raises(QueryTimeout):
        pool.run(0)  # waits for the only worker, which its deadline does not outlast
    thread.join()
    assert len(outcomes) == 1  # the first was stopped at its deadline too


def test_a_job_over_its_memory_limit_is_stopped_with_a_reason(make_pool):
    pool = make_pool(allocate, workers=1, queue=0, memory_mb=64)
    assert pool.run(8) == 8 * 1024 * 1024
    with pytest.raises(OutOfMemory) as stopped:
        pool.run(512)
    assert stopped.value.status == 503 and "64 MB" in str(stopped.value)
    assert pool.run(1) == 1024 * 1024


def test_a_runaway_query_is_killed_by_the_memory_limit(built):
    """The engine's own allocations are bounded too: a sort of the graph's square dies in its worker."""
    settings, _ = built
    pool = Pool("test", current_release(settings.home) / "store", run_query,
                PoolLimits(workers=1, queue=0, timeout=120, memory_mb=96))
    try:
        with pytest.raises(OutOfMemory):
            pool.run("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f")
        assert pool.run("SELECT * WHERE { ?s a ?type } LIMIT 3") == 3
    finally:
        pool.close()


@pytest.mark.parametrize("how", ["exit", "signal"])
def test_a_worker_that_dies_is_a_server_error_and_is_replaced(make_pool, how):
    pool = make_pool(die, workers=1, queue=0)
    with pytest.raises(WorkerCrashed) as crashed:
        pool.run(how)
    assert crashed.value.status == 500
    assert pool.status()["crash"] == 1


def test_a_refusal_keeps_its_kind_and_status(make_pool):
    pool = make_pool(refuse, workers=1, queue=0)
    with pytest.raises(QueryFailed) as refused:
        pool.run(None)
    assert refused.value.status == 403 and str(refused.value) == "not here"
    assert pool.status()["refused"] == 1


def test_the_deadline_can_start_when_the_request_arrived(make_pool):
    pool = make_pool(echo, workers=1, queue=0, timeout=5)
    with pytest.raises(QueryTimeout, match="could not start"):
        pool.run("late", arrived=time.monotonic() - 10)  # waited its whole deadline for a server thread
    assert pool.status()["idle"] == 1  # no worker was used, none killed
    assert pool.run("on time", arrived=time.monotonic()) == "on time"


def test_a_flood_of_refusals_is_counted_but_not_logged_line_by_line(make_pool, caplog):
    pool = make_pool(nap, workers=1, queue=0, timeout=60)
    thread = threading.Thread(target=pool.run, args=(1,))
    thread.start()
    wait_until(lambda: pool.status()["admitted"] == 1, "the first job admitted")
    with caplog.at_level(logging.WARNING, logger="eqgraph.queries"):
        for _ in range(50):
            with pytest.raises(Busy):
                pool.run(0)
    thread.join()
    lines = [r for r in caplog.records if "busy" in r.getMessage()]
    assert pool.status()["busy"] == 50 and 1 <= len(lines) < 50


def test_the_async_run_answers_stops_and_recovers_like_run(make_pool):
    import asyncio

    pool = make_pool(nap, workers=1, queue=1, timeout=0.5)
    assert asyncio.run(pool.run_async(0)) == "awake"
    with pytest.raises(QueryTimeout, match="did not finish"):
        asyncio.run(pool.run_async(3600))
    wait_until(lambda: pool.status()["idle"] == 1, "a new worker replaced the killed one")

    async def cancelled():
        task = asyncio.ensure_future(pool.run_async(3600, arrived=time.monotonic() + 100))
        while pool.status()["admitted"] < 1:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    asyncio.run(cancelled())  # the client went away: its worker is replaced, not lost
    wait_until(lambda: pool.status()["idle"] == 1 and pool.status()["admitted"] == 0, "the pool whole again")
    assert asyncio.run(pool.run_async(0)) == "awake"
