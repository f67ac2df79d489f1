"""Suggesting links for review: `eqgraph links suggest`, `eqgraph links accept` and `eqgraph links check`.

A link becomes a triple only once a person has accepted it (see linkset.py), so finding candidates is a
separate, offline step whose only output is rows with status `proposed` in a link set's CSV file:

* `suggest` asks a SPARQL endpoint shaped like Wikidata's for items whose English label or alias is one
  of an entity's names, for every partner and national body (eqg:Partner, org:FormalOrganization in
  data/vocab) that has no row at all for the target yet: accepted, proposed and rejected rows all count,
  so a rejected link is never suggested again. Names are matched exactly, in the few ways they are
  capitalised (`VALUES` of literals: an index lookup, where a CONTAINS or REGEX scan times out on a
  store of Wikidata's size). Each candidate is scored on the evidence (see `score`) and the best ones
  at or above the threshold are appended to the CSV; rows already there are kept byte for byte.
* `accept` turns one proposed row into an accepted one, after the checks the build makes (an accepted
  Wikidata link must name an item a shipped reference file holds), so it never leaves a link set that
  would stop the build.
* `check` runs the build's link checks without building.

The endpoint is a public service, so the client is polite and bounded: a User-Agent naming eqgraph, a
minimum interval between requests, a timeout, retries with exponential backoff on transient failures
(HTTP 429 and 5xx, a reset connection; `Retry-After` honoured), a cap on the answer's size, and an
on-disk cache of answers keyed by endpoint and query text, so that asking again sends nothing. Any
failure is one `EndpointError` naming the endpoint and the problem, raised before a file is touched.
"""

from __future__ import annotations

import csv
import email.utils
import hashlib
import http.client
import io
import json
import os
import socket
import tempfile
import time
import urllib.error
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .. import __version__
from ..errors import EqgraphError, InputError, one_line
from ..namespaces import EQG, ORG
from .files import read_csv, read_text
from .linkset import COLUMNS, LinkRow, check_subjects, links_dir, linkset_files, read_linkset, read_linksets
from .targets import Target, load_link_tables

USER_AGENT = f"eqgraph/{__version__} (links suggest; +https://w3id.org/eqgraph)"
SUPPORTED = ("wikidata",)  # targets whose endpoints have Wikidata's shape (rdfs:label, skos:altLabel, wdt:)
MAX_WAIT = 120.0  # seconds: a Retry-After longer than this is reported rather than waited for
ROW_LIMIT = 5000  # rows one answer may hold (the query's LIMIT)

WIKIDATA = "http://www.wikidata.org/entity/"
UNITED_KINGDOM = "Q145"

# Classes (wdt:P31) that make an item an organisation, or something else that happens to share a name.
# Checked first by identifier, then by words of the class's English label, so an unlisted class such as
# "London borough council" still counts as an organisation.
ORGANISATION_CLASSES = {
    "Q43229": "organization", "Q163740": "nonprofit organization", "Q708676": "charitable organization",
    "Q327333": "government agency", "Q2659904": "government organization", "Q783794": "company",
    "Q4830453": "business", "Q891723": "public company", "Q48204": "voluntary association",
    "Q15911314": "association", "Q3918": "university", "Q7278": "political party",
}
OTHER_CLASSES = {
    "Q5": "human", "Q11424": "film", "Q5398426": "television series", "Q482994": "album", "Q7366": "song",
    "Q571": "book", "Q13442814": "scholarly article", "Q4167410": "Wikimedia disambiguation page",
    "Q515": "city", "Q1549591": "big city", "Q3957": "town", "Q532": "village", "Q486972": "human settlement",
    "Q6256": "country", "Q4022": "river", "Q41176": "building", "Q55488": "railway station",
    "Q16970": "church building",
}
ORGANISATION_WORDS = {
    "organization", "organisation", "agency", "authority", "council", "charity", "company", "association",
    "trust", "society", "foundation", "institution", "body", "board", "department", "ministry", "service",
    "union", "club", "corporation", "enterprise", "police", "brigade", "committee", "network", "forum",
    "partnership", "government", "nonprofit", "non-profit", "business", "regulator",
}
OTHER_WORDS = {
    "human", "person", "film", "album", "song", "single", "book", "novel", "article", "episode", "series",
    "city", "town", "village", "settlement", "locality", "suburb", "borough", "district", "county",
    "region", "country", "river", "building", "station", "street", "painting", "taxon", "name", "surname",
    "disambiguation", "place", "area", "park",
}


class EndpointError(EqgraphError):
    """The endpoint could not be asked or gave no usable answer; nothing was written."""

    def __init__(self, endpoint: str, problem: str):
        self.endpoint = endpoint
        self.problem = one_line(problem)
        super().__init__(f"{endpoint}: {self.problem}; nothing was written")


class _Transient(Exception):
    """A failure worth retrying (HTTP 429 or 5xx, a reset or timed-out connection)."""

    def __init__(self, problem: str, retry_after: float | None = None):
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after


# --- the entities and the names they go by ---------------------------------------------------------

@dataclass(frozen=True)
class Entity:
    subject: str  # relative to the base: "partner/stonewall"
    label: str  # skos:prefLabel (en)
    alt_labels: tuple[str, ...]  # skos:altLabel (en); eqg:abbreviation is left out (too ambiguous)


def entities(base: str) -> list[Entity]:
    """Every partner and formal organisation of the vocabularies with an English name, by subject."""
    from ..build import load_vocabularies

    vocab = load_vocabularies(base)
    subjects = set(vocab.subjects(RDF.type, EQG.Partner)) | set(vocab.subjects(RDF.type, ORG.FormalOrganization))
    found = []
    for iri in subjects:
        if not isinstance(iri, URIRef) or not str(iri).startswith(base):
            continue
        labels = sorted(str(o) for o in vocab.objects(iri, SKOS.prefLabel) if _english(o))
        if labels:
            alts = sorted({str(o) for o in vocab.objects(iri, SKOS.altLabel) if _english(o)} - {labels[0]})
            found.append(Entity(str(iri)[len(base):], labels[0], tuple(alts)))
    return sorted(found, key=lambda e: e.subject)


def _english(term) -> bool:
    return isinstance(term, Literal) and (term.language or "").lower() in ("en", "en-gb")


def variants(name: str) -> list[str]:
    """The ways a name is likely capitalised in another dataset: as printed, lower case, title case,
    first letter capital. Exact matches on these replace a case-insensitive scan."""
    words = name.split(" ")
    title = " ".join(w[:1].upper() + w[1:].lower() for w in words)
    found = [name, name.lower(), title, name[:1].upper() + name[1:].lower()]
    return list(dict.fromkeys(v for v in found if v.strip()))


def names_of(entity: Entity) -> dict[str, bool]:
    """Each string to send -> whether it is a form of the entity's preferred name. A preferred name
    without its bracketed qualifier ("Imagine" for "Imagine (charity)") counts as another name."""
    names: dict[str, bool] = {}
    label = entity.label
    if label.endswith(")") and " (" in label:  # "Imagine (charity)": the qualifier is ours, not its name
        label = label[:label.rindex(" (")]
    for alt in (*entity.alt_labels, label):
        for form in variants(alt):
            names[form] = False
    for form in variants(entity.label):
        names[form] = True
    return names


def batch_query(batch: list[Entity]) -> str:
    """One SELECT for a batch of entities: exact English labels and aliases, with class and country."""
    names = sorted({name for entity in batch for name in names_of(entity)})
    values = "\n    ".join(Literal(name, lang="en").n3() for name in names)
    return f"""# eqgraph links suggest: items whose English label or alias is one of these names
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?name ?via ?item ?itemLabel ?class ?classLabel ?country WHERE {{
  VALUES ?name {{
    {values}
  }}
  {{ ?item rdfs:label ?name . BIND("label" AS ?via) }}
  UNION
  {{ ?item skos:altLabel ?name . BIND("alias" AS ?via) }}
  OPTIONAL {{ ?item rdfs:label ?itemLabel . FILTER(LANG(?itemLabel) = "en") }}
  OPTIONAL {{ ?item wdt:P31 ?class .
             OPTIONAL {{ ?class rdfs:label ?classLabel . FILTER(LANG(?classLabel) = "en") }} }}
  OPTIONAL {{ ?item wdt:P17 ?country }}
}}
LIMIT {ROW_LIMIT}
"""


# --- asking the endpoint -----------------------------------------------------------------------------

@dataclass
class Client:
    """A polite, bounded SPARQL client (SPARQLWrapper underneath) with an on-disk answer cache."""

    endpoint: str
    cache_dir: Path | None
    timeout: float = 60.0
    retries: int = 3
    backoff: float = 2.0  # seconds before the first retry; doubled each time
    interval: float = 1.0  # seconds between two requests at least
    max_bytes: int = 16 * 1024 * 1024
    refresh: bool = False  # ask again even when the cache has an answer (and replace it)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    sent: int = field(default=0, init=False)  # requests sent
    cached: int = field(default=0, init=False)  # answers the cache gave
    _last: float | None = field(default=None, init=False, repr=False)  # when the last request was sent

    def __post_init__(self):
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(self.endpoint, "not an http:// or https:// address of a SPARQL endpoint")
        if not self.timeout > 0:
            raise EqgraphError(f"the timeout must be more than 0 seconds, not {self.timeout}")

    def select(self, query: str) -> list[dict]:
        """The bindings of a SELECT query, from the cache when it has them."""
        path = self._cache_path(query)
        if path is not None and not self.refresh:
            bindings = _read_cached(path, self.endpoint, query)
            if bindings is not None:
                self.cached += 1
                return bindings
        bindings = self._ask(query)
        if path is not None:
            _write_atomically(path, json.dumps({"endpoint": self.endpoint, "query": query,
                                                "bindings": bindings}).encode("utf-8"))
        return bindings

    def _cache_path(self, query: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(f"{self.endpoint}\n{query}".encode("utf-8")).hexdigest()
        return self.cache_dir / f"{key}.json"

    def _ask(self, query: str) -> list[dict]:
        attempt = 0
        while True:
            self._wait_turn()
            try:
                return self._once(query)
            except _Transient as failure:
                if attempt >= self.retries:
                    tries = f" (tried {attempt + 1} times)" if attempt else ""
                    raise EndpointError(self.endpoint, failure.problem + tries) from None
                delay = failure.retry_after if failure.retry_after is not None else self.backoff * 2 ** attempt
                if delay > MAX_WAIT:
                    raise EndpointError(self.endpoint, f"{failure.problem}; it asks to wait {delay:.0f} s, "
                                        f"longer than the {MAX_WAIT:.0f} s this command waits") from None
                self.sleep(delay)
                attempt += 1

    def _wait_turn(self) -> None:
        if self._last is not None:
            wait = self.interval - (self.clock() - self._last)
            if wait > 0:
                self.sleep(wait)
        self._last = self.clock()

    def _once(self, query: str) -> list[dict]:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper

        sparql = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        sparql.setMethod(POST)  # a batch of names makes a long query: no URL length limit to meet
        sparql.setOnlyConneg(True)  # the Accept header only, no format=json parameters to refuse
        sparql.setReturnFormat(JSON)
        sparql.timeout = self.timeout  # setTimeout() rounds down to whole seconds, and 0 means none
        sparql.setQuery(query)
        self.sent += 1
        deadline = self.clock() + self.timeout
        try:
            result = sparql.query()
            content_type = result.info().get("content-type", "")
            with result.response as response:
                body = self._read(response, deadline)
        except Exception as exc:  # noqa: BLE001 - every way a request fails is sorted into two kinds
            raise _classify(exc, self) from None
        if len(body) > self.max_bytes:
            raise EndpointError(self.endpoint, f"the answer is larger than {self.max_bytes:,} bytes")
        return _bindings(self.endpoint, content_type, body)


    def _read(self, response, deadline: float) -> bytes:
        """The body, up to one byte more than max_bytes; the socket's timeout bounds each read, the
        deadline the whole answer (a server trickling bytes cannot hold the command for ever)."""
        chunks: list[bytes] = []
        size = 0
        while size <= self.max_bytes:
            chunk = response.read(min(65536, self.max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if self.clock() > deadline:
                raise TimeoutError
        return b"".join(chunks)


def _classify(exc: Exception, client: Client) -> Exception:
    """A failed request as a _Transient (worth retrying) or an EndpointError (not)."""
    from SPARQLWrapper.SPARQLExceptions import (EndPointInternalError, EndPointNotFound, QueryBadFormed,
                                                Unauthorized, URITooLong)

    endpoint = client.endpoint
    if isinstance(exc, EndPointInternalError):
        return _Transient("HTTP 500 (internal server error)")
    permanent = {QueryBadFormed: "HTTP 400: it refused the query as malformed",
                 EndPointNotFound: "HTTP 404: no SPARQL endpoint at this address",
                 Unauthorized: "HTTP 401: it asks for credentials", URITooLong: "HTTP 414: request too long"}
    for kind, problem in permanent.items():
        if isinstance(exc, kind):
            return EndpointError(endpoint, problem)
    if isinstance(exc, urllib.error.HTTPError):
        problem = f"HTTP {exc.code} {exc.reason or ''}".strip()
        if exc.code == 429 or 500 <= exc.code < 600:
            return _Transient(problem, _retry_after(exc.headers.get("Retry-After") if exc.headers else None))
        return EndpointError(endpoint, problem)
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        return EndpointError(endpoint, "connection refused (is a SPARQL endpoint running there?)")
    if isinstance(reason, socket.gaierror):
        return EndpointError(endpoint, f"cannot find the host ({reason.strerror or reason})")
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return _Transient(f"no answer within {client.timeout:g} s")
    if isinstance(reason, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError,
                           http.client.RemoteDisconnected, http.client.IncompleteRead)):
        return _Transient(f"the connection was cut ({type(reason).__name__})")
    if isinstance(reason, http.client.HTTPException):
        return EndpointError(endpoint, f"not an HTTP answer ({type(reason).__name__})")
    if isinstance(reason, OSError):
        return EndpointError(endpoint, f"cannot connect ({reason.strerror or reason})")
    return EndpointError(endpoint, f"the request failed ({type(exc).__name__}: {exc})")


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds to wait: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _bindings(endpoint: str, content_type: str, body: bytes) -> list[dict]:
    """The bindings of a SPARQL JSON results document; anything else is refused as not one."""
    media = content_type.split(";")[0].strip().lower()
    if media not in ("application/sparql-results+json", "application/json"):
        raise EndpointError(endpoint, f"it answered {media or 'without a content type'}, not SPARQL JSON "
                            "results (is this a SPARQL endpoint?)")
    try:
        data = json.loads(body.decode("utf-8"))
        bindings = data["results"]["bindings"]
        if not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
            raise TypeError("bindings is not a list of objects")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise EndpointError(endpoint, f"the answer is not valid SPARQL JSON results ({type(exc).__name__})") from None
    return bindings


def _read_cached(path: Path, endpoint: str, query: str) -> list[dict] | None:
    """A cached answer, or None when there is none (a damaged entry counts as none and is replaced)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("endpoint") != endpoint or data.get("query") != query:
        return None
    bindings = data.get("bindings")
    return bindings if isinstance(bindings, list) else None


# --- scoring -------------------------------------------------------------------------------------------

@dataclass
class Candidate:
    """An item one entity's names matched, with what the endpoint said about it."""

    item: str
    item_label: str = ""
    matches: set[tuple[str, str, bool]] = field(default_factory=set)  # (via label|alias, name, of the pref name)
    classes: dict[str, str] = field(default_factory=dict)  # Q-id -> English label ("" when none)
    countries: set[str] = field(default_factory=set)  # Q-ids

    def score(self) -> tuple[int, list[str]]:
        """Points out of 100 and the reasons, each with its points. The name evidence counts once, the
        best of: +50 the item's label is the entity's preferred name; +30 an alias of the item is the
        preferred name, or the item's label is one of the entity's other names (an alias matching
        another name adds nothing). The class: +20 when an instance-of class is an organisation's,
        otherwise -50 when one is a person's, a place's, a work's. The country: +30 United Kingdom,
        -30 another country only. Missing statements count nothing."""
        via, _, pref = self.best_match()
        points = _name_points(via, pref)
        reasons = [f"{_NAME_REASONS[via, pref]} {points:+d}"]
        kinds = {_class_kind(qid, label) for qid, label in self.classes.items()}
        if "organisation" in kinds:
            points += 20
            reasons.append("organisation-like class +20")
        elif "other" in kinds:
            points -= 50
            reasons.append("a class no organisation has -50")
        if UNITED_KINGDOM in self.countries:
            points += 30
            reasons.append("country United Kingdom +30")
        elif self.countries:
            points -= 30
            reasons.append("another country -30")
        return points, reasons

    def best_match(self) -> tuple[str, str, bool]:
        return max(self.matches, key=lambda m: (_name_points(m[0], m[2]), m[0] == "label", m[1]))

    def source(self, endpoint: str) -> str:
        """What matched, for the link set's `source` column."""
        via, name, _ = self.best_match()
        of = f" of '{self.item_label}'" if via == "alias" and self.item_label else ""
        parts = [f"{via} '{name}' (en){of} at {endpoint}"]
        if self.classes:
            parts.append("P31 " + ", ".join(f"{q} {label}".strip() for q, label in sorted(self.classes.items())))
        if self.countries:
            parts.append("P17 " + ", ".join(sorted(self.countries)))
        return "; ".join(parts)


_NAME_REASONS = {("label", True): "label is the preferred name", ("alias", True): "an alias is the preferred name",
                 ("label", False): "label is another of its names", ("alias", False): "an alias is another of its names"}


def _name_points(via: str, pref: bool) -> int:
    if via == "label":
        return 50 if pref else 30
    return 30 if pref else 0


def _class_kind(qid: str, label: str) -> str | None:
    if qid in ORGANISATION_CLASSES:
        return "organisation"
    if qid in OTHER_CLASSES:
        return "other"
    words = set(label.lower().replace("-", " ").split()) | {label.lower()}
    if words & ORGANISATION_WORDS:
        return "organisation"
    if words & OTHER_WORDS:
        return "other"
    return None


def candidates(batch: list[Entity], bindings: list[dict], target: Target) -> dict[str, dict[str, Candidate]]:
    """subject -> item IRI -> Candidate, from the rows of one batch's answer."""
    wanted: dict[str, list[tuple[Entity, bool]]] = {}
    for entity in batch:
        for name, pref in names_of(entity).items():
            wanted.setdefault(name, []).append((entity, pref))
    found: dict[str, dict[str, Candidate]] = {}
    for row in bindings:
        name, via, item = (_value(row, key) for key in ("name", "via", "item"))
        if name not in wanted or via not in ("label", "alias") or target.identifier_of(item) is None:
            continue
        for entity, pref in wanted[name]:
            candidate = found.setdefault(entity.subject, {}).setdefault(item, Candidate(item))
            candidate.matches.add((via, name, pref))
            candidate.item_label = candidate.item_label or _value(row, "itemLabel")
            klass = _value(row, "class")
            if klass.startswith(WIKIDATA):
                qid = klass[len(WIKIDATA):]
                candidate.classes[qid] = candidate.classes.get(qid) or _value(row, "classLabel")
            country = _value(row, "country")
            if country.startswith(WIKIDATA):
                candidate.countries.add(country[len(WIKIDATA):])
    return found


def _value(row: dict, key: str) -> str:
    term = row.get(key)
    return str(term.get("value", "")) if isinstance(term, dict) else ""


def proposals(found: dict[str, dict[str, Candidate]], endpoint: str, target: Target, threshold: int) -> list[LinkRow]:
    """The best candidate(s) of each entity at or above the threshold (all of them when tied)."""
    rows = []
    for subject in sorted(found):
        scored = [(c.score(), c) for c in found[subject].values()]
        best = max(points for (points, _), _ in scored)
        if best < threshold:
            continue
        tied = sorted((c for (points, _), c in scored if points == best), key=lambda c: c.item)
        for candidate in tied:
            _, reasons = candidate.score()
            note = (f"score {best / 100:.2f} = {', '.join(reasons)} (threshold {threshold / 100:.2f})"
                    + (f"; one of {len(tied)} tied candidates" if len(tied) > 1 else "")
                    + "; review before accepting")
            rows.append(LinkRow(subject, target.relations[0], candidate.item, "suggested",
                                candidate.source(endpoint), "proposed", note))
    return rows


# --- the commands ----------------------------------------------------------------------------------------

@dataclass
class SuggestResult:
    entities: int  # asked about
    skipped: int  # had a row for the target already
    requests: int  # sent
    cached: int  # answered from the cache
    rows: list[LinkRow]
    written: Path | None  # None: nothing to write
    overfull: list[str]  # subjects left out: their names alone matched more rows than an answer holds


def suggest(client: Client, base: str, *, target_name: str = "wikidata", directory: Path | None = None,
            out: Path | None = None, limit: int | None = None, batch_size: int = 10,
            threshold: int = 60) -> SuggestResult:
    """Ask the endpoint about every entity without a row for the target, and append the proposals to
    the target's link set (or `out`). The endpoint is asked everything before a file is written."""
    target = _suggest_target(target_name)
    linkset = (directory or links_dir()) / f"{target.name}.csv"
    out = out or linkset
    known = {row.subject for row in read_linkset(linkset)} if linkset.exists() else set()
    if out.resolve() != linkset.resolve() and out.exists():
        known |= {row["subject"].strip() for _, row in read_csv(out, COLUMNS)[1]}
    everyone = entities(base)
    unlinked = [entity for entity in everyone if entity.subject not in known]
    asked = unlinked[:limit]
    rows: list[LinkRow] = []
    overfull: list[str] = []
    for start in range(0, len(asked), batch_size):
        found = _ask(client, asked[start:start + batch_size], target, overfull)
        rows.extend(proposals(found, client.endpoint, target, threshold))
    rows.sort(key=lambda r: r.subject)  # stable: within a subject, the order proposals() gave
    if rows:
        append_rows(out, rows)
    return SuggestResult(len(asked), len(everyone) - len(unlinked), client.sent, client.cached, rows,
                         out if rows else None, sorted(overfull))


def _ask(client: Client, batch: list[Entity], target: Target, overfull: list[str]) -> dict[str, dict[str, Candidate]]:
    """A batch's candidates. An answer cut at the row limit may lack the best candidate, so the batch is
    asked again in halves; an entity whose names alone fill it is left out (and reported)."""
    bindings = client.select(batch_query(batch))
    if len(bindings) < ROW_LIMIT:
        return candidates(batch, bindings, target)
    if len(batch) == 1:
        overfull.append(batch[0].subject)
        return {}
    half = len(batch) // 2
    return {**_ask(client, batch[:half], target, overfull), **_ask(client, batch[half:], target, overfull)}


def _suggest_target(name: str) -> Target:
    tables = load_link_tables()
    try:
        target = tables.target(name)
    except KeyError:
        raise EqgraphError(f"no link target {name!r} in data/links/targets.yaml "
                           f"({', '.join(t.name for t in tables.targets)})") from None
    if target.name not in SUPPORTED:
        raise EqgraphError(f"links suggest asks endpoints shaped like Wikidata's; it cannot suggest links to "
                           f"{target.label} (targets it can: {', '.join(SUPPORTED)})")
    return target


def _csv_text(rows: Iterable[list[str]], newline: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerows(rows)
    return buffer.getvalue()


def append_rows(path: Path, rows: list[LinkRow]) -> None:
    """Append rows to a link set, keeping every byte already there (a new file gets the header);
    the file is replaced whole or not at all."""
    old = path.read_bytes() if path.exists() else b""
    newline = "\r\n" if b"\r\n" in old else "\n"
    if not old:
        old = _csv_text([list(COLUMNS)], newline).encode("utf-8")
    elif not old.endswith((b"\n", b"\r")):
        old += newline.encode("ascii")
    _write_atomically(path, old + _csv_text((r.as_csv_row() for r in rows), newline).encode("utf-8"))


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise EqgraphError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def described(base: str) -> set[URIRef]:
    """What a link's subject may be without a build: the ontology's, the vocabularies' and the reference
    files' subjects and the built-in plans (things minted while extracting are not among them)."""
    from .. import resources
    from ..build import load_ontology, load_vocabularies
    from ..ingest.manifest import read_manifest
    from ..namespaces import Iris
    from .reference import reference_graphs

    found = set(load_ontology().subjects()) | set(load_vocabularies(base).subjects())
    for graph in reference_graphs(base).values():
        found |= set(graph.subjects())
    iris = Iris(base)
    found |= {iris.plan(entry.id) for _, entry in read_manifest(resources.data_dir() / "plans.yaml")}
    return found


def _check_subjects(rows: list[LinkRow], base: str, directory: Path, known: set[URIRef]) -> None:
    """check_subjects, with each problem named by the file it is really in."""
    for row in rows:
        try:
            check_subjects([row], base, known)
        except InputError as error:
            raise InputError(directory / Path(row.file).name, error.problem, error.line) from None


def check(base: str, directory: Path | None = None) -> dict[str, dict[str, int]]:
    """The build's checks of every link set (form, reference data, subjects): target -> status -> rows."""
    directory = directory or links_dir()
    rows = read_linksets(directory)
    _check_subjects(rows, base, directory, described(base))
    statuses = load_link_tables().statuses
    counts = {path.stem: dict.fromkeys(statuses, 0) for path in linkset_files(directory)}
    for row in rows:
        counts[Path(row.file).stem][row.status] += 1
    return counts


def accept(subject: str, target_iri: str, base: str, *, target_name: str = "wikidata",
           directory: Path | None = None) -> Path:
    """Turn the proposed row `subject` -> `target_iri` into an accepted one, if the build would take it."""
    tables = load_link_tables()
    try:
        target = tables.target(target_name)
    except KeyError:
        raise EqgraphError(f"no link target {target_name!r} in data/links/targets.yaml") from None
    if "://" not in target_iri:
        target_iri = target.namespace + target_iri  # "Q42" for http://www.wikidata.org/entity/Q42
    directory = directory or links_dir()
    path = directory / f"{target.name}.csv"
    rows = read_linkset(path, tables)
    matching = [row for row in rows if row.subject == subject and row.target == target_iri]
    proposed = [row for row in matching if row.status == "proposed"]
    if not proposed:
        if matching:
            raise InputError(path, f"{subject} -> {target_iri} is {matching[0].status}, not proposed: "
                             "only a proposed row can be accepted", matching[0].line)
        others = [row.target for row in rows if row.subject == subject and row.status == "proposed"]
        hint = f" (proposed for it: {', '.join(others)})" if others else ""
        raise InputError(path, f"no proposed row links {subject} to {target_iri}{hint}")
    row = proposed[0]
    text = _with_status(path, row.line, "accepted")
    with tempfile.TemporaryDirectory() as scratch:  # the build's own checks, on the file as it would be
        trial = Path(scratch) / path.name
        trial.write_bytes(text)
        try:
            accepted = [r for r in read_linksets(Path(scratch)) if r.key == row.key]
            check_subjects(accepted, base, described(base))
        except InputError as error:
            raise InputError(path, f"cannot accept {subject} -> {target_iri}: {error.problem}; "
                             "the row stays proposed", error.line or row.line) from None
    _write_atomically(path, text)
    return path


def _with_status(path: Path, line: int, status: str) -> bytes:
    """The file's bytes with the record ending on `line` given `status`; every other line as it was."""
    raw = path.read_bytes()
    text = read_text(path)
    lines = text.splitlines(keepends=True)
    reader = csv.reader(lines)
    header = next(reader)
    start = reader.line_num
    for record in reader:
        if reader.line_num == line:
            record[header.index("status")] = status
            ending = lines[line - 1][len(lines[line - 1].rstrip("\r\n")):] or "\n"
            lines[start:line] = [_csv_text([record], ending)]
            break
        start = reader.line_num
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    return (bom + "".join(lines)).encode("utf-8")
