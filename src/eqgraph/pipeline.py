"""The build pipeline: ingest -> extract -> build -> validate -> store.

Each plan is built and validated on its own (with the vocabularies it links to), which keeps SHACL
linear in the number of plans; the plans are then merged with the ontology and vocabularies and
published as a new release. Nothing is written unless every document parses and no Violation is found.
Evidence that a document is damaged (eqgraph.ingest.damage) is reported as it is found, kept in the
release's build.json, and with `strict` stops the build before anything is built.
"""

from __future__ import annotations

import gc
import json
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.graph import ReadOnlyGraphAggregate

from . import __version__, resources
from .catalogue import Catalogue, catalogue_graph, load_catalogue
from .graphs import write_views
from .build import (commitments_graph, continuity_graph, load_ontology, load_vocabularies, new_concepts_graph,
                    new_graph, new_units_graph, plan_graph)
from .config import Settings
from .errors import DamageFound, EqgraphError, ValidationFailed, shown
from .extract import Extractor
from .ingest import Corrections, Damage, ingest_documents
from .links.linkset import LinkRow, check_subjects, links_graph, read_linksets
from .links.reference import reference_graphs
from .model import Plan
from .namespaces import PREFIXES, Iris
from .publish import add_description, describe, write_dumps
from .store import graph_iri, publish_release
from .store.oxigraph import OxigraphStore
from .validate import Report, load_shapes, validate

Progress = Callable[[str], None]
Warn = Callable[[Damage], None]


def _quiet(_) -> None:
    pass


@dataclass
class Compiled:
    plans: list[Plan]
    parts: dict[str, Graph]  # named graph (`store.graph_iri` parts) -> its triples, each triple in one
    report: Report
    timings: dict[str, float] = field(default_factory=dict)
    damage: list[Damage] = field(default_factory=list)  # evidence that a document lacks something

    @cached_property
    def graph(self) -> Graph:
        """All parts in one rdflib graph (for inspection and tests; the build never merges them)."""
        merged = new_graph()
        for part in self.parts.values():
            merged += part
        return merged

    def triple_count(self) -> int:
        """Distinct triples (two parts may hold the same one; the store keeps it once)."""
        return len(self.graph)


@dataclass
class BuildResult:
    compiled: Compiled
    release: Path
    triples: int


class _Clock:
    def __init__(self):
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self._last
        self._last = now
        return self.timings[name]


def compile_graph(paths: Sequence[Path], settings: Settings, progress: Progress = _quiet, *,
                  warn: Warn = _quiet, strict: bool = False) -> Compiled:
    """Documents -> one validated graph in memory. Raises InputError or ValidationFailed, and with
    `strict` DamageFound when a document shows damage; otherwise each piece of damage goes to `warn`.

    Python's cyclic garbage collector is paused meanwhile: building hundreds of thousands of rdflib
    terms otherwise triggers full collections over all of them again and again (a third of the time on
    100 plans), and nothing built here is garbage until the build ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _compile(paths, settings, progress, warn, strict)
    finally:
        if enabled:
            gc.enable()


def _compile(paths: Sequence[Path], settings: Settings, progress: Progress, warn: Warn, strict: bool) -> Compiled:
    clock = _Clock()
    corrections = Corrections.load(resources.corrections_file())
    damage: list[Damage] = []
    plans = ingest_documents(paths, corrections, damage)
    if damage and strict:
        raise DamageFound(damage)
    for found in damage:
        warn(found)
    progress(f"ingest: {len(plans)} document(s), {sum(len(p.actions) for p in plans)} actions "
             f"({clock.lap('ingest'):.2f}s)")

    iris = Iris(settings.base)
    vocab = load_vocabularies(settings.base)
    references = reference_graphs(settings.base)  # open data records the links point to, by council
    linkset = read_linksets()
    extractor = Extractor(vocab, iris)
    clock.lap("load")
    extractions = {plan.id: extractor.plan(plan) for plan in plans}
    commitments = extractor.commitments(plans)
    for (plan_id, ref), report in commitments.reports.items():
        extractions[plan_id].reports[ref] = report
    continuities = extractor.continuity(plans, extractions, commitments)
    minted = new_concepts_graph(extractor.new_concepts) + new_units_graph(extractor.new_units)
    carried = continuity_graph(continuities, iris, extractor.plan_sequence(plans))
    carried += commitments_graph(commitments, plans, iris)
    ontology = load_ontology()
    context = ontology + vocab + minted  # what every plan's links and values may point to
    for part in references.values():
        context += part
    links = links_graph(_linked(linkset, settings.base, context, [iris.plan(plan.id) for plan in plans]),
                        settings.base)
    clock.lap("extract")
    progress(f"extract: {sum(len(l) for e in extractions.values() for l in e.links.values())} links, "
             f"{len(continuities)} continuity pairs ({clock.timings['extract']:.2f}s)")
    for plan in plans:
        for guess in plan.guesses:
            progress(f"guessed: {guess}")
    if extractor.new_units:
        kinds = Counter("council" if not hasattr(u, "department") else "department" if u.department else "division"
                        for u in extractor.new_units)
        progress("new to the vocabularies, added for review (`eqgraph names` lists them): "
                 + ", ".join(f"{n} {kind}(s)" for kind, n in sorted(kinds.items())))

    catalogue = catalogue_graph(load_catalogue(), settings.base)  # the saved queries, findable with the data
    # The vocabularies are checked once; each plan is checked against the plan shapes with them as
    # read-only context (never copied), so the cost grows linearly with the number of plans.
    # Continuity spans plans, so it is checked once with the vocabularies, not with every plan.
    report = validate(ReadOnlyGraphAggregate([context, carried, links]), load_shapes("vocabulary"))
    plan_shapes = load_shapes("plan")
    clock.lap("validate")
    # Named graphs, in this order: a triple two parts share is stored once, in the first that has it.
    parts = {"ontology": ontology, "vocabularies": vocab + minted, **references, "links": links,
             "continuity": carried, "catalogue": catalogue}
    graphs = []
    for index, plan in enumerate(plans, start=1):
        graphs.append(plan_graph(plan, extractions[plan.id], iris))
        parts[f"plan/{plan.id}"] = graphs[-1]
        if len(plans) > 5 and index % 20 == 0:
            progress(f"build: {index}/{len(plans)} plans")
    clock.lap("build")
    for found in validate_plans(graphs, context, plan_shapes, build_workers()):
        report.extend(found)
    clock.lap("validate")
    progress(f"build: {sum(len(p) for p in parts.values())} triples ({clock.timings.get('build', 0):.2f}s); "
             f"validate: {len(report.violations)} violation(s), {len(report.warnings)} warning(s), "
             f"{len(report.notes)} note(s) ({clock.timings.get('validate', 0):.2f}s)")
    compiled = Compiled(plans, parts, report, clock.timings, damage)
    if not report.conforms:
        raise ValidationFailed(report)
    return compiled


def build_workers() -> int:
    """Processes that validate plans at once (EQGRAPH_BUILD_WORKERS; default: the cores, at most 4)."""
    import os

    raw = os.environ.get("EQGRAPH_BUILD_WORKERS")
    if raw is not None:
        try:
            return max(1, int(raw))
        except ValueError:
            raise EqgraphError(f"EQGRAPH_BUILD_WORKERS must be a whole number, not {raw[:40]!r}") from None
    return min(os.cpu_count() or 1, 4)


_FORKED: tuple | None = None  # (plan graphs, context, shapes), inherited by forked validators


def _validate_one(index: int) -> Report:
    graphs, context, shapes = _FORKED
    return validate(ReadOnlyGraphAggregate([graphs[index], context]), shapes)


def validate_plans(graphs: list[Graph], context: Graph, shapes: Graph, workers: int) -> list[Report]:
    """Each plan's graph checked against the plan shapes with the shared context, in plan order.

    Plans are independent of each other, so with several of them they are checked in forked worker
    processes, which inherit the graphs instead of being sent them (pySHACL holds the GIL: threads
    would not help). The results are the same and in the same order as one after another."""
    global _FORKED
    if workers < 2 or len(graphs) < 4:
        return [validate(ReadOnlyGraphAggregate([graph, context]), shapes) for graph in graphs]
    import multiprocessing

    _FORKED = (graphs, context, shapes)
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(graphs))) as pool:
            return pool.map(_validate_one, range(len(graphs)), chunksize=1)
    finally:
        _FORKED = None


def _linked(rows: list[LinkRow], base: str, context: Graph, plans: list) -> list[LinkRow]:
    """The link rows whose subjects this build has. A link from a plan not in this build (the built-in
    plans' links when another document is built alone) is left out; any other subject the graph
    lacks is an error in the link set, named with its file and line."""
    described = set(context.subjects()) | set(plans)
    kept = [row for row in rows if not (row.subject.startswith("plan/") and URIRef(base + row.subject) not in described)]
    check_subjects(kept, base, described)
    return kept


def build(paths: Sequence[Path], settings: Settings, progress: Progress = _quiet, *,
          warn: Warn = _quiet, strict: bool = False, publish_store=None) -> BuildResult:
    """Compile, validate and publish a new release; the previous one stays current on any failure.

    Beside the store, a release holds the dataset's description (VoID and DCAT, in the named graph
    `description`, computed from the other parts and checked by its shapes: a Violation fails the
    build) and the whole graph as gzip-compressed dumps, which hold the description too
    (eqgraph.publish)."""
    _check_home(settings.home)
    compiled = compile_graph(paths, settings, progress, warn=warn, strict=strict)
    started = time.perf_counter()
    nquads = as_nquads(compiled.parts, settings.base)
    stored: dict[str, int] = {}

    def write(directory: Path) -> None:
        store = OxigraphStore.create(directory / "store", nquads)
        publishing = time.perf_counter()
        description = describe(store, settings)
        checked = validate(description, load_shapes("description"))
        compiled.report.extend(checked)
        if not checked.conforms:
            raise ValidationFailed(checked)
        add_description(store, description, settings.base)
        dumps = write_dumps(store, directory / "dumps", PREFIXES)
        stored["triples"] = store.triple_count()
        compiled.timings["publish"] = time.perf_counter() - publishing
        # What the web front end shows next to the graph: the source lines, SHACL results per node,
        # and the graph views (computed once here, never per request).
        documents = directory / "documents"
        documents.mkdir()
        for path in paths:
            shutil.copyfile(path, documents / Path(path).name)
        report = [result.__dict__ for result in compiled.report.results]
        (directory / "report.json").write_text(json.dumps(report), encoding="utf-8")
        write_views(Catalogue(store), directory / "graphs")
        info = {
            "eqgraph": __version__,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "base": settings.base,
            "triples": stored["triples"],
            "plans": [
                {
                    "id": p.id, "title": p.title, "document": p.document, "sha256": p.sha256,
                    "objectives": len(p.objectives), "priority_areas": len(p.priority_areas),
                    "actions": len(p.actions),
                }
                for p in compiled.plans
            ],
            "validation": {
                "violations": len(compiled.report.violations),
                "warnings": len(compiled.report.warnings),
                "notes": len(compiled.report.notes),
            },
            "damage": [found.as_dict() for found in compiled.damage],
            # What the build assumed (a publisher no document states) and read (from title lines).
            "guesses": [guess for plan in compiled.plans for guess in plan.guesses],
            "read_from_titles": {plan.id: plan.read_from_title for plan in compiled.plans if plan.read_from_title},
            "dumps": dumps,  # file, format, bytes, sha256 of each (eqgraph.store.ReleaseFiles.dumps)
        }
        if publish_store is not None:
            # A remote store (store.opening.publish_to): the same quads loaded there as a new version and
            # switched to before this release becomes current, so its files never describe a graph the
            # store does not serve; a failure there leaves both the store and the release as they were.
            info["store"] = publish_store(store)
        (directory / "build.json").write_text(json.dumps(info, indent=2), encoding="utf-8")

    try:
        release = publish_release(settings.home, write)
    except OSError as exc:  # full disk, read-only folder, a file where a folder belongs ...
        where = f" ({shown(exc.filename)})" if exc.filename else ""
        raise EqgraphError(f"cannot write the graph into {shown(settings.home)}: {exc.strerror or exc}{where}; "
                           "the previous graph is unchanged") from None
    compiled.timings["store"] = time.perf_counter() - started
    progress(f"store: release {release.name} ({compiled.timings['store']:.2f}s, of which description and "
             f"dumps {compiled.timings['publish']:.2f}s)")
    return BuildResult(compiled, release, stored["triples"])  # each triple once, as stored


def _check_home(home: Path) -> None:
    """Before any work: the home must be (or become) a folder."""
    for folder in (home, *home.parents):
        if folder.exists():
            if not folder.is_dir():
                raise EqgraphError(f"cannot build into {shown(home)}: {shown(folder)} is a file, not a folder")
            return


def unknown_names(paths: Sequence[Path], settings: Settings):
    """Organisations, units and councils the documents name that no vocabulary of their council knows
    and nobody has reviewed: names in the text, owner cells' units, and the publisher itself. Another
    council's units and local partners do not count as known (a plan's "Health and Wellbeing Board" is
    its own council's, not Merton's)."""
    from rdflib.namespace import RDF, SKOS

    from .extract.councils import Councils
    from .namespaces import EQG, ORG
    from .extract.discovery import Candidate, candidates, load_reviewed
    from .extract.organisation import OrganisationResolver
    from .extract.vocabulary import Vocabulary

    plans = ingest_documents(paths, Corrections.load(resources.corrections_file()))
    vocab = load_vocabularies(settings.base)
    iris = Iris(settings.base)
    councils = Councils(vocab, iris)
    owners = OrganisationResolver(vocab, iris)
    labelled = set(vocab.subjects(SKOS.prefLabel, None))
    organisations = {s for cls in (EQG.Partner, ORG.OrganizationalUnit, ORG.FormalOrganization, ORG.Organization,
                                   EQG.StrategyOrPlan, EQG.Legislation)
                     for s in vocab.subjects(RDF.type, cls)}  # named things: a name overlapping one is known
    reviewed = load_reviewed(resources.data_dir() / "vocab" / "reviewed-names.yaml")
    lexicons: dict = {}
    found: list[Candidate] = []
    for plan in plans:
        council = councils.of(plan)
        if council not in lexicons:
            lexicons[council] = Vocabulary(vocab, {s for s in labelled if not councils.foreign(s, council)})
        found += candidates([plan], lexicons[council], reviewed, organisations)
        before = set(owners.new)
        for action in plan.actions:
            owners.links(action, council, lambda unit: councils.foreign(unit, council), plan.document)
            for unit in set(owners.new) - before:
                new = owners.new[unit]
                found.append(Candidate(new.label, plan.id, action.ref, "Department/Division", new.line,
                                       plan.document, "department" if new.department else "division"))
            before = set(owners.new)
    for council in councils.new.values():
        plan = next(p for p in plans if p.document == council.document)
        found.append(Candidate(council.label, plan.id, "-", "publisher", 1, council.document, "council"))
    return sorted(found, key=lambda c: (c.plan, c.line, c.kind, c.name))


def as_nquads(parts: dict[str, Graph], base: str) -> bytes:
    """The parts as N-Quads, each in its named graph (`<base>graph/<name>`), each triple once: in the
    first part that holds it (a union default graph would count a triple held twice twice)."""
    seen: set[str] = set()
    out: list[str] = []
    for name, part in parts.items():
        suffix = f" <{graph_iri(base, name)}> .\n"
        for line in part.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines():
            line = line.strip()
            if not line or line in seen:
                continue
            if "_:" in line.split('"', 1)[0]:  # outside any literal: a blank node
                # Two parts' blank nodes with one label would merge here; the build mints IRIs instead.
                raise ValueError(f"a built graph holds a blank node, which its IRI rules never make: {line[:200]}")
            seen.add(line)
            out.append(line[:-1].rstrip() + suffix)  # "<s> <p> <o> ." -> "<s> <p> <o> <g> ."
    return "".join(sorted(out)).encode("utf-8")
