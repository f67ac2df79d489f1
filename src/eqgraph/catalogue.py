"""Saved queries: `queries/*.rq`, each valid SPARQL with its metadata in `#+` YAML comment lines at the
top, so the file runs as-is in any SPARQL editor (the grlc convention):

    #+ title: Actions for a community
    #+ description: Actions aimed at a community, including narrower ones.
    #+ tags: [communities]
    #+ params:
    #+   - name: community          # the parameter's name (also the SPARQL variable, unless `var` says)
    #+     type: community          # a type of queries/types.yaml
    #+     required: true
    #+     example: BAME

Parameter values are never pasted into the query text. Each value is resolved to an RDF term (an IRI
of the parameter type's class, found by label; or a typed literal) and bound with a SPARQL `VALUES`
block built from the term's own serialisation, placed first in the query's outermost WHERE group
(where it binds before any grouping, unlike a trailing VALUES, which SPARQL applies after GROUP BY).
That works on any SPARQL 1.1 store. Results
are capped (`limit`), and a capped result says `truncated`.
"""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import resources
from .display import Display, check_leads, parse_display, projection
from .errors import EqgraphError, InputError
from .naming import MAX_TYPED, Name, name_key, read_name
from .store.terms import IRI, BlankNode, Literal

DEFAULT_LIMIT = 1000
_OUTER_WHERE = re.compile(r"^(?!\s*#).*?\bWHERE\s*\{", re.IGNORECASE | re.MULTILINE)
_QUERY_FORM = re.compile(r"^\s*(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)


class ParameterError(EqgraphError):
    """A saved query was asked for with a missing, unknown or ill-typed parameter."""

    exit_code = 2


class UnknownQuery(EqgraphError):
    exit_code = 2


@dataclass(frozen=True)
class Param:
    name: str  # what users and other tools call it
    type: str
    var: str = ""  # the SPARQL variable it binds, when it differs from the name
    required: bool = False
    default: str | None = None
    example: str | None = None
    description: str = ""


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    sparql: str
    path: Path
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    display: Display | None = None  # how a page shows its rows (eqgraph.display); never what it answers

    @property
    def form(self) -> str:
        body = "\n".join(line for line in self.sparql.splitlines() if not line.lstrip().startswith("#"))
        match = _QUERY_FORM.search(body)
        return match.group(1).upper() if match else "SELECT"


@dataclass
class QueryResult:
    query: SavedQuery
    variables: list[str]
    rows: list[dict[str, IRI | Literal | BlankNode | None]]
    truncated: bool
    elapsed: float
    sparql: str  # exactly what was sent to the store
    bindings: dict[str, str] = field(default_factory=dict)  # parameter -> the term it was bound to
    interpreted: dict[str, str] = field(default_factory=dict)  # parameter -> label, when not named exactly

    def plain_rows(self) -> list[dict[str, str | None]]:
        """Rows as strings: IRIs as IRIs, literals as their lexical form."""
        return [{v: (None if row.get(v) is None else row[v].value) for v in self.variables} for row in self.rows]


# --- reading the catalogue ----------------------------------------------------------------------------

def load_types(folder: Path | None = None) -> dict[str, dict]:
    path = (folder or resources.queries_dir()) / "types.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["types"]


def parse_query_file(path: Path, types: dict[str, dict] | None = None) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    header = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(path, f"invalid metadata header: {getattr(exc, 'problem', exc)}",
                         mark.line + 1 if mark is not None else None)
    if not isinstance(meta, dict) or not meta.get("title"):
        raise InputError(path, "metadata header needs at least '#+ title: ...'")
    params = []
    for index, item in enumerate(meta.get("params") or [], start=1):
        if not isinstance(item, dict) or not item.get("name") or not item.get("type"):
            raise InputError(path, f"parameter {index} needs 'name' and 'type'")
        if types is not None and item["type"] not in types:
            raise InputError(path, f"parameter {item['name']!r} has unknown type {item['type']!r} "
                                   f"(known: {', '.join(sorted(types))})")
        var = str(item.get("var") or item["name"])
        if not re.search(rf"[?$]{re.escape(var)}\b", text):
            raise InputError(path, f"parameter {item['name']!r}: ?{var} is not a variable of the query")
        params.append(Param(str(item["name"]), str(item["type"]), var, bool(item.get("required", False)),
                            None if item.get("default") is None else str(item["default"]),
                            None if item.get("example") is None else str(item["example"]),
                            str(item.get("description", "")).strip()))
    query = SavedQuery(path.stem, str(meta["title"]), str(meta.get("description", "")).strip(), text, path,
                       tuple(meta.get("tags") or ()), tuple(params))
    variables = projection(text) if query.form == "SELECT" else ["subject", "predicate", "object"]
    display = parse_display(meta.get("display"), path, variables, [p.name for p in params])
    return SavedQuery(query.name, query.title, query.description, text, path, query.tags, query.params, display)


def load_catalogue(folder: Path | None = None) -> dict[str, SavedQuery]:
    folder = folder or resources.queries_dir()
    types = load_types(folder)
    queries = {q.name: q for q in (parse_query_file(p, types) for p in sorted(folder.glob("*.rq")))}
    check_leads(queries)  # a count leads to a saved query that exists, with parameters it has
    return queries


# --- running ------------------------------------------------------------------------------------------

def internal_query(name: str) -> str:
    """An internal query of queries/internal/ (entity pages, pick-lists)."""
    return (resources.queries_dir() / "internal" / f"{name}.rq").read_text(encoding="utf-8")


def bind_values(sparql: str, terms: dict[str, object], path: Path | str = "query") -> str:
    """`sparql` with a VALUES block binding the terms, first in its outermost WHERE group. The terms
    are `store.terms` values, checked when made and written in their escaped SPARQL form: values,
    never text. A VALUES block works on every SPARQL 1.1 store and keeps the query's meaning (a
    substitution would also reach into subqueries)."""
    if not terms:
        return sparql
    names = sorted(terms)
    clause = "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(str(terms[n]) for n in names) + ") }"
    where = _OUTER_WHERE.search(sparql)
    if where is None:
        raise InputError(path, "a query with parameters needs a WHERE { ... } group")
    return f"{sparql[:where.end()]}\n  {clause}{sparql[where.end():]}"


class Catalogue:
    """The saved queries, run against one store with safely bound parameters."""

    def __init__(self, store, queries: dict[str, SavedQuery] | None = None, types: dict | None = None,
                 limit: int = DEFAULT_LIMIT):
        self.store = store
        self.queries = queries if queries is not None else load_catalogue()
        self.types = types if types is not None else load_types()
        self.limit = limit
        self._names: dict[str, list[tuple[str, str, str]]] = {}
        self._readables: dict[str, list[Name]] = {}
        self._options: dict[str, list[tuple[str, str]]] = {}

    def get(self, name: str) -> SavedQuery:
        if name not in self.queries:
            close = difflib.get_close_matches(name, list(self.queries), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else "; `eqgraph query --list` lists them"
            raise UnknownQuery(f"no saved query named {name!r}{hint}")
        return self.queries[name]

    def names(self, type_name: str) -> list[tuple[str, str, str]]:
        """(IRI, display label, name) for every way of naming an instance of the type's class."""
        return [(iri, label, name) for iri, label, name, _ in self._lookup(type_name)]

    def _lookup(self, type_name: str) -> list[tuple[str, str, str, bool]]:
        """(IRI, display label, name, shown) — shown: a label rather than a synonym or abbreviation."""
        if type_name not in self._names:
            cls = IRI(self.types[type_name]["class"])
            rows = self.store.query(bind_values(internal_query("lookup"), {"class": cls}))
            self._names[type_name] = [
                (r["thing"].value, (r["label"] or r["name"]).value, r["name"].value, r["shown"].value == "true")
                for r in rows
            ]
        return self._names[type_name]

    def _readable(self, type_name: str) -> list[Name]:
        if type_name not in self._readables:  # built once: each Name keeps its matching key
            self._readables[type_name] = [Name(iri, name, shown) for iri, _, name, shown in self._lookup(type_name)]
        return self._readables[type_name]

    def interpreted(self, query: SavedQuery, values: dict[str, str], bindings: dict[str, str]) -> dict[str, str]:
        """Parameter -> the label of what it was bound to, for values that did not name it exactly
        ("police" -> Metropolitan Police Service), so front ends can say how they read them."""
        said = {}
        for param in query.params:
            iri, typed = bindings.get(param.name), values.get(param.name)
            if not iri or not typed or "class" not in self.types.get(param.type, {}) or typed == iri:
                continue
            names = [(label, name) for i, label, name in self.names(param.type) if i == iri]
            if names and not any(name.casefold() == " ".join(typed.split()).casefold() for _, name in names):
                said[param.name] = names[0][0]
        return said

    def options(self, type_name: str) -> list[tuple[str, str]]:
        """A pick-list for the type: (IRI, label), sorted by label. Worked out once per catalogue (a
        catalogue serves one release), as pages ask for it on every request."""
        if "class" not in self.types.get(type_name, {}):
            return []
        if type_name not in self._options:
            best: dict[str, str] = {}
            for iri, label, _ in self.names(type_name):
                best.setdefault(iri, label)
            self._options[type_name] = sorted(best.items(), key=lambda item: item[1].lower())
        return self._options[type_name]

    def suggest(self, type_name: str, typed: str, limit: int = 10) -> list[dict[str, str]]:
        """What a type-ahead offers for the words typed so far: one entry per thing, best first, at most
        `limit` — the thing the words already name as `resolve` reads them (so "BAME", "C&H", "police"
        offer what they will run as), then names equal to, starting with, holding a word starting with,
        or holding the words. Each entry: `value` (the label, which resolves to the thing), `label`,
        and `name`, the name that matched when it is another (an abbreviation, a synonym)."""
        spec = self.types.get(type_name, {})
        wanted = " ".join(typed.split()).casefold()
        if "class" not in spec or not wanted or len(typed) > MAX_TYPED:
            return []
        key = name_key(typed)
        ranked: dict[str, tuple[int, str, str]] = {}  # IRI -> (rank, label, name)
        for iri in read_name(typed, self._readable(type_name), groups=spec.get("groups", False)):
            ranked[iri] = (0, "", typed)
        for iri, label, name in self.names(type_name):
            folded = name.casefold()
            if folded == wanted or (key and name_key(name) == key):
                rank = 1
            elif folded.startswith(wanted):
                rank = 2
            elif any(word.startswith(wanted) for word in re.split(r"\W+", folded)):
                rank = 3
            elif wanted in folded or (key and f" {key} " in f" {name_key(name)} "):
                rank = 4
            else:
                continue
            if iri not in ranked or rank < ranked[iri][0] or (rank == ranked[iri][0] and not ranked[iri][1]):
                ranked[iri] = (rank, label, name)
        labels = dict(self.options(type_name))
        best = sorted(ranked.items(), key=lambda item: (item[1][0], labels.get(item[0], "").casefold()))
        return [{"value": labels.get(iri, name), "label": labels.get(iri, name),
                 "name": name if name.casefold() != labels.get(iri, "").casefold() else ""}
                for iri, (_, _, name) in best[:max(0, limit)]]

    def resolve(self, param: Param, value: str):
        spec = self.types[param.type]
        if "datatype" in spec:
            if spec["datatype"].endswith("#integer"):
                if not re.fullmatch(r"[+-]?\d{1,9}", value.strip()):
                    raise ParameterError(f"parameter {param.name!r} must be a whole number, not {value!r}")
                return Literal(str(int(value)), IRI(spec["datatype"]))
            return Literal(value)
        wanted = " ".join(value.split()).casefold()
        if not wanted:
            raise ParameterError(f"parameter {param.name!r} needs a value, e.g. {param.name}={param.example}")
        names = self.names(param.type)
        if len(value) > MAX_TYPED:
            raise ParameterError(f"{param.name} is {len(value)} characters long; a name has at most {MAX_TYPED}")
        hits = set(read_name(value, self._readable(param.type), groups=spec.get("groups", False)))
        if len(hits) == 1:
            return IRI(hits.pop())
        labels = sorted({label for _, label, _ in names})
        if hits:
            several = ", ".join(sorted({label for iri, label, _ in names if iri in hits}))
            raise ParameterError(f"{param.name} {value!r} names more than one {param.type} ({several}); "
                                 f"give one of these names or its IRI")
        # First the names that hold the typed words ("electors" -> "electors who are disabled"), then
        # names spelt alike ("Network Rial" -> "Network Rail").
        key = f" {name_key(value)} "
        close = [n for n in sorted({n for _, _, n in names}) if key.strip() and key in f" {name_key(n)} "][:4]
        close = close or difflib.get_close_matches(value, sorted({n for _, _, n in names}), n=4, cutoff=0.5)
        close = close or [label for label in labels if wanted in label.casefold()][:4]
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ParameterError(f"{param.name} {value!r} names no {param.type}{hint}")

    def bind(self, query: SavedQuery, values: dict[str, str]) -> tuple[str, dict[str, str]]:
        known = {p.name for p in query.params}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ParameterError(f"query {query.name!r} has no parameter {', '.join(unknown)} "
                                 f"(it takes: {', '.join(sorted(known)) or 'none'})")
        terms, shown = {}, {}
        for param in query.params:
            value = values.get(param.name, param.default)
            if value is None or value == "":
                if param.required:
                    example = f", e.g. {param.name}={param.example}" if param.example else ""
                    raise ParameterError(f"query {query.name!r} needs parameter {param.name!r}{example}")
                continue
            term = self.resolve(param, str(value))
            terms[param.var or param.name] = term
            shown[param.name] = term.value
        return bind_values(query.sparql, terms, query.path), shown

    def run(self, name: str, values: dict[str, str] | None = None, limit: int | None = None) -> QueryResult:
        query = self.get(name)
        sparql, bound = self.bind(query, values or {})
        said = self.interpreted(query, values or {}, bound)
        cap = self.limit if limit is None else limit
        started = time.perf_counter()
        answer = self.store.query(sparql, limit=cap)
        elapsed = time.perf_counter() - started
        if isinstance(answer, bool) or query.form == "ASK":
            return QueryResult(query, ["result"], [{"result": Literal(str(bool(answer)).lower())}], False,
                               elapsed, sparql, bound, said)
        if not hasattr(answer, "variables"):  # CONSTRUCT / DESCRIBE: one row per triple
            variables = ["subject", "predicate", "object"]
            rows = [{"subject": t.subject, "predicate": t.predicate, "object": t.object} for t in answer]
        else:
            variables = list(answer.variables)
            rows = [dict(zip(variables, (row[i] for i in range(len(variables))))) for row in answer]
        return QueryResult(query, variables, rows, answer.truncated, elapsed, sparql, bound, said)


# --- publishing -----------------------------------------------------------------------------------

def catalogue_graph(queries: dict[str, SavedQuery], base: str):
    """The saved queries as RDF, in the style of the SIB sparql-examples collections: each one an
    sh:SPARQLSelectExecutable (or Construct/Ask) with its title, description, keywords and parameters,
    so researchers find the questions in the same graph as the data.

    Each parameter is a node of its own with a stable IRI under its query's,
    `<base>query/<query>/parameter/<name>` (never a random blank node), so the same queries always give
    the same triples and each parameter can be looked up like any other node."""
    from urllib.parse import quote

    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

    sh = Namespace("http://www.w3.org/ns/shacl#")
    schema = Namespace("https://schema.org/")
    eqg = Namespace("https://w3id.org/eqgraph/ontology#")
    kinds = {"SELECT": (sh.SPARQLSelectExecutable, sh.select), "CONSTRUCT": (sh.SPARQLConstructExecutable, sh.construct),
             "ASK": (sh.SPARQLAskExecutable, sh.ask), "DESCRIBE": (sh.SPARQLDescribeExecutable, sh.describe)}
    graph = Graph()
    graph.bind("sh", sh)
    graph.bind("schema", schema)
    for query in queries.values():
        node = URIRef(f"{base}query/{query.name}")
        kind, text_property = kinds[query.form]
        graph.add((node, RDF.type, sh.SPARQLExecutable))
        graph.add((node, RDF.type, kind))
        graph.add((node, DCTERMS.identifier, Literal(query.name, datatype=XSD.string)))
        graph.add((node, RDFS.label, Literal(query.title, lang="en")))
        if query.description:
            graph.add((node, RDFS.comment, Literal(query.description, lang="en")))
        graph.add((node, text_property, Literal(query.sparql, datatype=XSD.string)))
        graph.add((node, schema.target, URIRef(f"{base}sparql")))
        for tag in query.tags:
            graph.add((node, schema.keywords, Literal(tag, datatype=XSD.string)))
        for param in query.params:
            spec = URIRef(f"{node}/parameter/{quote(param.name, safe='')}")
            graph.add((node, eqg.parameter, spec))
            graph.add((spec, RDFS.label, Literal(param.name, datatype=XSD.string)))
            graph.add((spec, eqg.parameterType, Literal(param.type, datatype=XSD.string)))
            graph.add((spec, eqg.variable, Literal(param.var or param.name, datatype=XSD.string)))
            graph.add((spec, eqg.required, Literal(param.required)))
            if param.example:
                graph.add((spec, eqg.example, Literal(param.example, datatype=XSD.string)))
    return graph
