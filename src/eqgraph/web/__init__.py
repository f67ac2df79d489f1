"""The web front end: saved-query gallery, entity pages, SPARQL endpoint and graph views.

`create_app(settings)` is the one entry point; all configuration enters through it and nothing is read
at import time. Templates and static files live in the repository's top-level `web/` folder. Every HTML
page has a JSON twin (`.json` or `Accept: application/json`), built from the same data dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from .. import resources
from ..config import Settings


@dataclass(frozen=True)
class WebSettings:
    """Settings of the web front end. Defaults suit a small public server (two cores, 2 GB); every one
    is an environment variable too: EQGRAPH_<NAME in capitals>, e.g. EQGRAPH_QUERY_TIMEOUT=10;
    EQGRAPH_SERVICE_ALLOWLIST is a space-separated list of endpoint IRIs.

    Two worker pools answer queries (eqgraph.store.pool): `query_*` for the public endpoint's ad-hoc SPARQL,
    `page_*` for saved queries and pages, so pages never wait behind a flood of public queries."""

    query_timeout: float = 5.0  # seconds from a public query's admission to its answer; then it is stopped
    max_rows: int = 10_000  # rows (or triples) a public SPARQL result may hold; more is `truncated`
    max_bytes: int = 16 << 20  # bytes a public SPARQL answer may hold; more is `truncated`
    max_query: int = 256 << 10  # characters of query text; more is refused (413)
    query_workers: int = 3  # worker processes for the public endpoint (one more than cores on a 2-core
    #                         machine: one computes while another's answer is on its way)
    query_queue: int = 16  # public queries admitted to wait for a worker (their deadline bounds the wait);
    #                        more get 503 at once
    query_memory_mb: int = 256  # memory a public query may use beyond its worker's baseline
    query_per_client: int = 0  # public queries admitted at once from one address (0: no limit)
    query_nice: int = 5  # public query workers yield the CPU to pages (more starves them on a busy host)
    page_rows: int = 500  # rows a saved-query page shows
    page_workers: int = 2  # worker processes for saved queries and pages
    page_queue: int = 64
    page_timeout: float = 10.0
    page_memory_mb: int = 256
    in_memory_triples: int = 100_000  # a graph of at most this many triples is held in each worker's
    #                                   memory (about 32 MB at the bound), where queries run 2-4x faster
    service_allowlist: frozenset[str] = field(default_factory=frozenset)  # SERVICE endpoints allowed
    public_url: str = ""  # the site's public address (scheme://host[:port]); relative IRIs in queries
    #                      resolve against it; empty: the address `eqgraph serve` listens on

    @property
    def endpoint_url(self) -> str:
        """The SPARQL endpoint's address: the base of relative IRIs in queries, and what its page shows."""
        return (self.public_url or "http://127.0.0.1:5000") + "/sparql"

    @classmethod
    def from_env(cls, **overrides) -> "WebSettings":
        import os

        values: dict = {}
        for name, kind in cls.__annotations__.items():
            raw = os.environ.get(f"EQGRAPH_{name.upper()}")
            if raw is None:
                continue
            if name == "service_allowlist":
                values[name] = frozenset(raw.split())
            elif name == "public_url":
                values[name] = raw.strip().rstrip("/")
            else:
                values[name] = _number(name, raw, float if kind == "float" else int)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def pool_limits(self, pool: str):
        """The `PoolLimits` of the `sparql` or `pages` pool."""
        from ..store.pool import PoolLimits

        if pool == "sparql":
            return PoolLimits(self.query_workers, self.query_queue, self.query_timeout, self.query_memory_mb,
                              self.query_per_client, self.query_nice, self.in_memory_triples)
        return PoolLimits(self.page_workers, self.page_queue, self.page_timeout, self.page_memory_mb, 0, 0,
                          self.in_memory_triples)


def _number(name: str, raw: str, kind):
    from ..errors import EqgraphError

    try:
        value = kind(raw)
    except ValueError:
        raise EqgraphError(f"EQGRAPH_{name.upper()}={raw!r} is not a number") from None
    if value < 0:
        raise EqgraphError(f"EQGRAPH_{name.upper()}={raw!r} cannot be negative")
    return value


def create_app(settings: Settings | None = None, web: WebSettings | None = None) -> Flask:
    from . import caching, dataset, endpoint, entities, errors, ontology, pages, search, views
    from .state import AppState

    root = resources.root() / "web"
    app = Flask(__name__, template_folder=str(root / "templates"), static_folder=str(root / "static"))
    app.config["EQGRAPH"] = AppState(settings or Settings.from_env(), web or WebSettings.from_env())
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    vendor = _vendor_dir(root)
    app.config["VENDOR_DIR"] = vendor
    for blueprint in (pages.bp, entities.bp, endpoint.bp, views.bp, dataset.bp, ontology.bp, search.bp):
        app.register_blueprint(blueprint)
    errors.register(app)
    caching.register(app)
    # Browsers and crawlers ask for /favicon.ico whatever the page says: send them to the icon.
    app.add_url_rule("/favicon.ico", "favicon",
                     lambda: app.redirect(app.url_for("static", filename="favicon.svg"), 301))
    return app


def _vendor_dir(root: Path) -> Path | None:
    """Third-party JS installed by npm at set-up time (web/node_modules), never committed."""
    folder = root / "node_modules"
    return folder if folder.is_dir() else None
