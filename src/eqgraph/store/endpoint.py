"""Where a remote triple store is and how to talk to it: three standard URLs, credentials kept apart.

A remote store is reached through three SPARQL 1.1 services: the query endpoint (SPARQL 1.1 Protocol),
the update endpoint (SPARQL 1.1 Update) and the Graph Store HTTP Protocol. Their URLs come from the
command line (`--endpoint`, `--update-endpoint`, `--graph-store`) or the environment
(`EQGRAPH_ENDPOINT`, `EQGRAPH_UPDATE_ENDPOINT`, `EQGRAPH_GRAPH_STORE`). Credentials come only from
`EQGRAPH_ENDPOINT_USER` / `EQGRAPH_ENDPOINT_PASSWORD` or from a config file
(`EQGRAPH_ENDPOINT_CONFIG`, lines `user = ...` / `password = ...` / `auth = basic|digest`), never
from a URL or a flag (a flag shows in `ps`, a URL in logs): a URL carrying `user:password@` is
refused. The password is held in a field that never prints (`repr` hides it), and every message
names an endpoint by its `shown` form, scheme, host, port and path only.

`Http` is the one place that sends requests: urllib with basic or digest authentication (digest is
answered to the server's challenge), a timeout, and retries with exponential backoff on transient
failures (refused or reset connections, 502/503/504, 429), so a store restarting mid-build costs a
pause, not a half-done build.
"""

from __future__ import annotations

import configparser
import http.client
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EqgraphError, StoreError

TRANSIENT_STATUS = {429, 502, 503, 504}
# A 500 that says two transactions collided is transient too: retried, the request succeeds (a POST of
# triples to a graph is idempotent). Virtuoso 7 answers so to parallel loads: a deadlock (SQLSTATE
# 40001), or two loads adding the same new language tag or datatype at once.
TRANSIENT_ERRORS = ("40001", "deadlock", "Non unique primary key on DB.DBA.RDF_LANGUAGE",
                    "Non unique primary key on DB.DBA.RDF_DATATYPE")

# Virtuoso echoes each graph of a request's dataset as a response header (X-SPARQL-default-graph,
# X-SPARQL-named-graph): a hundred plans are more than the 100 headers http.client accepts by default.
http.client._MAXHEADERS = max(http.client._MAXHEADERS, 10_000)


def shown_url(url: str) -> str:
    """A URL as it may be printed: scheme, host, port and path; never user info or a query string."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


@dataclass(frozen=True)
class Endpoint:
    """A remote store's three URLs and its credentials (None: no authentication)."""

    query_url: str
    update_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: str = "digest"  # or "basic"
    timeout: float = 60.0
    retries: int = 4

    @classmethod
    def from_env(cls, query_url: str | None = None, update_url: str | None = None,
                 graph_store_url: str | None = None, environ=None) -> "Endpoint | None":
        """The endpoint given by flags (first) or the environment; None when no query URL is set
        (the embedded store is used)."""
        env = os.environ if environ is None else environ
        query_url = query_url or env.get("EQGRAPH_ENDPOINT") or None
        update_url = update_url or env.get("EQGRAPH_UPDATE_ENDPOINT") or None
        graph_store_url = graph_store_url or env.get("EQGRAPH_GRAPH_STORE") or None
        if not query_url:
            if update_url or graph_store_url:
                raise EqgraphError("--update-endpoint and --graph-store need --endpoint (the query URL) too")
            return None
        for name, url in (("--endpoint", query_url), ("--update-endpoint", update_url),
                          ("--graph-store", graph_store_url)):
            if url is not None:
                _check_url(name, url)
        user, password, auth = env.get("EQGRAPH_ENDPOINT_USER"), env.get("EQGRAPH_ENDPOINT_PASSWORD"), None
        config = env.get("EQGRAPH_ENDPOINT_CONFIG")
        if config:
            user, password, auth = _read_config(Path(config), user, password)
        auth = (auth or env.get("EQGRAPH_ENDPOINT_AUTH") or "digest").lower()
        if auth not in ("basic", "digest"):
            raise EqgraphError(f"the endpoint's authentication {auth[:20]!r} is neither basic nor digest")
        return cls(query_url, update_url, graph_store_url, user or None, password, auth)

    @property
    def shown(self) -> str:
        return shown_url(self.query_url)


def _check_url(name: str, url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EqgraphError(f"{name} {shown_url(url)[:200]!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise EqgraphError(f"{name} {shown_url(url)}: put credentials in EQGRAPH_ENDPOINT_USER and "
                           "EQGRAPH_ENDPOINT_PASSWORD (or EQGRAPH_ENDPOINT_CONFIG), never in the URL")


def _read_config(path: Path, user, password):
    """user / password / auth from an INI-style file (a `[endpoint]` section or none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EqgraphError(f"cannot read the endpoint config {path}: {exc.strerror or exc}") from None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text if text.lstrip().startswith("[") else "[endpoint]\n" + text)
    except configparser.Error:
        raise EqgraphError(f"the endpoint config {path} is not lines of `key = value`") from None
    section = parser["endpoint"] if parser.has_section("endpoint") else {}
    return section.get("user", user), section.get("password", password), section.get("auth")


class Http:
    """Requests to one endpoint's services, authenticated, with a timeout and retries on transient
    failures. Errors are `StoreError`s naming the service by its shown URL, never its credentials."""

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        handlers = []
        if endpoint.user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (endpoint.query_url, endpoint.update_url, endpoint.graph_store_url):
                if url:
                    passwords.add_password(None, url, endpoint.user, endpoint.password or "")
            handler = (urllib.request.HTTPDigestAuthHandler if endpoint.auth == "digest"
                       else urllib.request.HTTPBasicAuthHandler)(passwords)
            handlers.append(handler)
        self._opener = urllib.request.build_opener(*handlers)

    def open(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None,
             timeout: float | None = None, retries: int | None = None, what: str = "request"):
        """The response (open, to be read by the caller), after up to `retries` retries with backoff
        on a transient failure. Anything else fails at once with one line naming the URL."""
        attempts = (self.endpoint.retries if retries is None else retries) + 1
        delay = 0.2
        for attempt in range(attempts):
            request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
            try:
                return self._opener.open(request, timeout=timeout or self.endpoint.timeout)
            except urllib.error.HTTPError as exc:
                detail = _error_text(exc)
                exc.close()
                transient = exc.code in TRANSIENT_STATUS or (
                    exc.code == 500 and any(marker in detail for marker in TRANSIENT_ERRORS))
                if transient and attempt + 1 < attempts:
                    time.sleep(_retry_after(exc, delay))
                    delay *= 2
                    continue
                raise StoreError(f"{what} to {shown_url(url)} failed: HTTP {exc.code}"
                                 + (f": {detail}" if detail else "")) from None
            except http.client.HTTPException as exc:  # a malformed answer: not worth a retry
                raise StoreError(f"{what} to {shown_url(url)} failed: a malformed answer "
                                 f"({type(exc).__name__})") from None
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                if attempt + 1 < attempts and not isinstance(reason, TimeoutError):
                    time.sleep(delay)
                    delay *= 2
                    continue
                raise StoreError(f"{what} to {shown_url(url)} failed: {_reason(reason)}") from None
        raise AssertionError("unreachable")


def _reason(reason) -> str:
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "no answer in time"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the store running?)"
    return " ".join(str(getattr(reason, "strerror", None) or reason).split())[:200]


def _retry_after(exc, default: float) -> float:
    try:
        return min(float(exc.headers.get("Retry-After", default)), 10.0)
    except (TypeError, ValueError):
        return default


def _error_text(exc) -> str:
    """The first line of an error body (engines say why there), short, on one line."""
    try:
        text = exc.read(2000).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the status alone still says enough
        return ""
    return " ".join(text.split())[:300]
