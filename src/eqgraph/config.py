"""Settings, gathered in one place and read only when asked for (never at import time).

EQGRAPH_BASE  base IRI of every node eqgraph mints (default https://w3id.org/eqgraph/id/)
EQGRAPH_HOME  directory holding built graphs (default ./var)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASE = "https://w3id.org/eqgraph/id/"


@dataclass(frozen=True)
class Settings:
    base: str = DEFAULT_BASE
    home: Path = Path("var")

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values = {
            "base": os.environ.get("EQGRAPH_BASE", DEFAULT_BASE),
            "home": Path(os.environ.get("EQGRAPH_HOME", "var")),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        base = values["base"]
        if not base.endswith(("/", "#")):
            base += "/"
        return cls(base=base, home=Path(values["home"]))
