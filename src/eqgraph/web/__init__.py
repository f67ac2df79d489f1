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
    """Settings of the web front end (defaults suit a laptop; every one is an environment variable too:
    EQGRAPH_QUERY_TIMEOUT, EQGRAPH_MAX_ROWS, EQGRAPH_QUERY_WORKERS, EQGRAPH_SERVICE_ALLOWLIST)."""

    query_timeout: float = 5.0  # seconds a public SPARQL query may run before its worker is killed
    max_rows: int = 10_000  # rows (or triples) a public SPARQL result may hold; more is `truncated`
    page_rows: int = 500  # rows a saved-query page shows
    query_workers: int = 2  # worker processes for the public endpoint
    service_allowlist: frozenset[str] = field(default_factory=frozenset)  # SERVICE endpoints allowed

    @classmethod
    def from_env(cls, **overrides) -> "WebSettings":
        import os

        values = {
            "query_timeout": float(os.environ.get("EQGRAPH_QUERY_TIMEOUT", cls.query_timeout)),
            "max_rows": int(os.environ.get("EQGRAPH_MAX_ROWS", cls.max_rows)),
            "query_workers": int(os.environ.get("EQGRAPH_QUERY_WORKERS", cls.query_workers)),
            "service_allowlist": frozenset(filter(None, os.environ.get("EQGRAPH_SERVICE_ALLOWLIST", "").split())),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def create_app(settings: Settings | None = None, web: WebSettings | None = None) -> Flask:
    from . import endpoint, entities, errors, pages, views
    from .state import AppState

    root = resources.root() / "web"
    app = Flask(__name__, template_folder=str(root / "templates"), static_folder=str(root / "static"))
    app.config["EQGRAPH"] = AppState(settings or Settings.from_env(), web or WebSettings.from_env())
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    vendor = _vendor_dir(root)
    app.config["VENDOR_DIR"] = vendor
    for blueprint in (pages.bp, entities.bp, endpoint.bp, views.bp):
        app.register_blueprint(blueprint)
    errors.register(app)
    return app


def _vendor_dir(root: Path) -> Path | None:
    """Third-party JS installed by npm at set-up time (web/node_modules), never committed."""
    folder = root / "node_modules"
    return folder if folder.is_dir() else None
