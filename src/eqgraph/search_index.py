"""The site's search: an index of everything a policy officer names, built once per release, outside SPARQL.

Why not SPARQL: a search must forgive plurals and a typo, rank what it finds and say which words
matched, in a few milliseconds; a CONTAINS scan over every text can do none of that. The saved query
`search` keeps doing what it always did; this index serves /search.

What is indexed (read by the internal queries queries/internal/search-*.rq):
* things: communities, protected characteristics, partners, strategies, departments and divisions,
  themes, services, Acts, objectives and plans, by every name the vocabularies give them (prefLabel,
  altLabel, hiddenLabel, rdfs:label, abbreviation, title, identifier);
* actions: their number and every text (commitment, key activity, measures, progress update, the
  strategy and department cells as printed); and what they are linked to, so that an action aimed at a
  community whose name matches is found even when its words do not contain the ones typed.

How words match (`key`): case, accents and plurals do not count ("Minorities" is "minority"); the
synonyms of data/search.yaml count as the same word; a word that no text holds is read as one typo of
words that are held ("disabilty" → "disability"), or as the start of longer ones ("volunt" →
"voluntary"). Every word typed must match (in one text of an action, or in the names of one thing).

Everything a search does is bounded (data/search.yaml `limits`): the text, the number of words, the
words tried for each typed one, the results shown per group.
"""

from __future__ import annotations

import difflib
import re
import time
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from . import resources
from .namespaces import PREFIXES

SLOT_BITS = 6  # a posting is (document << SLOT_BITS) | slot: which text of which document holds a word
MAX_SLOT = (1 << SLOT_BITS) - 1  # texts beyond the 63rd of one document share the last slot
ACTION = "action"
IDENTIFIER = PREFIXES["dcterms"] + "identifier"

# A word: an action number (1.2.17), a name joined by '&' (C&H), or letters and digits with inner
# apostrophes (Merton's).
_WORD = re.compile(r"\d+(?:\.\d+)+|[^\W_]+(?:&[^\W_]+)+|[^\W_]+(?:['’][^\W_]+)*")


# --- words ------------------------------------------------------------------------------------------

def fold(word: str) -> str:
    """Lower case without accents, one apostrophe: "Café’s" -> "cafe's"."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold().replace("’", "'")


def stem(word: str) -> str:
    """The singular of a folded word, by the regular English endings (irregular ones are synonyms):
    "communities" -> "community", "churches" -> "church", "services" -> "service", "Merton's" -> "merton"."""
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)  # texts repeat their words: each is read once (bounded: typed words too)
def key(word: str) -> str:
    """The index key of a word as written."""
    return stem(fold(word))


def words(text: str):
    """(start, end, key) for each word of a text, positions in the text as written."""
    for match in _WORD.finditer(text):
        yield match.start(), match.end(), key(match.group())


def distance(a: str, b: str, most: int) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from a to b, or most + 1 when more."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > most:
            return most + 1
        previous2, previous = previous, current
    return previous[-1]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


# --- settings ---------------------------------------------------------------------------------------

def _iri(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES and not local.startswith("//") else curie


@dataclass(frozen=True)
class Kind:
    key: str
    classes: tuple[str, ...]
    one: str
    many: str


@dataclass(frozen=True)
class SearchSettings:
    """data/search.yaml, read: what is searched and how it is shown."""

    kinds: tuple[Kind, ...]
    names: dict[str, float]
    action_fields: dict[str, dict]
    action_links: dict[str, str]
    stop_words: frozenset[str]
    synonyms: dict[str, frozenset[str]]
    limits: dict[str, int]
    examples: tuple[str, ...] = ()  # what the empty search page offers to try

    @classmethod
    def load(cls, path: Path | None = None) -> "SearchSettings":
        raw = yaml.safe_load((path or resources.data_dir() / "search.yaml").read_text(encoding="utf-8"))
        kinds = tuple(Kind(k["key"], tuple(_iri(c) for c in k["classes"]), k["one"], k["many"]) for k in raw["kinds"])
        synonyms: dict[str, set[str]] = defaultdict(set)
        for group in raw["synonyms"]:
            keys = {key(str(w)) for w in group}
            for k in keys:
                synonyms[k] |= keys - {k}
        return cls(kinds, {_iri(p): float(w) for p, w in raw["names"].items()}, dict(raw["action_fields"]),
                   {_iri(p): str(s) for p, s in raw["action_links"].items()},
                   frozenset(key(str(w)) for w in raw["stop_words"]),
                   {k: frozenset(v) for k, v in synonyms.items()}, {k: int(v) for k, v in raw["limits"].items()},
                   tuple(str(e) for e in raw.get("examples") or ()))

    def kind_of(self, classes) -> str | None:
        """The first kind (in the file's order) that one of the classes belongs to."""
        for kind in self.kinds:
            if any(c in classes for c in kind.classes):
                return kind.key
        return None

    def kind(self, name: str) -> Kind | None:
        return next((k for k in self.kinds if k.key == name), None)


# --- the index --------------------------------------------------------------------------------------

@dataclass
class Doc:
    """One thing or action the index finds: its texts (slots), and what its result shows."""

    iri: str
    kind: str
    label: str = ""
    slots: list[tuple[str, str, float]] = field(default_factory=list)  # (field or property IRI, text, weight)
    description: str = ""
    plan: str = ""  # an action's plan IRI
    ref: str = ""
    order: str = ""
    status: str = ""


@dataclass
class Term:
    """A word typed, and the index keys it matches, each with how much a match counts."""

    typed: str
    keys: dict[str, float]
    alike: list[str] = field(default_factory=list)  # words spelt alike or starting alike that it was read as


class SearchIndex:
    """Everything searchable in one release, in memory. Built by `from_store` (or `build` from rows)."""

    def __init__(self, settings: SearchSettings):
        self.settings = settings
        self.docs: list[Doc] = []
        self.numbers: dict[str, int] = {}  # IRI -> its document's number
        self.postings: dict[str, tuple[array, array]] = {}  # key -> (documents, their slots holding it as bits)
        self.forms: dict[str, list[str]] = {}  # key -> the words (folded) that texts write it as
        self.keys: list[str] = []  # sorted, for words typed as the start of longer ones
        self.surface: dict[str, str] = {}  # key -> the word as texts most often write it (folded)
        self._deletions: dict[str, list[str]] = {}
        self.children: dict[int, list[int]] = {}
        self.parents: dict[int, list[int]] = {}
        self.linked: dict[int, list[tuple[int, str]]] = {}  # thing -> (action, relation IRI)
        self.links: dict[int, list[tuple[int, str]]] = {}  # action -> (thing, relation IRI)
        self.truncated = False
        self.built_ms = 0.0

    # -- building --

    @classmethod
    def from_store(cls, store, settings: SearchSettings | None = None) -> "SearchIndex":
        """Read what the index needs with the internal queries (queries/internal/search-*.rq)."""
        from .catalogue import internal_query

        started = time.perf_counter()
        truncated = False

        def rows(name: str, *columns: str):
            nonlocal truncated
            answer = store.query(internal_query(name))
            truncated = truncated or bool(getattr(answer, "truncated", False))
            return [tuple(None if r[c] is None else r[c].value for c in columns) for r in answer]

        index = cls.build(
            settings or SearchSettings.load(),
            names=rows("search-names", "thing", "class", "property", "name"),
            descriptions=rows("search-descriptions", "thing", "description"),
            actions=rows("search-actions", "action", "plan", "ref", "order", "statusLabel"),
            texts=rows("search-action-texts", "action", "field", "text", "position"),
            links=rows("search-action-links", "action", "relation", "thing"),
            broader=rows("search-broader", "narrower", "broader"),
        )
        index.truncated = truncated
        index.built_ms = (time.perf_counter() - started) * 1000
        return index

    @classmethod
    def build(cls, settings: SearchSettings, names=(), descriptions=(), actions=(), texts=(), links=(),
              broader=()) -> "SearchIndex":
        """The index from plain rows (strings; None for unbound), as the internal queries give them:
        names (thing, class, property, name), descriptions (thing, text), actions (action, plan, ref,
        sort key, status label), texts (action, field, text, position), links (action, relation, thing),
        broader (narrower, broader)."""
        index = cls(settings)
        ids: dict[str, int] = {}
        classes: dict[str, set[str]] = defaultdict(set)
        thing_names: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for thing, cls_iri, prop, name in names:
            classes[thing].add(cls_iri)
            if name and (prop, name) not in thing_names[thing]:
                thing_names[thing].append((prop, name))
        described = {thing: text for thing, text in descriptions if text}
        for thing in sorted(thing_names):
            kind = settings.kind_of(classes[thing])
            if kind is None:
                continue
            ordered = sorted(thing_names[thing], key=lambda pn: (-settings.names.get(pn[0], 0.5), pn[1]))
            doc = Doc(thing, kind, label=ordered[0][1], description=described.get(thing, ""),
                      slots=[(p, n, settings.names.get(p, 0.5)) for p, n in ordered])
            ids[thing] = len(index.docs)
            index.docs.append(doc)
        fields = settings.action_fields
        for action, plan, ref, order, status in sorted(actions, key=lambda a: (a[1] or "", a[3] or "", a[0])):
            if action in ids:
                continue
            ids[action] = len(index.docs)
            index.docs.append(Doc(action, ACTION, plan=plan or "", ref=ref or "", order=order or "",
                                  status=status or ""))
        texts_of: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for action, name, text, position in texts:
            if action in ids and name in fields and text:
                texts_of[action].append((name, text, int(position) if position and position.isdigit() else 0))
        field_order = {name: i for i, name in enumerate(fields)}
        for action, found in texts_of.items():
            doc = index.docs[ids[action]]
            seen = set()
            for name, text, _ in sorted(found, key=lambda f: (field_order[f[0]], f[2], f[1])):
                if text in seen:  # the statement is often the title again
                    continue
                seen.add(text)
                doc.slots.append((name, text, float(fields[name]["weight"])))
                if name == "title" and not doc.label:
                    doc.label = text
        postings: dict[str, dict[int, int]] = defaultdict(dict)  # key -> document -> its slots as bits
        surfaces: dict[str, Counter] = defaultdict(Counter)
        for number, doc in enumerate(index.docs):
            for slot, (_, text, _) in enumerate(doc.slots):
                bit = 1 << min(slot, MAX_SLOT)
                for match in _WORD.finditer(text):
                    k = key(match.group())
                    surfaces[k][fold(match.group())] += 1
                    held = postings[k]
                    held[number] = held.get(number, 0) | bit
        index.numbers = ids
        index.postings = {k: (array("I", held.keys()), array("Q", held.values())) for k, held in postings.items()}
        index.forms = {k: sorted(c, key=lambda f: (-len(f), f)) for k, c in surfaces.items()}
        index.keys = sorted(index.postings)
        table: dict[str, list[str]] = defaultdict(list)  # one letter less -> the keys: for typos
        for k in index.keys:
            if len(k) >= settings.limits["typo_length"] - 1 and k.isalpha():
                for d in _deletions(k):
                    table[d].append(k)
        index._deletions = dict(table)
        index.surface = {k: k if k in c else c.most_common(1)[0][0] for k, c in surfaces.items()}
        for narrower, wider in broader:
            if narrower in ids and wider in ids and narrower != wider:
                index.children.setdefault(ids[wider], []).append(ids[narrower])
                index.parents.setdefault(ids[narrower], []).append(ids[wider])
        for action, relation, thing in sorted(links):
            if action in ids and thing in ids and relation in settings.action_links:
                index.linked.setdefault(ids[thing], []).append((ids[action], relation))
                index.links.setdefault(ids[action], []).append((ids[thing], relation))
        return index

    def _alike(self, word: str, most: int) -> list[str]:
        """Keys at most `most` edits (1 or 2) from a word, the most used first."""
        probes = {word} | _deletions(word)
        if most > 1:
            probes |= {d for p in list(probes) for d in _deletions(p)}
        found = set()
        for probe in probes:
            if probe in self.postings:
                found.add(probe)
            found.update(self._deletions.get(probe, ()))
        close = [k for k in found if k != word and distance(word, k, most) <= most]
        return sorted(close, key=lambda k: (-len(self.postings[k][0]), k))

    def spelt_like(self, word: str) -> list[str]:
        """Keys spelt like a word that matches nothing, for a suggestion: two edits at most, else the
        closest of the keys with the same first two letters (difflib's ratio, 0.75 or more)."""
        if any(c.isdigit() for c in word) or len(word) < self.settings.limits["typo_length"]:
            return []
        close = self._alike(word, 2)
        if not close:
            start = bisect_left(self.keys, word[:2])
            same = []
            for k in self.keys[start:]:
                if not k.startswith(word[:2]):
                    break
                same.append(k)
            close = difflib.get_close_matches(word, same, n=1, cutoff=0.75)
        return close

    def _starting(self, word: str, most: int) -> list[str]:
        start = bisect_left(self.keys, word)
        found = []
        for k in self.keys[start:start + 10 * most]:
            if not k.startswith(word):
                break
            if k != word:
                found.append(k)
        return sorted(found, key=lambda k: (-len(self.postings[k][0]), k))[:most]

    # -- searching --

    def terms(self, text: str) -> tuple[list[Term], dict]:
        """The words of a search, each with the keys it matches; and what was left out (and why)."""
        limits = self.settings.limits
        notes = {"cut": len(text) > limits["query_characters"], "ignored": [], "stop_words": []}
        text = text[:limits["query_characters"]]
        typed: list[tuple[str, str]] = []
        for match in _WORD.finditer(text):
            k = key(match.group())
            if k and k not in {t for t, _ in typed}:
                typed.append((k, match.group()))
        meaningful = [(k, w) for k, w in typed if k not in self.settings.stop_words]
        if meaningful:
            notes["stop_words"] = [w for k, w in typed if k in self.settings.stop_words]
            typed = meaningful
        notes["ignored"] = [w for _, w in typed[limits["terms"]:]]
        terms = []
        for k, word in typed[:limits["terms"]]:
            keys: dict[str, float] = {}
            alike: list[str] = []
            if k in self.postings:
                keys[k] = 1.0
            for other in sorted(self.settings.synonyms.get(k, ())):
                if other in self.postings:
                    keys.setdefault(other, 0.9)
            if k not in self.postings and not any(c.isdigit() for c in k):
                most = limits["spelt_alike"]
                if len(k) >= limits["typo_length"]:
                    alike += self._alike(k, 1)[:most]
                if len(k) >= limits["prefix_length"]:
                    alike += [s for s in self._starting(k, most) if s not in alike][:max(0, most - len(alike))]
                for other in alike:
                    keys.setdefault(other, 0.7)
                    for synonym in sorted(self.settings.synonyms.get(other, ())):
                        if synonym in self.postings:
                            keys.setdefault(synonym, 0.6)
            terms.append(Term(word, keys, [self.surface.get(a, a) for a in alike]))
        return terms, notes

    def doc(self, iri: str) -> Doc | None:
        number = self.numbers.get(iri)
        return None if number is None else self.docs[number]

    def identifier(self, iri: str) -> str:
        """A thing's dcterms:identifier (a plan's id: merton-2017-18), else the end of its IRI."""
        doc = self.doc(iri)
        for name, text, _ in doc.slots if doc is not None else ():
            if name == IDENTIFIER:
                return text
        return iri.rstrip("/").rsplit("/", 1)[-1]

    def _matches(self, term: Term) -> dict[int, tuple[tuple[float, int], ...]]:
        """document -> for each key of the term it holds, (how much that key counts, the slots holding it)."""
        found: dict[int, tuple[tuple[float, int], ...]] = {}
        for k, weight in term.keys.items():
            docs, masks = self.postings[k]
            if not found:
                found = {d: ((weight, m),) for d, m in zip(docs, masks)}
                continue
            for d, m in zip(docs, masks):
                found[d] = found.get(d, ()) + ((weight, m),)
        return found

    def _weight(self, number: int, mask: int) -> float:
        """The weight of the best of a document's slots in `mask`."""
        slots = self.docs[number].slots
        return max(slots[s][2] for s in _bits(mask))

    def search(self, text: str, kind: str | None = None, plan: str | None = None) -> "Found":
        """What matches a search, scored, before it is shown. `kind` (and `plan`, for actions) narrows it
        to one group. Every word must match: in one text of an action, in the names of one thing; an
        action linked to a matching thing (or to one under it) matches too."""
        terms, notes = self.terms(text)
        found = Found(self, terms, notes, kind, plan)
        if not terms or any(not t.keys for t in terms):
            return found  # a word matches nothing: nothing holds every word
        per_term = [self._matches(t) for t in terms]
        common = set(min(per_term, key=len))
        for other in per_term:
            common &= other.keys()
        text_scores: dict[int, float] = {}
        for number in common:
            masks, score = [], 0.0
            for per in per_term:
                mask, best = 0, 0.0
                for weight, held in per[number]:
                    mask |= held
                    best = max(best, weight * self._weight(number, held))
                masks.append(mask)
                score += best
            found.masks[number] = masks
            together = masks[0]
            for mask in masks[1:]:
                together &= mask
            doc = self.docs[number]
            if together:  # every word in one text
                score += 0.5
                if doc.kind != ACTION and any(_covered(doc.slots[s][1], found.keys) for s in _bits(together)):
                    score += 1.0  # the whole of one name: "BAME", "Merton Voluntary Service Council"
            if doc.kind == ACTION:
                text_scores[number] = score
            else:
                found.things[number] = score
        if len(terms) > 1:
            self._phrases(found, text_scores)
        # Actions linked to a matching thing, or to one under it: the link to the thing itself first.
        link_scores: dict[int, float] = {}
        for thing, score in sorted(found.things.items(), key=lambda item: -item[1]):
            for under, depth in self._below(thing):
                for action, relation in self.linked.get(under, ()):
                    reasons = found.via.setdefault(action, [])
                    if not any(r[0] == under and r[1] == relation for r in reasons):
                        reasons.append((under, relation, thing))
                    link_scores[action] = max(link_scores.get(action, 0.0), score * (0.8 if depth == 0 else 0.7))
        for reasons in found.via.values():
            reasons.sort(key=lambda r: r[0] != r[2])
        for number in text_scores.keys() | link_scores.keys():
            a, b = text_scores.get(number, 0.0), link_scores.get(number, 0.0)
            found.actions[number] = max(a, b) + 0.25 * min(a, b)
        return found

    def _phrases(self, found: "Found", scores: dict[int, float], most: int = 200) -> None:
        """A bonus for the words typed side by side in that order in one text ("network rail"), looked
        for in the best `most` actions only, with one expression of the words as texts write them."""
        parts = []
        for term in found.terms:
            forms = sorted({f for k in term.keys for f in self.forms.get(k, ())}, key=lambda f: (-len(f), f))
            parts.append("(?:" + "|".join(re.escape(f) for f in forms[:200]) + ")")
        phrase = re.compile(r"(?<![^\W_])" + r"[\W_]+".join(parts) + r"(?![^\W_])", re.IGNORECASE)
        for number in sorted(scores, key=lambda n: -scores[n])[:most]:
            together = found.masks[number][0]
            for mask in found.masks[number][1:]:
                together &= mask
            if any(phrase.search(self.docs[number].slots[slot][1]) for slot in _bits(together)):
                scores[number] += 0.75

    def _below(self, thing: int, most: int = 5000):
        """The thing and everything under it (narrower, concerning it, its divisions), each once."""
        seen = {thing: 0}
        queue = [thing]
        while queue and len(seen) < most:
            current = queue.pop(0)
            for child in self.children.get(current, ()):
                if child not in seen and self.docs[child].kind != "objective":
                    seen[child] = seen[current] + 1
                    queue.append(child)
        return seen.items()


def _bits(mask: int):
    slot = 0
    while mask:
        if mask & 1:
            yield slot
        mask >>= 1
        slot += 1


def _covered(text: str, keys: set[str]) -> bool:
    """Whether every word of a name is a matched one."""
    found = [k for _, _, k in words(text)]
    return bool(found) and all(k in keys for k in found)


class Found:
    """A search's matches (document -> score) and how its words were read; `page()` shows them."""

    def __init__(self, index: SearchIndex, terms: list[Term], notes: dict, kind: str | None, plan: str | None):
        self.index = index
        self.terms = terms
        self.notes = notes
        self.kind = kind
        self.plan = plan
        self.keys: set[str] = {k for t in terms for k in t.keys}
        self.things: dict[int, float] = {}
        self.actions: dict[int, float] = {}
        self.via: dict[int, list[tuple[int, str, int]]] = {}  # action -> (linked thing, relation, matched thing)
        self.masks: dict[int, list[int]] = {}  # document -> for each word, the texts (slots) that hold it

    @property
    def total(self) -> int:
        return len(self.things) + len(self.actions)
