"""Settings, gathered in one place and read only when asked for (never at import time).

EQGRAPH_BASE  base IRI of every node eqgraph mints (default https://w3id.org/eqgraph/id/)
EQGRAPH_HOME  directory holding built graphs (default ./var)
EQGRAPH_PUBLIC_URL  the address people reach the site at (default http://127.0.0.1:5000): the build
              writes the dumps' and endpoint's addresses in the dataset description with it
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import EqgraphError

DEFAULT_BASE = "https://w3id.org/eqgraph/id/"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
_PUBLIC_URL = re.compile(r"https?://[^\s/<>\"{}|\\^`\x00-\x1f\x7f]+(/[^\s<>\"{}|\\^`\x00-\x1f\x7f]*)?")
# An absolute hierarchical IRI (scheme://..., no spaces, quotes, angle brackets or braces): every node
# is minted under it and the vocabularies' relative IRIs are resolved against it, so a base that is not
# one would only fail later, when the graph is written.
_BASE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"{}|\\^`\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Settings:
    base: str = DEFAULT_BASE
    home: Path = Path("var")
    public_url: str = DEFAULT_PUBLIC_URL  # scheme://host[:port][/path], no trailing slash

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values = {
            "base": os.environ.get("EQGRAPH_BASE", DEFAULT_BASE),
            "home": Path(os.environ.get("EQGRAPH_HOME", "var")),
            "public_url": os.environ.get("EQGRAPH_PUBLIC_URL", "").strip() or DEFAULT_PUBLIC_URL,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        base = values["base"]
        if not _BASE.fullmatch(base):
            raise EqgraphError(f"the base IRI {base[:100]!r} is not an absolute IRI such as "
                               "https://example.org/id/ (scheme://, then no spaces, quotes, <>, {} or |)")
        if not base.endswith(("/", "#")):
            base += "/"
        public_url = values["public_url"].rstrip("/")
        if not _PUBLIC_URL.fullmatch(public_url):
            raise EqgraphError(f"EQGRAPH_PUBLIC_URL {public_url[:100]!r} is not an http(s) address such as "
                               "https://eqgraph.example.org")
        return cls(base=base, home=Path(values["home"]), public_url=public_url)
