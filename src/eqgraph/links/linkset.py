"""Link sets: the reviewed links from the graph's things to other datasets (data/links/<target>.csv).

A link set is a CSV file per target that people review and edit:

    subject,relation,target,method,source,status,note

* `subject`: an IRI relative to the graph's base (`partner/ofsted`), as the vocabularies write them;
* `relation`: a CURIE of the relations table (data/links/targets.yaml): `owl:sameAs` for the same
  real-world thing, `skos:exactMatch` / `skos:closeMatch` for concepts, ...;
* `target`: an IRI of the file's target dataset;
* `method`: code match, curated or suggested; `source`: what supports it (a reference file and row,
  a document and line, a provision of an Act); `status`: accepted, proposed or rejected; `note`: why.

Only accepted rows become triples, in the `links` graph: the link itself (`subject relation target`)
and a node describing how it was made (eqg:Link, an rdf:Statement with its method, source and the
file and line it is recorded in). Every accepted row is checked before anything is built: its
relation is one the target allows, its target is well formed and, unless the target's identifiers
are minted by a documented pattern (legislation.gov.uk), found in the shipped reference files; its
subject is a thing the graph describes. Anything else stops the build with the file and line.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from .. import resources
from ..errors import InputError
from ..namespaces import EQG, VOID
from .files import read_csv
from .reference import known_values
from .targets import LinkTables, Target, load_link_tables

COLUMNS = ("subject", "relation", "target", "method", "source", "status", "note")
METHOD_IRIS = {"code match": EQG.CodeMatchLink, "curated": EQG.CuratedLink, "suggested": EQG.SuggestedLink}


@dataclass(frozen=True)
class LinkRow:
    subject: str  # relative to the base IRI
    relation: str  # CURIE
    target: str  # absolute IRI
    method: str
    source: str
    status: str
    note: str = ""
    file: str = ""  # where it is recorded, relative to the data folder: "links/wikidata.csv"
    line: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return self.subject, self.relation, self.target

    def as_csv_row(self) -> list[str]:
        return [self.subject, self.relation, self.target, self.method, self.source, self.status, self.note]


def links_dir() -> Path:
    return resources.data_dir() / "links"


def linkset_files(directory: Path | None = None) -> list[Path]:
    """One CSV file per target of the targets table, in its order (a file may be missing: no links)."""
    directory = directory or links_dir()
    return [directory / f"{target.name}.csv" for target in load_link_tables().targets
            if (directory / f"{target.name}.csv").exists()]


def read_linkset(path: Path, tables: LinkTables | None = None) -> list[LinkRow]:
    """The rows of one link set, each checked for form (not yet against the graph or the reference data)."""
    tables = tables or load_link_tables()
    target = _target_for_file(path, tables)
    header, rows = read_csv(path, COLUMNS)
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise InputError(path, f"unknown column(s) {', '.join(map(repr, unknown))}: a link set has exactly "
                         f"{', '.join(COLUMNS)} (another column would be lost when eqgraph rewrites the file)", 1)
    found: list[LinkRow] = []
    seen: dict[tuple, int] = {}
    for line, row in rows:
        link = LinkRow(*(row[c].strip() for c in COLUMNS), file=_shown(path), line=line)
        _check_form(path, line, link, target, tables)
        if link.key in seen:
            raise InputError(path, f"the link {link.subject} {link.relation} {link.target} is already on line "
                             f"{seen[link.key]}", line)
        seen[link.key] = line
        found.append(link)
    return found


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(resources.data_dir().resolve()).as_posix()
    except ValueError:
        return path.name


def _target_for_file(path: Path, tables: LinkTables) -> Target:
    try:
        return tables.target(path.stem)
    except KeyError:
        names = ", ".join(t.name for t in tables.targets)
        raise InputError(path, f"a link set must be named after its target ({names}) in data/links/targets.yaml") from None


def _check_form(path: Path, line: int, link: LinkRow, target: Target, tables: LinkTables) -> None:
    if not link.subject or "://" in link.subject or link.subject.startswith(("/", "<")) or " " in link.subject:
        raise InputError(path, f"subject {link.subject!r} is not an IRI relative to the graph's base "
                         "(e.g. partner/ofsted)", line)
    if link.relation not in tables.relations:
        raise InputError(path, f"relation {link.relation!r} is none of {', '.join(tables.relations)}", line)
    if link.relation not in target.relations:
        raise InputError(path, f"relation {link.relation} is not one {target.label} links use "
                         f"({', '.join(target.relations)})", line)
    if link.method not in tables.methods:
        raise InputError(path, f"method {link.method!r} is none of {', '.join(tables.methods)}", line)
    if link.status not in tables.statuses:
        raise InputError(path, f"status {link.status!r} is none of {', '.join(tables.statuses)}", line)
    if link.status == "accepted" and target.identifier_of(link.target) is None:
        raise InputError(path, f"target {link.target!r} is not a {target.label} IRI ({target.namespace} "
                         f"then an identifier matching {target.identifier.pattern})", line)
    if not link.source:
        raise InputError(path, "the source is empty: say what supports the link (a reference file and row, "
                         "a document and line)", line)


def known_targets(target: Target) -> set[str]:
    """The IRIs of a target the shipped reference files hold (empty for a target minted by pattern)."""
    found: set[str] = set()
    for reference in target.references:
        for value in known_values(reference.file, reference.column, format=reference.format):
            found.add(value if "://" in value else target.namespace + value)
    return found


def read_linksets(directory: Path | None = None) -> list[LinkRow]:
    """Every row of every link set, each checked for form and, when accepted, against the reference data."""
    tables = load_link_tables()
    rows: list[LinkRow] = []
    for path in linkset_files(directory):
        target = _target_for_file(path, tables)
        known = None if target.by_pattern else known_targets(target)
        for link in read_linkset(path, tables):
            if link.status == "accepted" and known is not None and link.target not in known:
                raise InputError(path, f"target {link.target} is in none of the shipped reference files "
                                 f"({', '.join(r.where for r in target.references)}): eqgraph links only to "
                                 "identifiers a source it ships gives", link.line)
            rows.append(link)
    _check_identity(rows, tables)
    return rows


SAME = ("owl:sameAs", "schema:sameAs")  # relations that say two IRIs name one thing


def _check_identity(rows: list[LinkRow], tables: LinkTables) -> None:
    """One thing has one identifier per dataset, and one identifier names one thing: two accepted
    sameAs links that break this would merge two things (the council and the borough) or split one."""
    by_subject: dict[tuple, LinkRow] = {}
    by_target: dict[str, LinkRow] = {}
    for link in rows:
        if link.status != "accepted" or link.relation not in SAME:
            continue
        dataset = tables.target_of(link.target).name
        earlier = by_subject.get((link.subject, dataset))
        if earlier and earlier.target != link.target:
            raise InputError(resources.data_dir() / link.file, f"{link.subject} is already the same as "
                             f"{earlier.target} ({earlier.file} line {earlier.line}); one thing has one "
                             f"identifier in {dataset}", link.line)
        earlier = by_target.get(link.target)
        if earlier and earlier.subject != link.subject:
            raise InputError(resources.data_dir() / link.file, f"{link.target} is already the same as "
                             f"{earlier.subject} ({earlier.file} line {earlier.line}); two things cannot be one",
                             link.line)
        by_subject[(link.subject, dataset)] = link
        by_target[link.target] = link


def check_subjects(rows: Iterable[LinkRow], base: str, described: set[URIRef]) -> None:
    """Every accepted link's subject must be a thing the graph describes."""
    for link in rows:
        if link.status == "accepted" and URIRef(base + link.subject) not in described:
            raise InputError(resources.data_dir() / link.file, f"subject {link.subject} is nothing the graph "
                             "describes (no vocabulary, plan or reference file has it)", link.line)


def link_node(base: str, link: LinkRow) -> URIRef:
    """A stable IRI for a link's description, from what it links (so rebuilds give the same IRI)."""
    digest = hashlib.sha256("\n".join(link.key).encode("utf-8")).hexdigest()[:16]
    return URIRef(f"{base}link/{digest}")


def target_dataset(base: str, target: Target) -> URIRef:
    return URIRef(f"{base}dataset/{target.name}")


def links_graph(rows: Iterable[LinkRow], base: str) -> Graph:
    """The accepted links and how each was made; each target dataset described once."""
    from ..build import new_graph

    tables = load_link_tables()
    graph = new_graph()
    used: set[str] = set()
    for link in rows:
        if link.status != "accepted":
            continue
        subject, target = URIRef(base + link.subject), URIRef(link.target)
        predicate = URIRef(tables.relations[link.relation].iri)
        graph.add((subject, predicate, target))
        node = link_node(base, link)
        dataset = tables.target_of(link.target)
        used.add(dataset.name)
        graph.add((node, RDF.type, EQG.Link))
        graph.add((node, RDF.type, RDF.Statement))
        graph.add((node, RDF.subject, subject))
        graph.add((node, RDF.predicate, predicate))
        graph.add((node, RDF.object, target))
        graph.add((node, EQG.linkMethod, METHOD_IRIS[link.method]))
        graph.add((node, EQG.linkSource, Literal(link.source)))
        graph.add((node, EQG.linkTarget, target_dataset(base, dataset)))
        graph.add((node, EQG.recordedIn, Literal(f"{link.file} line {link.line}")))
        if link.note:
            graph.add((node, SKOS.note, Literal(link.note, lang="en")))
    for target in tables.targets:
        if target.name in used:
            node = target_dataset(base, target)
            graph.add((node, RDF.type, VOID.Dataset))
            graph.add((node, DCTERMS.title, Literal(target.label, lang="en")))
            graph.add((node, FOAF.homepage, URIRef(target.homepage)))
            graph.add((node, VOID.uriSpace, Literal(target.namespace)))
    return graph


def write_linkset(path: Path, rows: Iterable[LinkRow]) -> None:
    """Write a link set whole or not at all (a temporary file renamed over the old one)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for link in rows:
        writer.writerow(link.as_csv_row())
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    temporary.replace(path)
