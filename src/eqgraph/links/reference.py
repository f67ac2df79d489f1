"""Reference data: the open data records the graph's external links point to (data/reference/).

Each file is a verbatim cut of a published open dataset (the manifest, data/reference/sources.yaml,
gives its source, checksums, licence and attribution). A build checks every file against its recorded
sha256 and refuses one that differs, so a damaged or hand-edited copy never becomes the ground truth
links are checked against.

Rows become triples by their file's `format`, one small rule per published format (so another
council's cut of the same ONS file reads the same way):

* `ons-local-authorities` — the borough as a place (eqg:Borough, its ONS code as skos:notation) within
  its region;
* `ons-wards` — its electoral wards, each within its borough;
* `ons-ward-centroids`, `mysociety-local-authorities` — their centres (geo:lat, geo:long);
* `digital-land-organisations`, `govuk-organisations`, `odc-governed-by` — the records of the external
  identifiers themselves (rdfs:label, dcterms:identifier), so a page can say what a link points to.

A council's files go into its own named graph (`reference/<council>`), national ones into
`reference/shared`. The local places minted here are `place/<region>`, `place/<borough>` and
`place/<borough>/<ward>`, named by their ONS names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .. import resources
from ..errors import InputError
from ..namespaces import EQG, GEO
from .files import read_csv, read_yaml

SOURCES_NAME = "sources.yaml"


@dataclass(frozen=True)
class Licence:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Source:
    """One shipped reference file and where it comes from."""

    file: str  # relative to data/reference, e.g. "merton/ward_all_codes.csv"
    path: Path
    council: str  # "shared" for national records
    format: str
    title: str
    keep: dict[str, list[str]]
    licence: Licence
    rights: str
    repository: str
    source_path: str
    commit: str
    source_sha256: str
    sha256: str  # of the shipped cut: required, and checked by every build

    @property
    def source_url(self) -> str:
        return f"https://github.com/{self.repository}/blob/{self.commit}/{self.source_path}"


@dataclass(frozen=True)
class Manifest:
    attribution: str
    licences: dict[str, Licence]
    files: tuple[Source, ...]
    path: Path

    def file(self, name: str) -> Source:
        for source in self.files:
            if source.file == name:
                return source
        raise KeyError(name)

    @property
    def councils(self) -> list[str]:
        return sorted({source.council for source in self.files})


def reference_dir() -> Path:
    return resources.data_dir() / "reference"


@cache
def load_sources(directory: Path | None = None) -> Manifest:
    directory = directory or reference_dir()
    path = directory / SOURCES_NAME
    data = read_yaml(path)
    try:
        licences = {key: Licence(key, value["title"], value["url"]) for key, value in data["licences"].items()}
        files = []
        for entry in data["files"]:
            origin = entry["source"]
            if entry["licence"] not in licences:
                raise InputError(path, f"{entry['file']}: licence {entry['licence']!r} is not in `licences`")
            files.append(Source(
                entry["file"], directory / entry["file"], str(entry["council"]), entry["format"], entry["title"],
                {str(k): [str(v) for v in values] for k, values in entry["keep"].items()},
                licences[entry["licence"]], entry["rights"], origin["repository"], origin["path"],
                origin["commit"], origin["sha256"], entry["sha256"]))
        return Manifest(str(data["attribution"]).strip(), licences, tuple(files), path)
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(path, f"not a manifest of reference files ({type(exc).__name__}: {exc})") from None


# --- reading and checking -----------------------------------------------------------------------------

@dataclass
class Rows:
    source: Source
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]

    def where(self, line: int) -> str:
        return f"{self.source.file} line {line}"


def read_rows(source: Source) -> Rows:
    """The file's rows, after checking it is the cut the manifest records."""
    try:
        digest = hashlib.sha256(source.path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(source.path, f"cannot read this reference file: {exc.strerror or exc}") from None
    if digest != source.sha256:
        raise InputError(source.path, f"this reference file is damaged or was edited: its sha256 is {digest}, "
                         f"not the {source.sha256} recorded in {SOURCES_NAME} (remake it with "
                         "tools/make_reference.py)")
    header, rows = read_csv(source.path, tuple(source.keep))
    return Rows(source, header, rows)


@cache
def read_all(directory: Path | None = None) -> tuple[Rows, ...]:
    return tuple(read_rows(source) for source in load_sources(directory).files)


def known_values(file: str | None, column: str, directory: Path | None = None, format: str | None = None) -> set[str]:
    """Every non-empty value of one column of one reference file, or of every file of one format."""
    found: set[str] = set()
    matched = False
    for rows in read_all(directory):
        if rows.source.file == file or (format is not None and rows.source.format == format):
            matched = True
            if column not in rows.header:
                raise InputError(rows.source.path, f"has no column {column!r}, which data/links/targets.yaml names", 1)
            found |= {row[column].strip() for _, row in rows.rows if row[column].strip()}
    if not matched:
        raise InputError(load_sources(directory).path, f"lists no reference file {file or format!r}, which "
                         "data/links/targets.yaml names")
    return found


# --- triples ------------------------------------------------------------------------------------------

def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _decimal(rows: Rows, line: int, column: str, value: str) -> Literal:
    try:
        number = Decimal(value.strip()).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise InputError(rows.source.path, f"{column} is {value!r}, not a number of degrees", line) from None
    return Literal(format(number, "f"), datatype=XSD.decimal)


@dataclass
class _Places:
    """Places minted so far, by ONS code, so later files can add to them (centres after wards)."""

    base: str
    by_code: dict[str, URIRef] = field(default_factory=dict)

    def borough(self, name: str) -> URIRef:
        return URIRef(f"{self.base}place/{_slug(name)}")

    def ward(self, borough: str, name: str) -> URIRef:
        return URIRef(f"{self.base}place/{_slug(borough)}/{_slug(name)}")

    def scheme(self, council: str) -> URIRef:
        return URIRef(f"{self.base}scheme/places/{council}")


def _local_authorities(graph: Graph, rows: Rows, places: _Places) -> None:
    for line, row in rows.rows:
        region = places.borough(row["RGNNM"])
        if row["RGNCD"] not in places.by_code:
            places.by_code[row["RGNCD"]] = region
            graph.add((region, RDF.type, EQG.Place))
            graph.add((region, RDF.type, SKOS.Concept))
            graph.add((region, SKOS.prefLabel, Literal(row["RGNNM"], lang="en")))
            graph.add((region, SKOS.notation, Literal(row["RGNCD"])))
            graph.add((region, SKOS.inScheme, places.scheme(rows.source.council)))
            graph.add((region, SKOS.topConceptOf, places.scheme(rows.source.council)))
            graph.add((region, SKOS.definition, Literal(
                f"The region {row['RGNNM']} ({row['RGNCD']}), in {row['CTRYNM']}.", lang="en")))
            graph.add((region, EQG.fromRecord, Literal(rows.where(line))))
        place = places.borough(row["LADNM"])
        places.by_code[row["LADCD"]] = place
        graph.add((place, SKOS.broader, region))
        graph.add((place, RDF.type, EQG.Borough))
        graph.add((place, RDF.type, EQG.Place))
        graph.add((place, RDF.type, SKOS.Concept))
        graph.add((place, SKOS.prefLabel, Literal(row["LADNM"], lang="en")))
        graph.add((place, SKOS.notation, Literal(row["LADCD"])))
        graph.add((place, SKOS.inScheme, places.scheme(rows.source.council)))
        graph.add((place, SKOS.definition, Literal(
            f"The area of the local authority district {row['LADNM']} ({row['LADCD']}), in {row['RGNNM']}, "
            f"{row['CTRYNM']}, as a place.", lang="en")))
        graph.add((place, EQG.fromRecord, Literal(rows.where(line))))


def _wards(graph: Graph, rows: Rows, places: _Places) -> None:
    for line, row in rows.rows:
        borough = places.by_code.get(row["LADCD"])
        if borough is None:
            raise InputError(rows.source.path, f"ward {row['WDCD']} is in {row['LADCD']}, which no "
                             "ons-local-authorities file of sources.yaml lists", line)
        ward = places.ward(row["LADNM"], row["WDNM"])
        if ward in places.by_code.values():
            raise InputError(rows.source.path, f"ward {row['WDCD']} ({row['WDNM']}) has the name of another ward "
                             "of its borough in the reference files: keep one ward set per borough", line)
        places.by_code[row["WDCD"]] = ward
        graph.add((ward, RDF.type, EQG.ElectoralWard))
        graph.add((ward, RDF.type, EQG.Place))
        graph.add((ward, RDF.type, SKOS.Concept))
        graph.add((ward, SKOS.prefLabel, Literal(row["WDNM"], lang="en")))
        graph.add((ward, SKOS.notation, Literal(row["WDCD"])))
        graph.add((ward, SKOS.broader, borough))
        graph.add((ward, SKOS.inScheme, places.scheme(rows.source.council)))
        graph.add((ward, SKOS.definition, Literal(
            f"An electoral ward of {row['LADNM']} ({row['WDCD']}), from {rows.source.title}.", lang="en")))
        graph.add((ward, EQG.fromRecord, Literal(rows.where(line))))


def _centres(code_column: str, lat: str, long: str) -> Callable[[Graph, Rows, _Places], None]:
    def read(graph: Graph, rows: Rows, places: _Places) -> None:
        for line, row in rows.rows:
            place = places.by_code.get(row[code_column])
            if place is None:
                raise InputError(rows.source.path, f"{row[code_column]} is no place of the files listed before "
                                 "it in sources.yaml", line)
            graph.add((place, GEO.lat, _decimal(rows, line, lat, row[lat])))
            graph.add((place, GEO.long, _decimal(rows, line, long, row[long])))
    return read


def _records(label: str, identifiers: dict[str, str | None]) -> Callable[[Graph, Rows, _Places], None]:
    """External identifiers a record gives (column -> the namespace its values need, None if they
    are IRIs already), each labelled with the record's name."""
    def read(graph: Graph, rows: Rows, places: _Places) -> None:
        for line, row in rows.rows:
            for column, namespace in identifiers.items():
                value = row[column].strip()
                if not value:
                    continue
                iri = URIRef((namespace or "") + value)
                graph.add((iri, RDFS.label, Literal(row[label], lang="en")))
                graph.add((iri, EQG.fromRecord, Literal(rows.where(line))))
                if column == "website" and row.get("key"):
                    graph.add((iri, DCTERMS.identifier, Literal(f"government-organisation:{row['key']}")))
    return read


def _governed_by(graph: Graph, rows: Rows, places: _Places) -> None:
    for line, row in rows.rows:
        area = row["area-uri"].strip()
        if area.startswith("http://opendatacommunities.org/"):
            graph.add((URIRef(area), EQG.fromRecord, Literal(rows.where(line))))


FORMATS: dict[str, Callable[[Graph, Rows, _Places], None]] = {
    "ons-local-authorities": _local_authorities,
    "ons-wards": _wards,
    "ons-ward-centroids": _centres("wdcd", "latitude", "longitude"),
    "mysociety-local-authorities": _centres("gss-code", "lat", "long"),
    "digital-land-organisations": _records("name", {"wikidata": "http://www.wikidata.org/entity/",
                                                    "opendatacommunities": None}),
    "govuk-organisations": _records("name", {"website": None}),
    "odc-governed-by": _governed_by,
}


def _describe_file(graph: Graph, source: Source, base: str, manifest: Manifest) -> None:
    node = URIRef(f"{base}reference/{source.file}")
    graph.add((node, RDF.type, EQG.ReferenceFile))
    graph.add((node, DCTERMS.title, Literal(source.title, lang="en")))
    graph.add((node, DCTERMS.license, URIRef(source.licence.url)))
    graph.add((node, DCTERMS.rights, Literal(source.rights, lang="en")))
    graph.add((node, EQG.attribution, Literal(manifest.attribution, lang="en")))
    graph.add((node, DCTERMS.source, URIRef(source.source_url)))
    graph.add((node, EQG.sha256, Literal(source.source_sha256)))
    graph.add((node, DCTERMS.identifier, Literal(source.file)))
    graph.add((URIRef(source.licence.url), RDFS.label, Literal(source.licence.title, lang="en")))


def reference_graphs(base: str, directory: Path | None = None) -> dict[str, Graph]:
    """`reference/<council>` -> the triples its files give. Files are read in the order of `FORMATS`
    (boroughs before their wards, places before their centres), whatever order the manifest lists."""
    from ..build import new_graph

    manifest = load_sources(directory)
    for source in manifest.files:
        if source.format not in FORMATS:
            raise InputError(manifest.path, f"{source.file}: format {source.format!r} is none of "
                             f"{', '.join(sorted(FORMATS))}")
    order = list(FORMATS)
    places = _Places(base)
    graphs: dict[str, Graph] = {}
    for rows in sorted(read_all(directory), key=lambda r: order.index(r.source.format)):
        source = rows.source
        reader = FORMATS[source.format]
        graph = graphs.setdefault(f"reference/{source.council}", new_graph())
        reader(graph, rows, places)
        _describe_file(graph, source, base, manifest)
        if source.format == "ons-local-authorities":
            scheme = places.scheme(source.council)
            graph.add((scheme, RDF.type, SKOS.ConceptScheme))
            graph.add((scheme, SKOS.prefLabel, Literal(f"Places ({source.council})", lang="en")))
    return graphs
