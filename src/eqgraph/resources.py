"""Where eqgraph's data files live: the ontology, shapes, queries and built-in data.

They are edited at the top level of the repository and shipped inside the wheel under `eqgraph/_data`
(see pyproject.toml), so both a source checkout and an installed package find them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def root() -> Path:
    here = Path(__file__).resolve().parent
    packaged = here / "_data"
    if (packaged / "ontology").is_dir():
        return packaged
    return here.parents[1]  # source checkout: src/eqgraph -> repository root


def ontology_file() -> Path:
    return root() / "ontology" / "eqgraph.ttl"


def shapes_dir() -> Path:
    return root() / "shapes"


def queries_dir() -> Path:
    return root() / "queries"


def data_dir() -> Path:
    return root() / "data"


def vocab_files() -> list[Path]:
    return sorted((data_dir() / "vocab").glob("*.ttl"))


def corrections_file() -> Path:
    return data_dir() / "corrections.yaml"


def builtin_documents() -> list[Path]:
    """The built-in plans, in the order data/plans.yaml lists them (read as any manifest is, so a
    damaged one is reported with its line rather than a traceback)."""
    from .ingest.manifest import read_manifest

    manifest = data_dir() / "plans.yaml"
    return [path for path, _ in read_manifest(manifest)]
