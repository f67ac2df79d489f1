"""The command line on a remote store (issue 19): `build`, `graphs`, `plans`, `query`, `export` with
--endpoint / --update-endpoint / --graph-store on a real Oxigraph server and Virtuoso 7 (credentials
from the environment), the same answers as the embedded store, and one line, never a credential,
when the store is down."""

from __future__ import annotations

import pytest

from eqgraph.cli import main
from eqgraph.store.portability import differences
from tests.store.conftest import KINDS, start
from tests.store.servers import free_port

SECRET_NAME = "EQGRAPH_ENDPOINT_PASSWORD"


@pytest.fixture(scope="module", params=sorted(KINDS))
def store_server(request, tmp_path_factory):
    running = start(request.param, tmp_path_factory.mktemp(request.param))
    yield running
    running.stop()


def flags(endpoint) -> list[str]:
    return ["--endpoint", endpoint.query_url, "--update-endpoint", endpoint.update_url,
            "--graph-store", endpoint.graph_store_url]


@pytest.fixture(scope="module")
def remote_home(store_server, tmp_path_factory):
    endpoint = store_server.endpoint()
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        if endpoint.user:
            patch.setenv("EQGRAPH_ENDPOINT_USER", endpoint.user)
            patch.setenv(SECRET_NAME, endpoint.password)
        assert main(["build", "-q", "--out", str(home), *flags(endpoint)]) == 0
    return endpoint, home


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_build_then_graphs_plans_and_export_answer_from_the_store(remote_home, capsys):
    """Compared with the embedded copy the same build kept in its release (not another build: the
    saved queries' texts are in the graph, and another build may have read other texts)."""
    endpoint, home = remote_home
    code, remote_graphs, _ = run(capsys, "graphs", "--endpoint", endpoint.query_url)
    assert code == 0
    _, local_graphs, _ = run(capsys, "graphs", "--out", str(home))
    assert remote_graphs == local_graphs
    code, plans, _ = run(capsys, "plans", "--endpoint", endpoint.query_url)
    assert code == 0 and "merton-2013-14" in plans
    code, remote_nt, _ = run(capsys, "export", "--format", "nt", "--endpoint", endpoint.query_url)
    _, local_nt, _ = run(capsys, "export", "--format", "nt", "--out", str(home))
    assert code == 0 and sorted(remote_nt.splitlines()) == sorted(local_nt.splitlines())
    assert (home / "current" / "build.json").read_text().count(endpoint.shown) == 1


@pytest.mark.parametrize("name, values", [("actions-for-community", ["community=BAME"]),
                                          ("commitments-not-carried-over", []), ("plans", [])])
def test_query_gives_the_embedded_stores_rows(remote_home, capsys, name, values):
    endpoint, home = remote_home
    code, remote, _ = run(capsys, "query", name, *values, "--format", "csv", "--endpoint", endpoint.query_url)
    _, local, _ = run(capsys, "query", name, *values, "--format", "csv", "--out", str(home))
    assert code == 0
    import csv
    import io

    from eqgraph.catalogue import load_catalogue

    rows = lambda text: list(csv.DictReader(io.StringIO(text)))  # noqa: E731
    assert not differences(load_catalogue()[name].sparql, rows(local), rows(remote))


def test_a_dead_store_is_one_line_without_credentials(capsys, monkeypatch):
    monkeypatch.setenv("EQGRAPH_ENDPOINT_USER", "dba")
    monkeypatch.setenv(SECRET_NAME, "never-shown-0451")
    url = f"http://127.0.0.1:{free_port()}/sparql"
    code, out, err = run(capsys, "query", "plans", "--endpoint", url)
    assert code == 2 and out == ""
    assert err.strip() == f"eqgraph: error: a query to {url} failed: connection refused (is the store running?)"
    assert "never-shown-0451" not in err


def test_credentials_never_show(store_server, tmp_path, capsys, monkeypatch):
    """A wrong password (Virtuoso asks for one) fails with the endpoint and the status only; a store
    that asks for none (Oxigraph) builds, and no output shows the password either way."""
    endpoint = store_server.endpoint()
    monkeypatch.setenv("EQGRAPH_ENDPOINT_USER", endpoint.user or "someone")
    monkeypatch.setenv(SECRET_NAME, "wrong-password-0451")
    code, out, err = run(capsys, "build", "--out", str(tmp_path), *flags(endpoint))
    assert "wrong-password-0451" not in out + err
    if endpoint.user:
        last = err.strip().splitlines()[-1]  # after the build's progress lines
        assert code == 2 and last.startswith("eqgraph: error: loading a graph to ") and last.endswith("HTTP 401")
        assert "Traceback" not in err
    else:
        assert code == 0 and endpoint.shown in err  # the progress line names the store


def test_add_publishes_the_new_plan_to_the_store(store_server, tmp_path, capsys, monkeypatch):
    """`eqgraph add --endpoint ...` builds into the remote store like `build` does."""
    from eqgraph import resources

    endpoint = store_server.endpoint()
    if endpoint.user:
        monkeypatch.setenv("EQGRAPH_ENDPOINT_USER", endpoint.user)
        monkeypatch.setenv(SECRET_NAME, endpoint.password)
    year2 = resources.root() / "tests" / "data" / "next-documents" / "ecc-strategy-2017-21-year-2.txt"
    code, out, err = run(capsys, "add", str(year2), "--out", str(tmp_path / "home"), "-q", *flags(endpoint))
    assert code == 0, err
    assert "after merton-2017-18" in out
    code, out, _ = run(capsys, "plans", "--endpoint", endpoint.query_url)
    assert code == 0 and "ecc-strategy-2017-21-year-2 (2018/19)" in out
