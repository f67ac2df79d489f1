"""The `eqgraph` command: thin wrappers over the library.

Exit codes: 0 ok, 1 validation failed (SHACL Violations), 2 bad input or usage.
Library errors become one-line messages here; nothing else prints or exits.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from . import __version__, formats, resources
from .config import Settings
from .errors import DamageFound, EqgraphError, ValidationFailed, one_line, shown

EXAMPLES = """\
examples:
  eqgraph build                      build the graph from the built-in Merton plans
  eqgraph build plan.txt --out var2  build from your own documents into another directory
  eqgraph add year2.txt              add a yearly update to the graph (kept for every later build)
  eqgraph validate                   check the built-in plans against the SHACL shapes, write nothing
  eqgraph plans                      list the plans in the built graph
  eqgraph query --list               the saved queries
  eqgraph query actions-for-community --param community=BAME
  eqgraph names new-plan.txt         organisation names no vocabulary knows yet
  eqgraph export --format turtle -o merton.ttl
  eqgraph serve                      web app and SPARQL endpoint on http://127.0.0.1:5000

exit codes: 0 ok, 1 validation failed, 2 bad input
"""


def _progress(quiet: bool):
    def say(message: str) -> None:
        if not quiet:
            print(f"eqgraph: {message}", file=sys.stderr, flush=True)
    return say


def _warn(found) -> None:
    """Damage is printed as it is found, even with --quiet: it says what the graph will lack."""
    print(f"eqgraph: warning: {one_line(str(found))}", file=sys.stderr, flush=True)


def _settings(args) -> Settings:
    return Settings.from_env(base=getattr(args, "base", None), home=getattr(args, "out", None))


def _endpoint(args):
    """The remote store named by --endpoint / --update-endpoint / --graph-store or EQGRAPH_ENDPOINT ...
    (credentials only from the environment or EQGRAPH_ENDPOINT_CONFIG); None: the embedded store."""
    from .store.endpoint import Endpoint

    return Endpoint.from_env(getattr(args, "endpoint", None), getattr(args, "update_endpoint", None),
                             getattr(args, "graph_store", None))


def _store(args):
    """The store to read, embedded or remote (`store.opening.open_store`)."""
    from .store.opening import open_store

    return open_store(_settings(args), _endpoint(args))


def _documents(args) -> list[Path]:
    """The files given, else the built-in plans and those added under the home (`eqgraph add`)."""
    from .adding import all_documents

    return [Path(f) for f in args.files] if args.files else all_documents(_settings(args).home)


def _print_report(report, limit: int | None = 20) -> None:
    for result in report.violations:
        print(result, file=sys.stderr)
    warnings = report.warnings + (report.notes if limit is None else [])
    for result in warnings[:limit]:
        print(result, file=sys.stderr)
    if limit is not None and len(warnings) > limit:
        print(f"... and {len(warnings) - limit} more warning(s); `eqgraph validate --all` lists them",
              file=sys.stderr)
    if limit is not None and report.notes:
        print(f"{len(report.notes)} note(s) about the content (e.g. actions with no measurable target); "
              "`eqgraph validate --all` lists them", file=sys.stderr)


_LEAVING = False  # set by `run`: this process leaves when the command is done (`exit_now`)


def _short_lived() -> None:
    """A command that builds, run as the `eqgraph` command, keeps Python's cyclic collector off to the
    end. A build pauses it meanwhile; switched back on, its first collection would walk every object
    the build made (0.17 s after a 100-plan build) just before the process leaves without them. Called
    from Python (`main`, the tests), the collector is left as it was."""
    if _LEAVING:
        import gc

        gc.disable()


def cmd_build(args) -> int:
    from .pipeline import build

    _short_lived()
    started = time.perf_counter()
    settings, endpoint = _settings(args), _endpoint(args)
    publish = None
    if endpoint is not None:
        from .store.opening import publish_to

        publish = publish_to(endpoint, settings.base, _progress(args.quiet))
    result = build(_documents(args), settings, _progress(args.quiet), warn=_warn, strict=args.strict,
                   publish_store=publish, use_cache=not args.no_cache)
    if not args.quiet:
        _print_report(result.compiled.report)
        for plan in result.compiled.plans:
            areas = f", {len(plan.priority_areas)} priority areas" if plan.priority_areas else ""
            print(f"{plan.id}: {len(plan.objectives)} objectives{areas}, {len(plan.actions)} actions "
                  f"({plan.document})")
        print(f"built {result.triples} triples into {result.release} in {time.perf_counter() - started:.2f}s")
    if result.compiled.damage:
        print(f"eqgraph: {len(result.compiled.damage)} sign(s) of damage (warnings above): the graph may lack "
              "what they name; --strict refuses such documents", file=sys.stderr)
    return 0


def cmd_add(args) -> int:
    from .adding import Request, add

    _short_lived()
    request = Request(id=args.id, title=args.title, period=args.period, strategy=args.strategy,
                      update=args.update, publisher=args.publisher, updates=args.updates, replaces=args.replaces)
    settings, endpoint = _settings(args), _endpoint(args)
    publish = None
    if endpoint is not None:
        from .store.opening import publish_to

        publish = publish_to(endpoint, settings.base, _progress(args.quiet))
    result, placed = add(Path(args.file), request, settings, _progress(args.quiet), _warn, args.strict,
                         publish_store=publish)
    for line in placed:
        print(line)
    print(f"built {result.triples} triples into {result.release}; the plan is kept in "
          f"{shown(_settings(args).home / 'plans.yaml')} for every later build")
    return 0


def cmd_validate(args) -> int:
    from .pipeline import compile_graph

    try:
        compiled = compile_graph(_documents(args), _settings(args), _progress(args.quiet), warn=_warn,
                                 strict=args.strict)
    except ValidationFailed as failed:
        _print_report(failed.report, None if args.all else 20)
        print(f"eqgraph: does not conform: {len(failed.report.violations)} violation(s)", file=sys.stderr)
        return 1
    _print_report(compiled.report, None if args.all else 20)
    print(f"conforms: 0 violations, {len(compiled.report.warnings)} warning(s)")
    return 0


def cmd_plans(args) -> int:
    from .catalogue import Catalogue

    rows = Catalogue(_store(args)).run("plans").plain_rows()
    for row in rows:
        period = f" ({row['period']})" if row["period"] else ""
        areas = int(row["priorityAreas"])
        areas_text = f", {areas} priority areas" if areas else ""
        print(f"{row['plan']}{period}: {row['title']}\n"
              f"    {row['objectives']} objectives{areas_text}, {row['actions']} actions — from {row['document']}")
    if not rows:
        print("the graph holds no plans")
    return 0


def cmd_graphs(args) -> int:
    graphs = _store(args).graphs()
    width = max((len(iri) for iri, _ in graphs), default=0)
    for iri, triples in graphs:
        print(f"{iri:{width}}  {triples:>9,} triples")
    print(f"{'(all, the default graph of every query)':{width}}  {sum(n for _, n in graphs):>9,} triples")
    return 0


def _parse_params(pairs: list[str]) -> dict[str, str]:
    from .catalogue import ParameterError

    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"a parameter is KEY=VALUE, not {pair!r}")
        if key.strip() in values and values[key.strip()] != value:
            raise ParameterError(f"parameter {key.strip()!r} given twice ({values[key.strip()]!r} and {value!r})")
        values[key.strip()] = value
    return values


def cmd_query(args) -> int:
    from .catalogue import Catalogue, load_catalogue
    from .results import write_result

    if args.list or not args.name:
        for query in load_catalogue().values():
            params = ", ".join(f"{p.name}{'' if p.required else '?'}:{p.type}" for p in query.params)
            print(f"{query.name:30} {query.title}" + (f"  [{params}]" if params else ""))
        return 0
    catalogue = Catalogue(_store(args), limit=args.limit)
    typed = _parse_params([*(args.values or []), *(args.param or [])])
    result = catalogue.run(args.name, typed)
    for name, label in result.interpreted.items():
        print(f"eqgraph: {name} {typed[name]!r} is {label} <{result.bindings[name]}>", file=sys.stderr)
    write_result(result, args.format, sys.stdout)
    if result.truncated:
        print(f"eqgraph: truncated: only the first {len(result.rows)} rows are shown (--limit)", file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from .namespaces import PREFIXES

    store = _store(args)
    try:
        data = store.serialize(args.format.writer, prefixes=PREFIXES)
    except KeyError:
        raise EqgraphError(f"this store cannot write {args.format.label} yet") from None
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    target = Path(args.output)
    write_atomically(target, data)
    print(f"wrote {target} ({len(data)} bytes, {args.format.label})", file=sys.stderr)
    return 0


def write_atomically(target: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new, never a part: a temporary file in
    the same folder, flushed to disk, then renamed over the target (keeping an existing file's mode)."""
    if target.is_dir():
        raise EqgraphError(f"{target} is a directory; give a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise EqgraphError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_serve(args) -> int:
    from .store import current_release
    from .web import WebSettings, create_app
    from .web.server import ServerSettings, serve

    settings, endpoint = _settings(args), _endpoint(args)
    publish = None
    if endpoint is not None:  # the web app (and its workers) read the endpoint from the environment
        from .store.opening import open_store, publish_to

        for name, url in (("EQGRAPH_ENDPOINT", endpoint.query_url), ("EQGRAPH_UPDATE_ENDPOINT", endpoint.update_url),
                          ("EQGRAPH_GRAPH_STORE", endpoint.graph_store_url)):
            if url:
                os.environ[name] = url
        if endpoint.update_url and endpoint.graph_store_url:  # else serving only: no build
            publish = publish_to(endpoint, settings.base, _progress(False))
    try:
        current_release(settings.home)
        if endpoint is not None:
            open_store(settings, endpoint).graphs()  # the store answers and holds a build
    except EqgraphError:
        if endpoint is not None and publish is None:
            raise
        print("eqgraph: no graph built yet; building it from the built-in plans first", file=sys.stderr)
        from .pipeline import build

        build(resources.builtin_documents(), settings, _progress(False), publish_store=publish)
    app = create_app(settings, WebSettings.from_env(query_timeout=args.timeout))
    print(f"eqgraph: serving http://{args.host}:{args.port}/ (SPARQL endpoint at /sparql); Ctrl-C stops",
          file=sys.stderr, flush=True)
    try:
        serve(app, ServerSettings.from_env(host=args.host, port=args.port, threads=args.threads))
    finally:
        app.config["EQGRAPH"].close()
    return 0


def cmd_names(args) -> int:
    from .pipeline import unknown_names

    found = unknown_names(_documents(args), _settings(args))
    for c in found:
        where = "its publisher" if c.kind == "council" else f"action {c.action}, {c.field}"
        print(f"{c.document}:{c.line}: {c.kind} {c.name!r} ({c.plan} {where})")
    print(f"{len(found)} name(s) in no vocabulary of their council and not reviewed"
          + ("" if not found else ": add them to data/vocab/*.ttl (a council's units with org:unitOf, its "
                                  "local partners with eqg:localTo) or data/vocab/reviewed-names.yaml"),
          file=sys.stderr)
    return 0


def _links_dir(args) -> Path:
    return Path(args.links_dir) if args.links_dir else resources.data_dir() / "links"


def cmd_links_suggest(args) -> int:
    from .links.suggest import Client, suggest

    settings = Settings.from_env()  # this command's --out is a file, not the graph home
    cache = None if args.no_cache else Path(args.cache_dir) if args.cache_dir else settings.home / "cache" / "suggest"
    client = Client(args.endpoint, cache, timeout=args.timeout, retries=args.retries, interval=args.interval,
                    refresh=args.refresh)
    result = suggest(client, settings.base, target_name=args.target, directory=_links_dir(args),
                     out=Path(args.out) if args.out else None, limit=args.limit, batch_size=args.batch,
                     threshold=round(args.threshold * 100))
    for row in result.rows:
        print(f"{row.subject} -> {row.target}  {row.note.split(' = ', 1)[0]}  ({row.source})")
    if result.overfull:
        print(f"eqgraph: left out {', '.join(result.overfull)}: their names match too many items to judge "
              "from one answer", file=sys.stderr)
    where = f"; appended to {result.written}" if result.written else "; nothing written"
    print(f"asked about {result.entities} entities without a {args.target} link ({result.skipped} have a row "
          f"already) in {result.requests} request(s), {result.cached} answer(s) from the cache: "
          f"{len(result.rows)} proposal(s){where}")
    return 0


def cmd_links_accept(args) -> int:
    from .links.suggest import accept

    path = accept(args.subject, args.target_iri, Settings.from_env().base, target_name=args.target,
                  directory=_links_dir(args))
    print(f"accepted {args.subject} -> {args.target_iri} in {path}")
    return 0


def cmd_links_check(args) -> int:
    from .links.suggest import check

    counts = check(Settings.from_env().base, _links_dir(args))
    for target, statuses in counts.items():
        print(f"{target:20} " + ", ".join(f"{n} {status}" for status, n in statuses.items()))
    print(f"{sum(sum(s.values()) for s in counts.values())} row(s) in {len(counts)} link set(s): "
          "every check the build makes passes")
    return 0


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 3600 seconds")
    return value


def _timeout(text: str) -> float:
    value = _seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError("a timeout of 0 seconds would never let an answer arrive")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 10")
    return value


def _links_parser(command) -> None:
    """`eqgraph links suggest|accept|check`: links to other datasets, proposed for review."""
    links = command("links", "suggest, accept and check links to other datasets (data/links/*.csv)", None,
                    "Links from the graph's things to other datasets are reviewed rows of data/links/<target>.csv;\n"
                    "only accepted rows become triples. `suggest` proposes rows from a SPARQL endpoint, `accept`\n"
                    "accepts one, `check` runs the build's checks over every link set.")
    sub = links.add_subparsers(dest="links_command", metavar="SUBCOMMAND", required=True)

    def subcommand(name, help_text, func, description):
        p = sub.add_parser(name, help=help_text, description=description,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        p.add_argument("--links-dir", metavar="DIR", help="folder of the link sets (default: data/links)")
        return p

    s = subcommand("suggest", "propose links from a Wikidata-shaped SPARQL endpoint", cmd_links_suggest,
                   "Ask a SPARQL endpoint shaped like Wikidata's for items whose English label or alias is\n"
                   "exactly a name (in its usual capitalisations) of a partner or national body that has no\n"
                   "row for the target yet (accepted, proposed and rejected rows all count). Each candidate is\n"
                   "scored: +0.5 its label is the preferred name (+0.3 an alias is, or its label is another\n"
                   "name), +0.2 an organisation-like class (-0.5 a person, place, work...), +0.3 country\n"
                   "United Kingdom (-0.3 another country). The best at or above the threshold are appended as\n"
                   "`proposed` rows, method `suggested`; rows already there are kept byte for byte. Nothing goes\n"
                   "into the graph until a row is accepted. Answers are cached under $EQGRAPH_HOME/cache/suggest\n"
                   "(asking again sends nothing); a failing endpoint writes nothing and exits 2.\n\n"
                   "example: eqgraph links suggest --endpoint https://query.wikidata.org/sparql --limit 20")
    s.add_argument("--endpoint", required=True, metavar="URL", help="the SPARQL endpoint to ask")
    s.add_argument("--target", default="wikidata", help="the link target (default: wikidata, the only one "
                                                        "suggest can ask)")
    s.add_argument("--limit", type=_positive, metavar="N", help="ask about at most N entities (in subject "
                                                                "order; the next run goes on from there)")
    s.add_argument("--out", metavar="FILE", help="append the proposals to FILE instead of the target's link set")
    s.add_argument("--threshold", type=_score, default=0.6, metavar="SCORE",
                   help="the lowest score proposed, 0 to 1 (default 0.6)")
    s.add_argument("--batch", type=_positive, default=10, metavar="N", help="entities per request (default 10)")
    s.add_argument("--interval", type=_seconds, default=1.0, metavar="SECONDS",
                   help="least time between two requests (default 1)")
    s.add_argument("--timeout", type=_timeout, default=60.0, metavar="SECONDS",
                   help="time limit of one request (default 60)")
    s.add_argument("--retries", type=_count, default=3, metavar="N",
                   help="retries of a request after HTTP 429/5xx or a cut connection, waiting 2, 4, 8 s... "
                        "or as Retry-After says (default 3)")
    s.add_argument("--cache-dir", metavar="DIR", help="cache of answers (default: $EQGRAPH_HOME/cache/suggest, "
                                                      "EQGRAPH_HOME defaulting to ./var)")
    s.add_argument("--refresh", action="store_true", help="ask again even when the cache has an answer")
    s.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")

    a = subcommand("accept", "accept a proposed link", cmd_links_accept,
                   "Turn the proposed row SUBJECT -> TARGET_IRI of the target's link set into an accepted one\n"
                   "(its method stays `suggested`), after the checks the build makes. An accepted Wikidata link\n"
                   "must name an item whose record is in the shipped reference files (data/reference/shared):\n"
                   "accept refuses any other, and the row stays proposed until the record is added.\n\n"
                   "example: eqgraph links accept partner/transport-for-london Q682520")
    a.add_argument("subject", metavar="SUBJECT", help="the row's subject, e.g. partner/stonewall")
    a.add_argument("target_iri", metavar="TARGET_IRI", help="the row's target IRI (for Wikidata a Q-id will do)")
    a.add_argument("--target", default="wikidata", help="the link set (default: wikidata)")

    subcommand("check", "check every link set as the build does", cmd_links_check,
               "Read every link set and the reference data with the build's checks (form, relations, targets\n"
               "in the shipped reference files, subjects the graph describes) and count the rows per target\n"
               "and status. A problem exits 2 naming its file and line. Subjects are checked against the\n"
               "ontology, vocabularies, reference files and built-in plans, without building.")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return value


def _format_option(offered):
    """An argparse type: a format of `offered`, named as everywhere else (name, extension or alias,
    e.g. `turtle`, `ttl`; `xml` for RDF/XML in export, SPARQL XML results in query)."""
    def parse(text: str) -> formats.Format:
        found = formats.resolve(text, offered)
        if found is None:
            raise argparse.ArgumentTypeError(f"unknown format {text!r} (choose from {formats.tokens(offered)})")
        return found

    parse.__name__ = "format"
    return parse


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors on one line like every other error (exit 2)."""

    def error(self, message: str):
        command = self.prog.removeprefix("eqgraph").strip()
        self.exit(2, f"eqgraph: error: {command + ': ' if command else ''}{one_line(message)} "
                     f"(see `{self.prog} --help`)\n")


def parser() -> argparse.ArgumentParser:
    main = _Parser(
        prog="eqgraph",
        description="Turn Merton's equality action plans into a validated RDF knowledge graph and query it.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    main.add_argument("--version", action="version", version=f"eqgraph {__version__}")
    sub = main.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name, help_text, func, description=None):
        p = sub.add_parser(name, help=help_text, description=description or help_text,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    def out_option(p):
        p.add_argument("--out", metavar="DIR",
                       help="directory that holds built graphs (default: $EQGRAPH_HOME or ./var)")

    def store_options(p):
        """A remote triple store instead of the embedded one (docs/triple-stores.md)."""
        p.add_argument("--endpoint", metavar="QUERY_URL",
                       help="a SPARQL 1.1 query endpoint holding the graph (default: $EQGRAPH_ENDPOINT; "
                            "none: the embedded store); credentials from $EQGRAPH_ENDPOINT_USER/_PASSWORD")
        p.add_argument("--update-endpoint", metavar="URL", help="its SPARQL 1.1 Update endpoint "
                       "(default: $EQGRAPH_UPDATE_ENDPOINT; needed to build)")
        p.add_argument("--graph-store", metavar="URL", help="its Graph Store HTTP Protocol endpoint "
                       "(default: $EQGRAPH_GRAPH_STORE; needed to build)")

    b = command("build", "read action plan documents, validate them and publish the graph", cmd_build,
                "Read action plan documents (tab-separated text extracted from the PDFs), turn them into RDF,\n"
                "check the result against the SHACL shapes and publish it as the current graph. Nothing is\n"
                "written unless every document reads cleanly and no shape is violated; the previous graph\n"
                "stays in place otherwise.\n\nexample: eqgraph build data/documents/*.txt --out var")
    b.add_argument("files", nargs="*", metavar="FILE", help="documents to read (default: the built-in plans)")
    out_option(b)
    store_options(b)
    b.add_argument("--base", metavar="IRI", help="base IRI of the nodes (default: $EQGRAPH_BASE or "
                                                  "https://w3id.org/eqgraph/id/)")
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors and damage warnings")
    b.add_argument("--strict", action="store_true",
                   help="refuse documents that show damage (cut short, lines lost, numbers skipped, checksum "
                        "differs from the manifest): exit 2 and write nothing, instead of warning")
    b.add_argument("--no-cache", action="store_true",
                   help="make everything again: neither reuse nor keep what builds made of each plan "
                        "($EQGRAPH_HOME/cache/build) nor start from the current release's store")

    a = command("add", "add a new plan or yearly update to the graph, and say where it went", cmd_add,
                "Add a document to the graph: read which plan it is from its title line (strategy, years,\n"
                "which update, period), keep it under the graph's home with an entry in <home>/plans.yaml so\n"
                "every later build (and `make run`) includes it, rebuild, and print how the plan was placed\n"
                "in the sequence and which commitments it reports on. What the title does not say is given\n"
                "with the flags; a plan whose period cannot be established is refused. If the build fails,\n"
                "nothing is kept.\n\n"
                "examples:\n  eqgraph add year2.txt\n  eqgraph add update.txt --updates merton-2017-18\n"
                "  eqgraph add plan.txt --period 2019/20 --title 'Equality Strategy Action Plan 2019/20'")
    a.add_argument("file", metavar="FILE", help="the document (tab-separated text extracted from the PDF)")
    out_option(a)
    a.add_argument("--id", metavar="ID", help="the plan's id (default: from the file name)")
    a.add_argument("--period", metavar="YYYY/YY", help="the year the plan reports on, e.g. 2018/19")
    a.add_argument("--title", metavar="TEXT", help="the plan's title (default: its title line, furniture dropped)")
    a.add_argument("--strategy", metavar="NAME", help="the strategy and its years, e.g. 'Equality Strategy 2017-21'")
    a.add_argument("--update", metavar="N", type=int, help="which yearly update of the strategy's plan it is")
    a.add_argument("--publisher", metavar="COUNCIL", help="the council that publishes it, e.g. 'London Borough of "
                                                          "Merton' (default: its title, else data/councils.yaml)")
    a.add_argument("--updates", metavar="PLAN", help="the plan this document is the next yearly update of")
    a.add_argument("--replaces", metavar="PLAN", help="the plan this document is a corrected edition of")
    a.add_argument("--base", metavar="IRI", help="base IRI of the nodes (default: $EQGRAPH_BASE)")
    store_options(a)
    a.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors, damage and the placement")
    a.add_argument("--strict", action="store_true", help="refuse a document that shows damage")

    v = command("validate", "check documents against the SHACL shapes without writing anything", cmd_validate,
                "Read the documents and run the SHACL shapes over the graph they make, printing Violations\n"
                "and Warnings with the document lines they come from. Writes nothing.\n\n"
                "example: eqgraph validate --all")
    v.add_argument("files", nargs="*", metavar="FILE", help="documents to check (default: the built-in plans)")
    v.add_argument("--base", metavar="IRI", help="base IRI of the nodes")
    v.add_argument("--all", action="store_true", help="list every warning, not only the first 20")
    v.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    v.add_argument("--strict", action="store_true", help="damage in a document is an error (exit 2), not a warning")

    q = command("query", "run a saved SPARQL query from queries/ (or list them)", cmd_query,
                "Run a saved query with its parameters bound safely as RDF terms. Text parameters match\n"
                "names, abbreviations and labels case-insensitively; a value that names nothing is refused\n"
                "with suggestions.\n\n"
                "examples:\n  eqgraph query --list\n"
                "  eqgraph query actions-for-community --param community=BAME\n"
                "  eqgraph query actions-for-partner partner=\"Network Rail\"      (KEY=VALUE after the name works too)\n"
                "  eqgraph query strategies-feeding-objective --param plan=merton-2017-18 --param objective=1 "
                "--format json")
    q.add_argument("name", nargs="?", metavar="NAME", help="the saved query (see --list)")
    q.add_argument("values", nargs="*", metavar="KEY=VALUE", help="parameter values, as with --param")
    q.add_argument("--list", action="store_true", help="list the saved queries with their parameters")
    q.add_argument("-p", "--param", action="append", metavar="KEY=VALUE", help="a parameter value (repeatable)")
    q.add_argument("--format", type=_format_option(formats.ON_CLI_QUERY), default=formats.TABLE, metavar="FORMAT",
                   help=f"output format: {formats.tokens(formats.ON_CLI_QUERY)} (default: table)")
    q.add_argument("--limit", type=_positive, default=1000, metavar="N",
                   help="return at most N rows; more are reported as truncated (default 1000)")
    out_option(q)
    store_options(q)

    s = command("serve", "serve the web front end and SPARQL endpoint (production WSGI server)", cmd_serve,
                "Serve the saved-query gallery, entity pages, graph views and the SPARQL endpoint with the\n"
                "Hypercorn server, on the current graph (built first if there is none).\n\n"
                "example: eqgraph serve --port 5000")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    s.add_argument("--threads", type=int, default=None,
                   help="threads answering requests (default 32, or $EQGRAPH_THREADS)")
    s.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="time limit of a public SPARQL query (default 5, or $EQGRAPH_QUERY_TIMEOUT)")
    out_option(s)
    store_options(s)

    n = command("names", "list organisation names in the documents that no vocabulary knows yet", cmd_names,
                "Read the documents for organisation-like names (capitalised phrases ending in Society, Forum,\n"
                "Board, Partnership, ...; acronyms in brackets) that no curated vocabulary covers and that are\n"
                "not set aside in data/vocab/reviewed-names.yaml: the starting point for curating a new plan.\n\n"
                "example: eqgraph names new-plan.txt")
    n.add_argument("files", nargs="*", metavar="FILE", help="documents to read (default: the built-in plans)")

    p = command("plans", "list the plans in the built graph", cmd_plans)
    out_option(p)
    store_options(p)

    g = command("graphs", "list the named graphs of the built graph and their triples", cmd_graphs,
                "Each part of the graph lives in a named graph: the ontology, the vocabularies, each plan,\n"
                "continuity between plans and the saved-query catalogue. Queries see their union; FROM,\n"
                "FROM NAMED and the protocol's default-graph-uri / named-graph-uri select parts.")
    out_option(g)
    store_options(g)

    e = command("export", "write the built graph as " + ", ".join(f.label for f in formats.ON_CLI_EXPORT),
                cmd_export,
                "Write the current graph in a standard RDF syntax, to a file (atomically) or stdout.\n\n"
                "example: eqgraph export --format nt -o merton.nt")
    e.add_argument("--format", type=_format_option(formats.ON_CLI_EXPORT), default=formats.get("turtle"),
                   metavar="FORMAT", help=f"RDF syntax: {formats.tokens(formats.ON_CLI_EXPORT)} (default: turtle)")
    e.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    out_option(e)
    store_options(e)
    _links_parser(command)
    return main


def main(argv: list[str] | None = None) -> int:
    cli = parser()
    args, extra = cli.parse_known_args(argv)
    # `eqgraph query NAME --format csv KEY=VALUE`: values after an option are values too.
    if extra and getattr(args, "func", None) is cmd_query and all("=" in e and not e.startswith("-") for e in extra):
        args.values = [*(args.values or []), *extra]
    elif extra:
        cli.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.func(args)
    except DamageFound as damaged:
        for found in damaged.damage:
            _warn(found)
        print(f"eqgraph: error: {damaged.summary}; nothing was written", file=sys.stderr)
        return damaged.exit_code
    except ValidationFailed as failed:
        _print_report(failed.report)
        print(f"eqgraph: {failed}; nothing was written", file=sys.stderr)
        return failed.exit_code
    except EqgraphError as error:
        print(f"eqgraph: error: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("eqgraph: interrupted; the previous graph is unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, never a traceback
        if os.environ.get("EQGRAPH_TRACEBACK"):
            raise
        return _internal_error(exc)


def _internal_error(exc: Exception) -> int:
    """An exception no rule foresaw is a bug in eqgraph, not the user's input: say so on one line,
    with where in eqgraph it happened, and exit 2 (a build stops before publishing, so the previous
    graph stays current)."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f"{os.sep}eqgraph{os.sep}" in f.filename]
    where = ""
    if frames:
        frame = frames[-1]
        where = f" at eqgraph/{frame.filename.rsplit(os.sep + 'eqgraph' + os.sep, 1)[1]}:{frame.lineno}"
    message = one_line(shown(str(exc)))[:300]
    print(f"eqgraph: error: internal error{where} ({type(exc).__name__}{': ' + message if message else ''}); "
          "this is a bug in eqgraph, please report it with the command you ran "
          "(EQGRAPH_TRACEBACK=1 shows the traceback); nothing was written", file=sys.stderr)
    return 2


def run() -> None:
    """The `eqgraph` command: `main`, then `exit_now`."""
    global _LEAVING
    _LEAVING = True
    exit_now(main())


def exit_now(code: int) -> None:
    """Exit with `code` without freeing the heap one object at a time: after a 100-plan build that
    teardown kept the user waiting 0.3 s for nothing. By now every file a command writes is written
    and closed (a release is published by rename, its store flushed, the build's background
    processes joined); the streams and logging are flushed here. Where a process of this one still
    runs (a command that leaves one to the interpreter's exit handlers), the ordinary exit is taken."""
    import logging
    import multiprocessing

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed (a pipe into `head`), or already gone
            pass
    if multiprocessing.active_children():
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
