"""How a saved query's answer is shown to people: the `display:` block of its `#+` header.

A query's columns are a contract with the tools that download it, so they stay as they are; what a
person reads is declared beside them, as data:

    #+ display:
    #+   title: {column: title, link: action, header: Action}   # one column that names the thing, linked
    #+   columns:                                                # shown after it, in this order
    #+     - {column: plan, header: Plan, as: plan}              # plan id -> the plan's name
    #+     - {column: ref, header: Ref, as: ref}
    #+     - {column: actions, header: Actions, as: count, share: true,   # share: of the row's plan
    #+        leads: {query: find-actions, params: {plan: plan, strategy: $strategy}}}
    #+   action: action              # rows are about this action: add who delivers it and its status
    #+   sort: [plan, ref]           # natural order on the page (1.2 before 1.10)
    #+   note: What the score means ...
    #+   empty:                      # what an empty answer means, first case that applies
    #+     - {when: answers-objective-missing, say: "Objective {objective} does not exist in {plan} ..."}
    #+     - say: No action of {plan} ...

Kinds (`as`): text, plan (an id, or ids with `separator`), ref, status (a badge), count, number, score
(0-1, shown as a percentage), list (split on `separator`), term (an IRI's local name in words). `ref:`
shows another column before the text ("1.11 Continue to ..."). A count `leads` to a saved query, each
of its parameters taken from a column of the row or, written `$name`, from this query's parameter.
Every column not shown is hidden on the page and kept in downloads and the JSON twin. The block is
checked when the catalogue loads; a mistake is an error naming the file and the key, never a page
that quietly shows the wrong thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import InputError

KINDS = ("text", "plan", "ref", "status", "count", "number", "score", "list", "term")
COLUMN_KEYS = {"column", "header", "link", "as", "leads", "share", "separator", "ref"}
DISPLAY_KEYS = {"title", "columns", "action", "sort", "note", "empty"}
EMPTY_KEYS = {"when", "say"}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
_INTERNAL_NAME = re.compile(r"answers-[a-z0-9-]+")


@dataclass(frozen=True)
class Leads:
    """A count that leads to the saved query listing what it counts: target parameter -> column."""

    query: str
    params: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Column:
    column: str
    header: str
    link: str = ""  # the column holding the IRI this cell links to
    kind: str = "text"
    leads: Leads | None = None
    share: bool = False  # a count of one plan's actions, also shown as a share of them
    separator: str = ""  # for `list` and `plan`: what separates the items in the value
    ref: str = ""  # a column shown before the text, such as the action's number


@dataclass(frozen=True)
class EmptyCase:
    say: str
    when: str = ""  # an internal query (queries/internal/<when>.rq): the case holds when it gives a row


@dataclass(frozen=True)
class Display:
    title: Column | None = None
    columns: tuple[Column, ...] = ()
    action: str = ""
    sort: tuple[str, ...] = ()
    note: str = ""
    empty: tuple[EmptyCase, ...] = field(default_factory=tuple)

    @property
    def shown(self) -> tuple[Column, ...]:
        return ((self.title,) if self.title else ()) + self.columns


def projection(sparql: str) -> list[str]:
    """The variables a SELECT query answers with, read from its text: bare `?v` at the top level of the
    projection and `(... AS ?v)`; `*` or another form gives []. Enough to check a display block
    against, without parsing the whole query."""
    body = "\n".join(re.sub(r"#.*$", "", line) if not line.lstrip().startswith("PREFIX") else ""
                     for line in sparql.splitlines() if not line.lstrip().startswith("#"))
    match = re.search(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?", body, re.IGNORECASE)
    if not match:
        return []
    found, depth, index = [], 0, match.end()
    token = re.compile(r'"(?:[^"\\]|\\.)*"|\(|\)|[?$]\w+|\bAS\b|\bWHERE\b|\{|\S', re.IGNORECASE)
    after_as = False
    for item in token.finditer(body, index):
        text = item.group(0)
        if depth == 0 and (text == "{" or text.upper() == "WHERE"):
            break
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
        elif text.upper() == "AS":
            after_as = True
            continue
        elif text[0] in "?$" and (depth == 0 or (depth == 1 and after_as)):
            found.append(text[1:])
        after_as = False
    return found


def parse_display(raw, path, variables: list[str], params: list[str]) -> Display | None:
    """The `display:` block of a query header, checked against the query's columns (`variables`, [] when
    they cannot be read from the text) and parameters; None when the query declares none."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InputError(path, "display: must be a mapping (title, columns, action, sort, note, empty)")
    _known(raw, DISPLAY_KEYS, path, "display")

    def check_column(name: str, key: str) -> str:
        if not isinstance(name, str) or not name:
            raise InputError(path, f"{key}: needs a column name")
        if variables and name not in variables:
            raise InputError(path, f"{key}: {name!r} is not a column of the query "
                                   f"(its columns: {', '.join(variables)})")
        return name

    def column(item, key: str) -> Column:
        if not isinstance(item, dict):
            raise InputError(path, f"{key}: must be a mapping such as {{column: title, header: Action}}")
        _known(item, COLUMN_KEYS, path, key)
        name = check_column(item.get("column"), f"{key}.column")
        header = item.get("header")
        if not isinstance(header, str) or not header.strip():
            raise InputError(path, f"{key}.header: {name!r} needs a header people read (e.g. 'Action')")
        if re.search(r"[a-z][A-Z]", header) or header.startswith(("?", "http")):
            raise InputError(path, f"{key}.header: {header!r} reads like a field name; write it in words")
        kind = str(item.get("as", "text"))
        if kind not in KINDS:
            raise InputError(path, f"{key}.as: {kind!r} is not one of {', '.join(KINDS)}")
        link = check_column(item["link"], f"{key}.link") if item.get("link") else ""
        leads = None
        if item.get("leads") is not None:
            spec = item["leads"]
            if not isinstance(spec, dict) or not isinstance(spec.get("query"), str):
                raise InputError(path, f"{key}.leads: needs {{query: NAME, params: {{parameter: column}}}}")
            _known(spec, {"query", "params"}, path, f"{key}.leads")
            pairs = spec.get("params") or {}
            if not isinstance(pairs, dict):
                raise InputError(path, f"{key}.leads.params: must map the query's parameters to columns")
            leads = Leads(spec["query"], tuple((str(p), source(c, f"{key}.leads.params.{p}"))
                                               for p, c in pairs.items()))
        ref = check_column(item["ref"], f"{key}.ref") if item.get("ref") else ""
        return Column(name, header.strip(), link, kind, leads, bool(item.get("share", False)),
                      str(item.get("separator", "")), ref)

    def source(name, key: str) -> str:
        """A column, or `$parameter` of this query."""
        if isinstance(name, str) and name.startswith("$"):
            if name[1:] not in params:
                raise InputError(path, f"{key}: {name!r} is not a parameter of the query")
            return name
        return check_column(name, key)

    title = column(raw["title"], "display.title") if raw.get("title") is not None else None
    columns = raw.get("columns") or []
    if not isinstance(columns, list):
        raise InputError(path, "display.columns: must be a list of columns")
    shown = tuple(column(item, f"display.columns[{i}]") for i, item in enumerate(columns, start=1))
    names = [c.column for c in ((title,) if title else ()) + shown]
    if len(set(names)) != len(names):
        raise InputError(path, f"display.columns: a column is shown twice ({', '.join(names)})")
    action = check_column(raw["action"], "display.action") if raw.get("action") else ""
    sort = raw.get("sort") or []
    if not isinstance(sort, list):
        raise InputError(path, "display.sort: must be a list of columns")
    sort = tuple(check_column(c, "display.sort") for c in sort)
    empty = raw.get("empty") or []
    if isinstance(empty, str):
        empty = [{"say": empty}]
    if not isinstance(empty, list):
        raise InputError(path, "display.empty: must be a sentence or a list of {when, say}")
    cases = []
    for i, case in enumerate(empty, start=1):
        key = f"display.empty[{i}]"
        if not isinstance(case, dict) or not isinstance(case.get("say"), str):
            raise InputError(path, f"{key}: needs say: a sentence")
        _known(case, EMPTY_KEYS, path, key)
        when = str(case.get("when") or "")
        if when and not _INTERNAL_NAME.fullmatch(when):
            raise InputError(path, f"{key}.when: {when!r} must name an internal query answers-*.rq")
        for placeholder in PLACEHOLDER.findall(case["say"]):
            if placeholder not in params and not when:
                raise InputError(path, f"{key}.say: {{{placeholder}}} is not a parameter of the query")
        cases.append(EmptyCase(case["say"].strip(), when))
    return Display(title, shown, action, sort, str(raw.get("note") or "").strip(), tuple(cases))


def _known(mapping: dict, allowed: set[str], path, key: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise InputError(path, f"{key}: unknown key {unknown[0]!r} (known: {', '.join(sorted(allowed))})")


def check_leads(queries: dict) -> None:
    """Every count's `leads` names a saved query and parameters it has: checked once all are read."""
    for query in queries.values():
        display = getattr(query, "display", None)
        for col in display.shown if display else ():
            if col.leads is None:
                continue
            target = queries.get(col.leads.query)
            key = f"display column {col.column!r} leads"
            if target is None:
                raise InputError(query.path, f"{key} to {col.leads.query!r}, which is no saved query")
            known = {p.name for p in target.params}
            for param, _ in col.leads.params:
                if param not in known:
                    raise InputError(query.path, f"{key} to {target.name}, which has no parameter {param!r} "
                                                 f"(it takes: {', '.join(sorted(known)) or 'none'})")


def natural_key(text: str | None) -> tuple:
    """Text in the order people read numbers in it: "1.2" before "1.10", "objective 9" before "10"."""
    if text is None:
        return ((2, 0, ""),)
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", text) if part != "")
