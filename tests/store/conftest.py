"""Real triple stores for the remote-store tests (`servers`): an Oxigraph server always, Virtuoso 7
wherever `virtuoso-t` is installed (`make system-deps` installs it), each started once per module
in a temporary directory on free loopback ports and stopped afterwards."""

from __future__ import annotations

import pytest

from eqgraph.store import open_current

from .servers import OxigraphServer, VirtuosoServer, oxigraph_command, virtuoso_command

KINDS = {"oxigraph": (OxigraphServer, oxigraph_command), "virtuoso": (VirtuosoServer, virtuoso_command)}


def start(kind: str, folder):
    cls, command = KINDS[kind]
    if command() is None:
        pytest.skip(f"{kind} is not installed (make system-deps installs it)")
    return cls(folder).start()


@pytest.fixture(scope="module", params=sorted(KINDS))
def server(request, tmp_path_factory):
    """A running store of each kind, shared by a module's tests."""
    running = start(request.param, tmp_path_factory.mktemp(request.param))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def built_nquads(built):
    """The built-in plans' graph as N-Quads, and the embedded store holding it."""
    settings, _ = built
    store = open_current(settings.home)
    return store.serialize("nq"), store
