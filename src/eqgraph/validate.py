"""Validate: an RDF graph against the SHACL shapes in shapes/, with pySHACL.

The report names, for each result, the offending node, the document and lines it was derived from, the
property path and the shape's message, so a failed build says where in which document to look.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from . import resources
from .namespaces import EQG, PREFIXES, SH
from .screening import Screen

VIOLATION, WARNING, INFO = "Violation", "Warning", "Info"


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str | None
    message: str
    value: str | None = None
    source: str | None = None  # "file.txt lines 12–14"

    def __str__(self) -> str:
        where = f" [{self.source}]" if self.source else ""
        path = f" {self.path}:" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {self.focus}{where}{path} {self.message}{value}"


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == VIOLATION]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == WARNING]

    @property
    def notes(self) -> list[Result]:
        """sh:Info results: findings about the content worth showing (e.g. no measurable target)."""
        return [r for r in self.results if r.severity == INFO]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def extend(self, other: "Report") -> None:
        self.results.extend(other.results)


SHAPE_FILES = {"plan": "plan-shapes.ttl", "vocabulary": "vocabulary-shapes.ttl",
               "description": "description-shapes.ttl"}  # the dataset's VoID/DCAT description (eqgraph.publish)


@cache
def _shapes_cached(folder: str, kind: str | None) -> Graph:
    graph = Graph()
    names = [SHAPE_FILES[kind]] if kind else sorted(p.name for p in Path(folder).glob("*.ttl"))
    for name in names:
        graph.parse(Path(folder) / name, format="turtle")
    return graph


def load_shapes(kind: str | None = None, folder: Path | None = None) -> Graph:
    """The shapes for plans ("plan"), for the curated vocabularies ("vocabulary"), for the dataset's
    description ("description"), or all (None)."""
    return _shapes_cached(str(folder or resources.shapes_dir()), kind)


_SCREENS: dict[int, tuple[Graph, Screen | None]] = {}


def _screen(shapes: Graph) -> Screen | None:
    """The shapes' screen, compiled once per shapes graph (load_shapes keeps one graph per kind)."""
    found = _SCREENS.get(id(shapes))
    if found is None or found[0] is not shapes:
        found = _SCREENS[id(shapes)] = (shapes, Screen.of(shapes))
    return found[1]


def _short(term: URIRef) -> str:
    """A property IRI as a prefixed name (eqg:deliveredBy) when eqgraph knows its namespace."""
    for prefix, namespace in PREFIXES.items():
        if str(term).startswith(namespace):
            return f"{prefix}:{str(term)[len(namespace):]}"
    return str(term)


def _source_of(data: Graph, node) -> str | None:
    """Where the node was read from: its excerpt or document, or its action's (for a measure)."""
    parents = [*data.subjects(EQG.hasPerformanceMeasure, node), *data.subjects(EQG.hasProgressUpdate, node)]
    for candidate in [node, *parents]:
        for source in data.objects(candidate, PROV.wasDerivedFrom):
            label = data.value(source, RDFS.label)
            if label:
                return str(label)
    return None


def validate(data: Graph, shapes: Graph | None = None, *, screen: bool = True) -> Report:
    """Run the shapes over `data`; returns every result, Violations and Warnings alike.

    Screened (the default): a quick pass over the same shapes first finds the nodes that could give
    a result (eqgraph.screening), states the results it is certain of (a count or sh:hasValue with
    the shape's own message), and pySHACL validates only the other nodes: the same report as
    pySHACL's over the whole graph (`screen=False`, the reference the tests compare with), in a
    fraction of the time where most nodes conform. Shapes the pass cannot read are run whole."""
    shapes = shapes if shapes is not None else load_shapes()
    report = Report()
    focus = None
    if screen:
        compiled = _screen(shapes)
        if compiled is not None:
            certain, focus = compiled.screen(data)
            report.results += [_result(data, finding.severity, node, finding.path, [finding.message], None)
                               for node, finding in certain]
    if focus != []:  # else no node could give a result that the screen did not state
        report.results += _pyshacl(data, shapes, focus)
    # Sorted whole, so the order is the same whoever stated each result.
    report.results.sort(key=lambda r: (r.severity != VIOLATION, r.focus, r.path or "", r.severity, r.message,
                                       r.value or "", r.source or ""))
    return report


def _pyshacl(data: Graph, shapes: Graph, focus: list[URIRef] | None) -> list[Result]:
    """pySHACL's results over `data`: of the `focus` nodes only, or of every node (None)."""
    from pyshacl import validate as shacl_validate  # the screen states most results: often not needed

    _, results_graph, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        advanced=True,
        inplace=True,  # no inference is run, so pySHACL need not copy the data graph first
        focus_nodes=focus,
    )
    return [_result(data, results_graph.value(result, SH.resultSeverity), results_graph.value(result, SH.focusNode),
                    results_graph.value(result, SH.resultPath),
                    [str(m) for m in results_graph.objects(result, SH.resultMessage)],
                    results_graph.value(result, SH.value))
            for result in results_graph.subjects(RDF.type, SH.ValidationResult)]


def _result(data: Graph, severity, focus, path, messages: list[str], value) -> Result:
    return Result(
        severity=str(severity).rsplit("#", 1)[-1],
        focus=str(focus),
        path=_short(path) if isinstance(path, URIRef) else None,
        message="; ".join(messages) or "does not conform",
        value=str(value) if value is not None and value != focus else None,
        # A plan-wide constraint reports the plan as focus and the offending node as value.
        source=_source_of(data, value) if isinstance(value, URIRef) else _source_of(data, focus),
    )
