"""The build pipeline: ingest -> extract -> build -> validate -> store.

Each plan is read, built and validated on its own (with the vocabularies it links to) as a unit
(eqgraph.units), which keeps SHACL linear in the number of plans and lets a build reuse the units an
earlier one made from the same documents, code and data (eqgraph.buildcache); what spans plans is then
made from the units, and everything is published as a new release. Nothing is written unless every document parses and no Violation is found.
Evidence that a document is damaged (eqgraph.ingest.damage) is reported as it is found, kept in the
release's build.json, and with `strict` stops the build before anything is built.
"""

from __future__ import annotations

import bisect
import dataclasses
import gc
import json
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.graph import ReadOnlyGraphAggregate

from . import __version__, resources
from .catalogue import catalogue_graph, load_catalogue
from .build import (commitments_graph, continuity_graph, load_ontology, load_vocabularies, new_concepts_graph,
                    new_graph, new_units_graph)
from .config import Settings
from .errors import DamageFound, EqgraphError, InputError, StoreError, ValidationFailed, shown
from .extract import Extractor
from .background import Background
from .buildcache import BuildCache, build_cache_dir
from .ingest import Corrections, Damage, check_plans, ingest_documents
from .links.linkset import LinkRow, check_subjects, links_graph, read_linksets
from .links.reference import reference_graphs
from .model import Plan
from .namespaces import PREFIXES, Iris
from .publish import DESCRIPTION, PartFigures, Statistics, add_description, describe, write_dumps
from .store import graph_iri, publish_release
from .store.oxigraph import OxigraphStore, in_graph
from .units import PlanUnit, UnitMaker, canonical_lines, lines_digest, make_units, unit_source
from .validate import Report, load_shapes, validate

Progress = Callable[[str], None]
Warn = Callable[[Damage], None]


def _quiet(_) -> None:
    pass


@dataclass
class Compiled:
    plans: list[Plan]
    lines: dict[str, list[bytes]]  # named graph (`store.graph_iri` parts) -> its N-Triples lines, sorted;
    #                                each triple in one part only: the first that has it
    report: Report
    timings: dict[str, float] = field(default_factory=dict)
    damage: list[Damage] = field(default_factory=list)  # evidence that a document lacks something
    reused: int = 0  # plans whose unit an earlier build had made (eqgraph.buildcache)
    view_rows: dict[str, list[dict]] | None = None  # the graph views' rows, the plans' together
    views: object = None  # with compile_graph(views=True): the views being made (`Background`)
    figures: dict[str, PartFigures] = field(default_factory=dict)  # parts' figures read ahead, by digest
    digests: dict[str, str] = field(default_factory=dict)  # parts' digests known without hashing them again

    @cached_property
    def parts(self) -> dict[str, Graph]:
        """Each part as an rdflib graph (for inspection and tests; the build never parses them back)."""
        parts = {}
        for name, lines in self.lines.items():
            graph = new_graph()
            graph.parse(data=b"".join(line + b"\n" for line in lines).decode("utf-8"), format="nt")
            parts[name] = graph
        return parts

    @cached_property
    def graph(self) -> Graph:
        """All parts in one rdflib graph (for inspection and tests; the build never merges them)."""
        merged = new_graph()
        merged.parse(data=b"".join(line + b"\n" for lines in self.lines.values() for line in lines).decode("utf-8"),
                     format="nt")
        return merged

    def triple_count(self) -> int:
        return sum(len(lines) for lines in self.lines.values())


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

    def add(self, name: str, seconds: float) -> None:
        self.timings[name] = self.timings.get(name, 0.0) + seconds


def compile_graph(paths: Sequence[Path], settings: Settings, progress: Progress = _quiet, *,
                  warn: Warn = _quiet, strict: bool = False, cache: BuildCache | None = None,
                  views: bool = False) -> Compiled:
    """Documents -> one validated graph in memory. Raises InputError or ValidationFailed, and with
    `strict` DamageFound when a document shows damage; otherwise each piece of damage goes to `warn`.
    With a `cache`, each plan's unit an earlier build made from the same document, code and data is
    reused (eqgraph.buildcache); the result is the same with or without. With `views`, the graph views
    are begun as soon as the plans are read, in a forked process (`Compiled.views`).

    Python's cyclic garbage collector is paused meanwhile (`_collector_paused`)."""
    started: list = []
    try:
        with _collector_paused():
            return _compile(paths, settings, progress, warn, strict, cache or BuildCache(None, settings.base),
                            started if views else None)
    except BaseException:
        for background in started:  # a failed build leaves no process behind
            background.cancel()
        raise


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off for a build: building hundreds of thousands of rdflib
    terms and lines otherwise triggers full collections over all of them again and again (a third of
    the time on 100 plans; after the plans are read, the collections the description's few hundred
    triples trigger cost more than describing), and nothing a build makes is garbage until it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compile(paths: Sequence[Path], settings: Settings, progress: Progress, warn: Warn, strict: bool,
             cache: BuildCache, views: list | None) -> Compiled:
    clock = _Clock()
    iris = Iris(settings.base)
    vocab = load_vocabularies(settings.base)
    references = reference_graphs(settings.base)  # open data records the links point to, by council
    linkset = read_linksets()
    ontology = load_ontology()
    base_context = ontology + vocab  # what every plan's links and values may point to
    for part in references.values():
        base_context += part
    clock.lap("load")

    # Each plan alone (eqgraph.units): reused from an earlier build when its document, manifest entry,
    # code and data are the same, else made, in worker processes when there are several to make.
    sources = [unit_source(cache, Path(path)) for path in paths]
    keys = [key for key, _ in sources]
    kept = [cache.has(key) for key in keys]
    # A few plans to make beside many kept (a plan added): made in a forked process while this one
    # reads the kept ones. Many: by make_units' own worker processes.
    absent = [(Path(path), key) for path, key, found in zip(paths, keys, kept) if not found]
    early = Background(_make_units, vocab, base_context, iris, absent, 1) if 0 < len(absent) < 4 < len(paths) else None
    try:
        units: list[PlanUnit | None] = [cache.get(key) if found else None for key, found in zip(keys, kept)]
        ahead = {}
        if early is not None:
            # While the new plan is made: the kept plans' figures, and the views' library (the views'
            # process, forked later, inherits it).
            ahead = _figures_ahead(units, cache)
            import networkx  # noqa: F401
        made_units = dict(zip((key for _, key in absent), early.result())) if early is not None else {}
    finally:
        if early is not None:
            early.cancel()
    rest = [(Path(path), key) for path, key, unit in zip(paths, keys, units) if unit is None and key not in made_units]
    made_units.update(zip((key for _, key in rest), _make_units(vocab, base_context, iris, rest, build_workers())))
    units = [unit if unit is not None else made_units[key] for key, unit in zip(keys, units)]
    made = set(made_units)
    for path, (_, digest), unit in zip(paths, sources, units):
        if unit.key in made:  # its work, summed over the workers
            if unit.plan.sha256 != digest:
                raise InputError(path, "the document changed while the build was reading it; build again")
            for stage, seconds in unit.timings.items():
                clock.add(f"{stage} (per plan, summed)", seconds)
            cache.put(unit.key, unit)
        else:  # damage found in the same bytes under another folder is named by this path
            unit.damage = [dataclasses.replace(found, document=str(path)) for found in unit.damage]
    reused = len(paths) - len(made)
    clock.lap("plans")
    plans = [unit.plan for unit in units]
    check_plans(plans)
    damage = [found for unit in units for found in unit.damage]
    if damage and strict:
        raise DamageFound(damage)
    for found in damage:
        warn(found)
    view_rows: dict[str, list[dict]] = {}
    for unit in units:
        for name, found_rows in unit.view_rows.items():
            view_rows.setdefault(name, []).extend(found_rows)
    # The graph views need nothing but the plans' rows: with `views`, a forked process makes them while
    # this one goes on with what spans plans and the store (eqgraph.graphs).
    new_concepts, new_units = Extractor.merge_minted([unit.extraction for unit in units])
    making = None
    if views is not None:
        labels = Extractor.minted_labels(new_concepts, new_units)
        making = Background(_render_views, _with_minted_labels(view_rows, labels))
        views.append(making)
    progress(f"plans: {len(plans)} document(s), {sum(len(p.actions) for p in plans)} actions; "
             + (f"{reused} reused from the last build, " if reused else "")
             + f"{len(made)} read, extracted and checked ({clock.timings['plans']:.2f}s)")

    extractions = {unit.plan.id: unit.extraction for unit in units}
    spanning = _spanning(plans, {unit.plan.id: unit for unit in units}, iris, load_shapes("vocabulary"), cache)
    continuities = spanning.continuities
    minted = new_concepts_graph(new_concepts) + new_units_graph(new_units)
    context = base_context + minted
    links = links_graph(_linked(linkset, settings.base, context, [iris.plan(plan.id) for plan in plans]),
                        settings.base)
    clock.lap("across")
    progress(f"across plans: {sum(len(l) for e in extractions.values() for l in e.links.values())} links, "
             f"{len(continuities)} continuity pairs ({clock.timings['across']:.2f}s)")
    for plan in plans:
        for guess in plan.guesses:
            progress(f"guessed: {guess}")
    if new_units:
        kinds = Counter("council" if not hasattr(u, "department") else "department" if u.department else "division"
                        for u in new_units)
        progress("new to the vocabularies, added for review (`eqgraph names` lists them): "
                 + ", ".join(f"{n} {kind}(s)" for kind, n in sorted(kinds.items())))

    # The vocabularies and their links are checked once here (again only when what the plans minted or
    # the links changed: the rest is eqgraph's own data); each plan was checked in its unit, and each
    # piece of what spans plans when it was made (`_spanning`).
    minted_lines, link_lines = canonical_lines(minted), canonical_lines(links)
    checked = cache.key("context checked", lines_digest(minted_lines), lines_digest(link_lines))
    report = cache.get(checked)
    if report is None:
        report = validate(ReadOnlyGraphAggregate([context, links]), load_shapes("vocabulary"))
        cache.put(checked, report)
    report = Report(list(report.results))  # the cached findings stay as they were
    report.extend(spanning.report)
    for unit in units:
        report.extend(unit.report)
    # Named graphs, in this order: a triple two parts share is stored once, in the first that has it.
    lines = {"ontology": _data_lines(cache, "ontology", ontology),
             "vocabularies": sorted(set(_data_lines(cache, "vocabularies", vocab)) | set(minted_lines)),
             **{name: _data_lines(cache, name, part) for name, part in references.items()},
             "links": link_lines, "continuity": spanning.lines,
             "catalogue": _catalogue_lines(cache, settings.base)}  # the saved queries, findable with the data
    for unit in units:
        lines[f"plan/{unit.plan.id}"] = unit.lines
    lines = _each_once(lines, settings.base)
    # A plan's part kept whole (none of its lines was in an earlier part, the usual case) is its unit's
    # lines, whose digest the unit carries: a part of each_once's is a subsequence of what it was given.
    known = {f"plan/{unit.plan.id}": unit.digest for unit in units
             if len(lines[f"plan/{unit.plan.id}"]) == len(unit.lines)}
    clock.lap("across plans checked")
    progress(f"build: {sum(len(l) for l in lines.values())} triples; validate: {len(report.violations)} "
             f"violation(s), {len(report.warnings)} warning(s), {len(report.notes)} note(s) "
             f"({clock.timings['across plans checked']:.2f}s for what spans plans; each plan checked in its unit)")
    compiled = Compiled(plans, lines, report, clock.timings, damage, reused, view_rows, making, ahead, known)
    if not report.conforms:
        raise ValidationFailed(report)
    return compiled


def _make_units(vocab: Graph, context: Graph, iris: Iris, jobs: list[tuple[Path, str]], workers: int) -> list[PlanUnit]:
    """The units of `jobs` ((path, key) each), made with what every plan is read and checked against."""
    if not jobs:
        return []
    maker = UnitMaker(vocab, context, load_shapes("plan"), iris, Corrections.load(resources.corrections_file()))
    return make_units(maker, jobs, workers)


def _catalogue_lines(cache: BuildCache, base: str) -> list[bytes]:
    """The saved queries as RDF (catalogue.catalogue_graph), made again only when a file under
    queries/ changed (the saved queries are not in the cache's fingerprint: editing one keeps the
    plans' units)."""
    folder = resources.queries_dir()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    key = cache.key("catalogue", *(part for path in files for part in (str(path.relative_to(folder)), path.read_bytes())))
    lines = cache.get(key)
    if lines is None:
        lines = canonical_lines(catalogue_graph(load_catalogue(), base))
        cache.put(key, lines)
    return lines


def _data_lines(cache: BuildCache, name: str, graph: Graph) -> list[bytes]:
    """The lines of a part made from eqgraph's own data files alone (the ontology, the curated
    vocabularies, the reference cuts), which the cache's fingerprint covers: kept from build to build."""
    key = cache.key("data-part", name)
    lines = cache.get(key)
    if lines is None:
        lines = canonical_lines(graph)
        cache.put(key, lines)
    return lines


@dataclass
class _Spanning:
    """What spans plans: the carried-over pairs, and the `continuity` part's lines with its findings."""

    continuities: list
    lines: list[bytes]
    report: Report


def _spanning(plans: list[Plan], units: dict[str, PlanUnit], iris: Iris, shapes: Graph,
              cache: BuildCache) -> _Spanning:
    """The `continuity` part, made of pieces that each depend on a few plans: each strategy's
    commitments (its updates' reports on them, the update each follows, what each drops), each pair
    of consecutive plans of different strategies compared for carried-over commitments, and the plan
    sequence. A piece is built, written as lines and checked against the vocabulary shapes on its
    own, and kept by the units it was made from (eqgraph.buildcache), so adding a plan to a hundred
    makes its strategy's piece and the pairs that touch it, not the rest.

    A piece can be checked alone because every shape that targets a node of it (a carried-over pair,
    a plan's next plan) reads only that node's own triples, which are all in its piece; and no piece
    says anything of a vocabulary node. tests/test_pipeline.py checks that the findings equal those
    of the whole part checked with the vocabularies."""
    from .extract.commitments import Commitments, read_strategy, strategy_groups
    from .extract.continuity import continuity, plan_sequence

    def piece(kind: str, parts: list[str], make) -> tuple:
        key = cache.key(kind, *parts)
        found = cache.get(key)
        if found is None:
            value, graph = make()
            found = (value, canonical_lines(graph), validate(graph, shapes))
            cache.put(key, found)
        return found

    def strategy_piece(name: str, members: list[Plan]):
        strategy, reports = read_strategy(name, members)
        return (strategy, reports), commitments_graph(Commitments(reports, [strategy]), members, iris)

    def pair_piece(earlier: Plan, later: Plan):
        links = {(plan.id, ref): found for plan in (earlier, later)
                 for ref, found in units[plan.id].extraction.links.items()}
        pairs = continuity(earlier, later, links)
        return pairs, continuity_graph(pairs, iris)

    pieces, strategy_of = [], {}
    for name, members in strategy_groups(plans).items():
        pieces.append(piece("strategy", [name, *(units[p.id].key for p in members)],
                            lambda name=name, members=members: strategy_piece(name, members)))
        strategy_of.update((p.id, name) for p in members)
    continuities, sequence = [], []
    for earlier, later in plan_sequence(plans):
        sequence.append((earlier.id, later.id))
        if strategy_of[earlier.id] == strategy_of[later.id]:  # the updates of one strategy: commitments
            continue
        pairs, lines, report = piece("carried-over", [units[earlier.id].key, units[later.id].key],
                                     lambda earlier=earlier, later=later: pair_piece(earlier, later))
        continuities += pairs
        pieces.append((pairs, lines, report))
    order = continuity_graph([], iris, sequence)  # a few triples: made and checked in every build
    pieces.append((None, canonical_lines(order), validate(order, shapes)))
    report = Report()
    for _, _, found in pieces:
        report.extend(found)
    return _Spanning(continuities, sorted(set().union(*(lines for _, lines, _ in pieces))), report)


def _each_once(parts: dict[str, list[bytes]], base: str) -> dict[str, list[bytes]]:
    """Each triple in the first part that holds it (a union default graph would count it twice).

    Plans' parts (`plan/<id>`) hold most of the lines, and a line about a plan's own nodes (its
    subject is the plan's IRI or under it) can be in an earlier plan's part only as a line *foreign*
    to that part. So only the other parts and the plans' foreign lines are gathered into sets; a
    plan's own lines, a contiguous run of its sorted lines, are only looked up: the same result as
    gathering every line, for a fraction of the work. Every part's lines are sorted (canonical_lines)."""
    seen: set[bytes] = set()
    kept: dict[str, list[bytes]] = {}
    names = list(parts)
    shared = [name for name in names if not name.startswith("plan/")]
    if names[:len(shared)] != shared:  # a part after a plan's: every line gathered, in order
        for name, lines in parts.items():
            kept[name] = _new_lines(lines, seen)
            seen.update(kept[name])
        return kept
    for name in shared:
        kept[name] = _new_lines(parts[name], seen)
        seen.update(kept[name])
    plan_prefix = f"<{base}plan/".encode("utf-8")
    foreign: set[bytes] = set()  # lines of plans' parts about nodes that are not theirs, kept
    owned: dict[str, set[bytes]] = {}  # a plan's own lines as a set, when a later foreign line needs it
    done: set[str] = set()
    for name, lines in parts.items():
        if not name.startswith("plan/"):
            continue
        own = f"<{base}{name}".encode("utf-8")
        runs = [(bisect.bisect_left(lines, own + low), bisect.bisect_left(lines, own + high))
                for low, high in ((b"/", b"0"), (b">", b"?"))  # "<plan>/..." and "<plan> ..."
                if "/" not in name[len("plan/"):]]  # (an id with a slash would nest in another's)
        out, start = [], 0
        for first, last in sorted(runs):
            out += _foreign_lines(lines[start:first], seen, foreign, owned, done, kept, plan_prefix)
            out += _new_lines(_new_lines(lines[first:last], seen), foreign)
            start = max(start, last)
        out += _foreign_lines(lines[start:], seen, foreign, owned, done, kept, plan_prefix)
        kept[name] = out
        done.add(name)
    return {name: kept[name] for name in parts}


def _new_lines(lines: list[bytes], seen: set[bytes]) -> list[bytes]:
    return lines if seen.isdisjoint(lines) else [line for line in lines if line not in seen]


def _foreign_lines(lines, seen, foreign, owned, done, kept, plan_prefix: bytes) -> list[bytes]:
    """Lines of a plan's part about other nodes: new unless another part, or the plan they are about
    (when it came earlier), has them."""
    out = []
    for line in lines:
        if line in seen or line in foreign:
            continue
        if line.startswith(plan_prefix):
            subject = line[:line.index(b" ")]
            cut = subject.find(b"/", len(plan_prefix))
            scope = "plan/" + subject[len(plan_prefix):cut if cut > 0 else -1].decode("utf-8")
            if scope in done:
                if scope not in owned:
                    owned[scope] = set(kept[scope])
                if line in owned[scope]:
                    continue
        out.append(line)
        foreign.add(line)
    return out


def build_workers() -> int:
    """Processes that make plan units at once (EQGRAPH_BUILD_WORKERS; default: the cores, at most 4)."""
    import os

    raw = os.environ.get("EQGRAPH_BUILD_WORKERS")
    if raw is not None:
        try:
            return max(1, int(raw))
        except ValueError:
            raise EqgraphError(f"EQGRAPH_BUILD_WORKERS must be a whole number, not {raw[:40]!r}") from None
    return min(os.cpu_count() or 1, 4)


def _linked(rows: list[LinkRow], base: str, context: Graph, plans: list) -> list[LinkRow]:
    """The link rows whose subjects this build has. A link from a plan not in this build (the built-in
    plans' links when another document is built alone) is left out; any other subject the graph
    lacks is an error in the link set, named with its file and line."""
    described = set(context.subjects()) | set(plans)
    kept = [row for row in rows if not (row.subject.startswith("plan/") and URIRef(base + row.subject) not in described)]
    check_subjects(kept, base, described)
    return kept


@_collector_paused()  # from the documents to the published release
def build(paths: Sequence[Path], settings: Settings, progress: Progress = _quiet, *,
          warn: Warn = _quiet, strict: bool = False, publish_store=None, use_cache: bool = True) -> BuildResult:
    """Compile, validate and publish a new release; the previous one stays current on any failure.

    Beside the store, a release holds the dataset's description (VoID and DCAT, in the named graph
    `description`, computed from the other parts and checked by its shapes: a Violation fails the
    build) and the whole graph as gzip-compressed dumps, which hold the description too
    (eqgraph.publish).

    What an earlier build made is reused where it is the same (`use_cache`): each plan's unit and each
    dump's graph members from `<home>/cache/build` (eqgraph.buildcache), and the previous release's store,
    copied with the named graphs that changed replaced, when that release was built by the same code
    and data. The result is the same graph and the same bytes either way."""
    _check_home(settings.home)
    cache = BuildCache(build_cache_dir(settings.home) if use_cache else None, settings.base)
    compiled = compile_graph(paths, settings, progress, warn=warn, strict=strict, cache=cache, views=True)
    started = time.perf_counter()
    digests = {name: compiled.digests.get(name) or lines_digest(lines) for name, lines in compiled.lines.items()}
    previous = _previous(settings.home, cache.fingerprint) if use_cache else None
    stored: dict[str, int] = {}

    def write(directory: Path) -> None:
        clock = _Clock()
        # Three things at once: the graph views (begun when the plans were read) and the dumps (begun
        # before the store), each made by a forked process from what the plans gave, while this one
        # loads the store and describes it; the description then goes to the dumps' process.
        viewing = compiled.views
        dumping = None
        try:
            # The dumps of every part but the description, which is posted to it once it is made.
            dumping = Background(_write_dumps, compiled.lines, directory / "dumps", settings.base, cache, digests,
                                 inbox=True)
            store = _store(directory / "store", compiled.lines, digests, previous, settings.base, cache)
            _keep_revised(compiled.lines, digests, cache)
            stored["copied"] = previous is not None and store is not None
            if store is None:  # no release to start from
                store = OxigraphStore.create(directory / "store", _nquads(compiled.lines, settings.base))
            clock.lap("load store")
            description = describe(store, settings, statistics=_statistics(compiled.lines, digests, cache, compiled.figures))
            checked = validate(description, load_shapes("description"))
            compiled.report.extend(checked)
            if not checked.conforms:
                raise ValidationFailed(checked)
            add_description(store, description, settings.base)
            store.flush()  # all of it in the store's files, which the next build's copy takes
            described = store.graph_lines(graph_iri(settings.base, DESCRIPTION))
            dumping.post({DESCRIPTION: described})
            clock.lap("describe")
            stored["triples"] = sum(len(lines) for lines in compiled.lines.values()) + len(described)  # as stored
            # What the web front end shows next to the graph: the source lines and the SHACL results.
            documents = directory / "documents"
            documents.mkdir()
            for path in paths:
                shutil.copyfile(path, documents / Path(path).name)
            report = [result.__dict__ for result in compiled.report.results]
            (directory / "report.json").write_text(json.dumps(report), encoding="utf-8")
            files, compiled.timings["views"] = viewing.result()
            (directory / "graphs").mkdir()
            for name, data in files.items():
                (directory / "graphs" / name).write_bytes(data)
            clock.lap("waiting for the views")
            dumps, used, compiled.timings["dumps"] = dumping.result()
            cache.used |= used
            clock.lap("waiting for the dumps")
        except BaseException:
            for background in (viewing, dumping):
                if background is not None:
                    background.cancel()
            raise
        compiled.timings.update(clock.timings)
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
            # What the next build needs to start from this release's store: the code and data that made
            # it, and the digest of each named graph it holds (the description is always made again).
            "fingerprint": cache.fingerprint,
            "graphs": digests,
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
    finally:
        if compiled.views is not None:  # whatever happened, no process is left behind
            compiled.views.cancel()
    cache.prune()
    compiled.timings["store"] = time.perf_counter() - started
    progress(f"store: release {release.name} ({compiled.timings['store']:.2f}s: "
             + ", ".join(f"{stage} {compiled.timings[stage]:.2f}s" for stage in ("load store", "describe", "views", "dumps"))
             + " (views and dumps made side by side)"
             + ("; the previous release's store copied, the graphs that changed replaced" if stored.get("copied") else "")
             + ")")
    return BuildResult(compiled, release, stored["triples"])  # each triple once, as stored


def _with_minted_labels(rows: dict[str, list[dict]], labels: dict[str, str]) -> dict[str, list[dict]]:
    """The views' rows with each minted thing named as the graph names it. A plan's rows name what it
    minted as that plan printed it; two plans of one council may print one unit two ways ("Culture and
    Libraries", "Culture and libraries"), and the graph keeps the first plan's record."""
    if not labels:
        return rows
    fixed = {}
    for name, found in rows.items():
        out = []
        for row in found:
            changes = {}
            for iri, label_columns in (("source", ("sourceLabel",)), ("target", ("targetLabel",)),
                                       ("value", ("key", "label"))):
                winner = labels.get(row.get(iri))
                if winner is not None:
                    changes.update({column: winner for column in label_columns if row.get(column) is not None})
            out.append({**row, **changes} if changes else row)
        fixed[name] = out
    return fixed


def _render_views(rows: dict[str, list[dict]]) -> tuple[dict[str, bytes], float]:
    from .graphs import render_views  # networkx: imported by the process that makes the views only

    started = time.perf_counter()
    files = render_views(rows)
    return files, time.perf_counter() - started


def _write_dumps(graphs, folder: Path, base: str, cache: BuildCache, digests: dict[str, str], later):
    """The dumps, and the time spent making them (not waiting for the graphs posted `later`)."""
    started = time.perf_counter()
    waited = 0.0

    def wait_for_later():
        nonlocal waited
        began = time.perf_counter()
        graphs = later()
        waited = time.perf_counter() - began
        return graphs

    written = write_dumps(graphs, folder, PREFIXES, base, cache, wait_for_later, digests)
    return written, cache.used, time.perf_counter() - started - waited


def _figures_ahead(units: list[PlanUnit | None], cache: BuildCache) -> dict[str, PartFigures]:
    """The kept plans' figures, read while a process makes the new plan (this one would wait)."""
    ahead = {}
    for unit in units:
        if unit is not None:
            found = cache.get(cache.key("figures", unit.digest))
            if found is not None:
                ahead[unit.digest] = found
    return ahead


def _statistics(parts: dict[str, list[bytes]], digests: dict[str, str], cache: BuildCache,
                ahead: dict[str, PartFigures]) -> Statistics:
    """The description's figures, from each part's figures: kept by the part's digest, so a build
    counts only the parts that changed (eqgraph.publish.statistics)."""
    figures = []
    for name, lines in parts.items():
        key = cache.key("figures", digests[name])
        found = ahead.get(digests[name]) or cache.get(key)
        if found is None:
            found = PartFigures.of_lines(lines)
            cache.put(key, found)
        figures.append(found)
    return Statistics.of_parts(figures)


def _nquads(parts: dict[str, list[bytes]], base: str) -> bytes:
    """The parts as N-Quads, each line in its part's named graph (`<base>graph/<name>`)."""
    return b"".join(in_graph(graph_iri(base, name), lines) for name, lines in parts.items())


def _previous(home: Path, fingerprint: str) -> tuple[Path, dict[str, str]] | None:
    """The current release's store and its graphs' digests, when the same code and data built it."""
    try:
        release = (home / "current").resolve(strict=True)
        info = json.loads((release / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    graphs = info.get("graphs")
    if info.get("fingerprint") != fingerprint or not isinstance(graphs, dict) or not (release / "store").is_dir():
        return None
    return release / "store", graphs


REVISED = ("vocabularies", "links", "continuity", "catalogue")  # parts that change with the plans, kept by digest


def _store(path: Path, parts: dict[str, list[bytes]], digests: dict[str, str], previous, base: str,
           cache: BuildCache):
    """The previous release's store with the graphs that differ replaced, or None without one. A copy
    whose changed graphs do not hold exactly the triples expected is discarded (the caller then loads
    them all); the graphs that did not change were checked when that release was built."""
    if previous is None:
        return None
    old_store, old = previous
    # The description is made again from the new graph: never kept (nor counted by `old`). A part that
    # was there and changed is revised line by line (the continuity part changes a little with each
    # plan), from its lines as the last build kept them (`_keep_revised`) where it did.
    gone = [graph_iri(base, name) for name in old if name not in digests]
    new = {name: lines for name, lines in parts.items() if name not in old}
    changed = [name for name in parts if name in old and old[name] != digests[name]]
    held = {graph_iri(base, name): found for name in changed
            if (found := cache.get(cache.key("part lines", name, old[name]))) is not None}
    try:
        store = OxigraphStore.derive(old_store, path, [graph_iri(base, DESCRIPTION), *gone], _nquads(new, base),
                                     {graph_iri(base, name): parts[name] for name in changed}, held)
    except (StoreError, OSError):
        shutil.rmtree(path, ignore_errors=True)
        return None
    expected = {graph_iri(base, name): len(parts[name]) for name in [*new, *changed]}
    expected.update({graph: 0 for graph in gone})
    if all(store.graph_size(graph) == size for graph, size in expected.items()):
        return store
    del store
    shutil.rmtree(path, ignore_errors=True)
    return None


def _keep_revised(parts: dict[str, list[bytes]], digests: dict[str, str], cache: BuildCache) -> None:
    """The lines of the parts that change with the plans, for the next build to revise them."""
    for name in REVISED:
        if name in parts:
            key = cache.key("part lines", name, digests[name])
            if not cache.has(key):
                cache.put(key, parts[name])
            else:
                cache.used.add(key)


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
