"""Publishing the graph as a linked dataset: what a build writes beside the store so that people and
crawlers can find, download, reuse and cite it.

* `dumps`: the whole graph as gzip-compressed files (Turtle, N-Triples, N-Quads, TriG, JSON-LD; the
  formats of `formats.ON_DUMPS`), written from the store in a fixed order, so the same inputs give
  byte-identical files.
* `description`: the dataset described in VoID and DCAT (title, licence, sources and their licences,
  the dumps and the endpoint, counts per class and property, one link set per external target), in
  the named graph `<base>graph/description`, computed from the other parts and `data/dataset.yaml`.
* `statistics`: the description's figures, counted by the store or from the parts' lines (part by
  part, so a build keeps each part's figures and counts only the parts that changed).

The web app serves them at /dumps/<file>, /.well-known/void and /about (eqgraph.web.dataset).
"""

from __future__ import annotations

from .description import DESCRIPTION, add_description, dataset_iri, describe, load_dataset_info
from .dumps import dump_name, write_dumps
from .statistics import PartFigures, Statistics

__all__ = ["DESCRIPTION", "add_description", "dataset_iri", "describe", "dump_name", "load_dataset_info",
           "PartFigures", "Statistics", "write_dumps"]
