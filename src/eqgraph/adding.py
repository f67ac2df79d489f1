"""Adding a document: one command that says what it decided (`eqgraph add FILE`).

The built-in plans are listed in the package's manifest (data/plans.yaml). Documents a user adds are
kept under the graph's home, in a manifest of their own (`<home>/plans.yaml`, documents in
`<home>/documents/`), so every later `eqgraph build` and `make run` builds them with the built-in
plans, and a new release of eqgraph never overwrites them.

Adding reads the plan's identity from its title line (eqgraph.ingest.identity), lets flags say what
the title does not (`--period`, `--title`, `--strategy`, `--update`, `--publisher`), or places the document as the
next update of a plan already in the graph (`--updates PLAN`) or as a corrected edition of one
(`--replaces PLAN`). A document whose period cannot be established is refused, naming the flag. The
graph is then rebuilt; if the build fails, the manifest and documents are put back as they were.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from . import resources
from .errors import InputError, shown
from .ingest import Corrections, ingest_document
from .ingest.manifest import MANIFEST_NAME, PlanEntry, read_manifest, slug
from .model import Plan, period_start


def home_manifest(home: Path) -> Path:
    return home / MANIFEST_NAME


def added_documents(home: Path) -> list[tuple[Path, PlanEntry]]:
    manifest = home_manifest(home)
    return read_manifest(manifest) if manifest.exists() else []


def all_documents(home: Path) -> list[Path]:
    """The built-in plans and the ones added under the home, less those an added edition replaces."""
    added = added_documents(home)
    replaced = {entry.replaces for _, entry in added if entry.replaces}
    builtin = [path for path, entry in read_manifest(resources.data_dir() / MANIFEST_NAME) if entry.id not in replaced]
    # An edition that replaces a plan of the same id stays: only what it replaces goes.
    return builtin + [path for path, entry in added if entry.id not in replaced or entry.replaces == entry.id]


@dataclass
class Request:
    """What the user said about the document (None: read it from the document)."""

    id: str | None = None
    title: str | None = None
    period: str | None = None
    strategy: str | None = None
    update: int | None = None
    publisher: str | None = None  # the council that publishes it
    updates: str | None = None  # the plan this is the next yearly update of
    replaces: str | None = None  # the plan this is a corrected edition of


def identify(path: Path, request: Request, known: dict[str, Plan]) -> tuple[PlanEntry, Plan]:
    """The manifest entry for the document and the plan it reads as, or InputError saying what to give."""
    if request.updates and request.updates not in known:
        raise InputError(path, f"--updates {request.updates}: no plan of that id is in the graph "
                               f"({', '.join(sorted(known)) or 'none'})")
    if request.replaces and request.replaces not in known:
        raise InputError(path, f"--replaces {request.replaces}: no plan of that id is in the graph "
                               f"({', '.join(sorted(known)) or 'none'})")
    data = path.read_bytes()
    for plan in known.values():
        if plan.sha256 == hashlib.sha256(data).hexdigest():
            raise InputError(path, f"this document is already in the graph, as plan {plan.id!r} ({plan.document})")
    entry = PlanEntry(id=request.id or request.replaces or slug(path.stem), title=request.title, period=request.period,
                      strategy=request.strategy, update=request.update, replaces=request.replaces,
                      publisher=request.publisher)
    plan = ingest_document(path, Corrections.load(resources.corrections_file()), entry=entry)
    if request.updates:
        earlier = known[request.updates]
        first = period_start(earlier.period)
        entry = replace(entry, strategy=entry.strategy or strategy_name(earlier),
                        publisher=entry.publisher or earlier.publisher,
                        update=entry.update or ((earlier.update or 1) + 1),
                        period=entry.period or plan.period or (f"{first + 1}/{(first + 2) % 100:02d}" if first else None))
        plan = ingest_document(path, Corrections.load(resources.corrections_file()), entry=entry)
    if request.replaces:
        earlier = known[request.replaces]
        entry = replace(entry, period=entry.period or plan.period or earlier.period,
                        strategy=entry.strategy or strategy_name(plan) or strategy_name(earlier),
                        update=entry.update or plan.update or earlier.update)
        plan = ingest_document(path, Corrections.load(resources.corrections_file()), entry=entry)
    if period_start(plan.period) is None:
        raise InputError(path, f"cannot tell which year this plan reports on: its title ({plan.title!r}) states "
                               "no period; give it with --period (e.g. --period 2018/19), or say which plan it "
                               "follows with --updates PLAN")
    if plan.id in known and plan.id != request.replaces:
        raise InputError(path, f"a plan with the id {plan.id!r} is already in the graph; give another with --id")
    return replace(entry, period=plan.period, strategy=entry.strategy or strategy_name(plan), update=plan.update,
                   title=entry.title or plan.title, publisher=plan.publisher), plan


def strategy_name(plan: Plan) -> str | None:
    """The strategy as a manifest writes it: its name and years ("Equality Strategy 2017-21")."""
    if not plan.strategy:
        return None
    if plan.strategy_years:
        first, last = plan.strategy_years
        return f"{plan.strategy} {first}-{last % 100:02d}"
    return plan.strategy


def record(home: Path, path: Path, entry: PlanEntry, plan: Plan) -> tuple[Path, bytes | None]:
    """Copy the document under the home and add its entry to the home's manifest. Returns what is
    needed to undo it: the copy and the manifest's previous bytes (None if there was none)."""
    documents = home / "documents"
    documents.mkdir(parents=True, exist_ok=True)
    copy = documents / path.name
    data = path.read_bytes()
    if copy.exists() and copy.read_bytes() != data:
        raise InputError(path, f"another document named {path.name} was added before ({shown(copy)}); rename this one")
    manifest = home_manifest(home)
    before = manifest.read_bytes() if manifest.exists() else None
    if any(e.id == entry.id for _, e in added_documents(home)):
        raise InputError(path, f"plan {entry.id!r} was added before; give another id with --id")
    copy.write_bytes(data)
    item = {"id": entry.id, "file": f"documents/{path.name}", "title": entry.title, "publisher": entry.publisher,
            "period": entry.period,
            "strategy": entry.strategy, "update": entry.update, "replaces": entry.replaces,
            "sha256": hashlib.sha256(data).hexdigest(), "actions": len(plan.actions)}
    items = [dict(raw) for raw in (yaml.safe_load(before) or {}).get("plans", [])] if before else []
    items.append({key: value for key, value in item.items() if value is not None})
    text = ("# Plans added with `eqgraph add`: built with the built-in plans by every `eqgraph build`.\n"
            + yaml.safe_dump({"plans": items}, sort_keys=False, allow_unicode=True))
    temporary = manifest.with_name(f".{manifest.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(manifest)
    return copy, before


def undo(home: Path, copy: Path, before: bytes | None, copied_new: bool) -> None:
    manifest = home_manifest(home)
    if before is None:
        manifest.unlink(missing_ok=True)
    else:
        manifest.write_bytes(before)
    if copied_new:
        copy.unlink(missing_ok=True)


def placement(plan_id: str, plans: list[Plan]) -> list[str]:
    """Sentences saying where the plan went in the sequence and what it reports on."""
    from .extract.commitments import read_commitments
    from .extract.continuity import council_of, plan_order

    plan = next(p for p in plans if p.id == plan_id)
    ordered = sorted((p for p in plans if council_of(p) == council_of(plan)), key=plan_order)  # its council's
    index = ordered.index(plan)
    what = f"{plan.id} ({plan.period}" + (f", update {plan.update}" if plan.update else "") + \
        (f" of {plan.strategy}" if plan.strategy else "") + f": {plan.title})"
    before = ordered[index - 1].id if index else None
    after = ordered[index + 1].id if index + 1 < len(ordered) else None
    lines = [f"placed {what} " + (f"after {before}" if before else "first") + (f", before {after}" if after else "")]
    if plan.read_from_title:
        lines.append("read from its title: " + ", ".join(f"{k} {v!r}" for k, v in sorted(plan.read_from_title.items())))
    commitments = read_commitments(plans)
    strategy = next(s for s in commitments.strategies if plan.id in s.plans)
    reports = [r for (p, _), r in commitments.reports.items() if p == plan.id]
    new = sum(r.commitment.startswith(f"{plan.id}/") for r in reports)
    if strategy.plans[0] == plan.id:
        lines.append(f"the first update of its strategy in the graph: {new} commitment(s)"
                     + (f"; those carrying on {before}'s are read as carried-over commitments" if before else ""))
    else:
        earlier = strategy.plans[strategy.plans.index(plan.id) - 1]
        reworded = sum(bool(r.reworded_from) for r in reports)
        dropped = len(strategy.dropped.get(plan.id, []))
        lines.append(f"an update of the same strategy as {earlier}: {len(reports) - new} of its commitments "
                     f"reported on again ({reworded} re-worded), {new} new, {dropped} dropped; see the saved "
                     f"query what-changed with plan={plan.id}")
    return lines


def add(path: Path, request: Request, settings, progress, warn, strict: bool = False, publish_store=None):
    """Identify, record and build (into `publish_store`, a remote store, when given); on any failure the
    home's manifest and documents are as before."""
    from .pipeline import build

    path = Path(path)
    if path.is_dir():
        raise InputError(path, "a folder, not a document: give the document's file")
    if not path.is_file():
        raise InputError(path, "no such file")
    from .units import plans_of

    known = {plan.id: plan for plan in plans_of(all_documents(settings.home), settings)}
    entry, plan = identify(path, request, known)
    documents_existed = (settings.home / "documents").is_dir()
    copy_existed = (settings.home / "documents" / path.name).exists()
    copy, before = record(settings.home, path, entry, plan)
    try:
        result = build(all_documents(settings.home), settings, progress, warn=warn, strict=strict,
                       publish_store=publish_store)
        placed = placement(entry.id, result.compiled.plans)
    except BaseException:
        undo(settings.home, copy, before, not copy_existed)
        if not documents_existed and copy.parent.is_dir() and not any(copy.parent.iterdir()):
            copy.parent.rmdir()
        raise
    return result, placed


__all__ = ["Request", "add", "added_documents", "all_documents", "home_manifest", "identify", "placement"]
