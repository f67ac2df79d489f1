"""How people name the things the graph knows, and how a typed name is read back to one of them.

Policy staff and researchers do not type the vocabulary's labels. They write "the Met Police",
"BME groups", "people with autism", "Trans pupils", "Residents of deprived wards". `read_name` reads such
a name against every name the graph holds for a kind of thing (labels, synonyms, abbreviations), in
steps from strict to loose, and stops at the first that picks out exactly one thing:

1. the name as written (case and spacing aside);
2. the same words once case, apostrophes, "&", punctuation, plurals, years and a leading "the" are
   set aside (`name_key`): "Alzheimer’s Society", "Libraries & Heritage", "ethnic minority";
3. words that lie inside one label (`_within_label`): "police" -> Metropolitan Police Service. For
   groups of people (`groups=True`) a label that adds a telling word names a narrower group, so it is
   not taken: "Tamil" -> Tamil parents, but "electors" is not "electors who are disabled";
4. a label that lies inside the words (`_labels_within`), when the words around it add nothing that
   could change the meaning: "BME groups" -> BAME (its synonym "BME"), "Children in east Merton" ->
   East Merton, but not "non-BME" or "British Transport Police". Words every population has
   ("pupils", "people", "residents", "groups") pick nothing out when a more telling name is there, so
   "Trans pupils" reads as transgender people, not as school pupils.

A name that is not one of the thing's own names (steps 2 to 4) is reported by the front ends — the
CLI on stderr, the web page above its results, downloads in a header — so nobody is answered about
something they did not ask for without being told. A name that picks out several things, or nothing,
is refused with the candidates: a guess would be a wrong answer given with confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

_IRREGULAR = {"children": "child", "people": "person", "women": "woman", "men": "man",
              "childrens": "child", "peoples": "person", "womens": "woman", "mens": "man"}  # apostrophe left out

# Words too common in names to pick one thing out ("and", "merton", "people" ...).
COMMON_WORDS = frozenset("""a an and the of for in on to with by from s merton council london borough people
person group groups plan plans strategy strategies service services team community communities action""".split())

# Words every population group has: on their own they name nobody in particular (after `name_key`).
_POPULATION_WORDS = frozenset("""person child young adult pupil student learner resident family group community
customer client user member parent staff employee local all those""".split())


def name_key(name: str) -> str:
    """A name as people may type it, for matching: case, apostrophes, "&", punctuation, plurals, years
    and a leading "the" do not count."""
    text = name.casefold().replace("’", "'").replace("&", " and ")
    text = re.sub(r"'s\b", "", text)  # "people's" is "people", "Alzheimer's" is "Alzheimer"
    words = re.sub(r"[^\w]+", " ", text).split()
    if words[:1] == ["the"]:
        words = words[1:]
    # Years and periods are no part of a name here ("Children and Young People's Plan 2016-2019").
    words = [w for w in words if not re.fullmatch(r"(?:19|20)\d\d", w)] or words
    return " ".join(_singular(w) for w in words)


def _singular(word: str) -> str:
    """"minorities" -> "minority", "travellers" -> "traveller": plural or singular does not count."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def distinctive(key: str) -> bool:
    """Whether typed words can stand for the one thing whose label holds them: at least three letters,
    and a word that is not common to many names."""
    return len(key) >= 3 and any(w not in COMMON_WORDS and not w.isdigit() for w in key.split())


@dataclass(frozen=True)
class Name:
    """One way of naming a thing: `shown` for labels a document or page shows, not for search synonyms,
    abbreviations and identifiers (which are matched only in full, or as whole words of a description)."""

    thing: str
    name: str
    shown: bool = True

    @cached_property
    def words(self) -> tuple[str, ...]:
        """The name's `name_key`, as words, worked out once."""
        return tuple(name_key(self.name).split())


MAX_TYPED = 200  # characters: a name, not a document


def read_name(typed: str, names: Iterable[Name], groups: bool = False) -> frozenset[str]:
    """The things a typed name stands for among `names`: one, several (ambiguous) or none (see the
    module docstring for the steps); `groups`: the names are of groups of people, where added words
    narrow the group."""
    if len(typed) > MAX_TYPED:
        return frozenset()
    names = list(names)
    wanted = " ".join(typed.split()).casefold()
    hits = {n.thing for n in names if n.name.casefold() == wanted or n.thing == typed}
    if hits:
        return frozenset(hits)
    key = name_key(typed)
    hits = {n.thing for n in names if " ".join(n.words) == key}
    if hits:
        return frozenset(hits)
    # Loose readings need a telling word: "all", "people" or "parents and children" pick nobody out.
    if not distinctive(key) or set(key.split()) <= COMMON_WORDS | _POPULATION_WORDS:
        return frozenset()
    return frozenset(_within_label(key, names, groups) or _labels_within(key, names, groups))


def _generic(words: list[str]) -> bool:
    """A name made of words every population has ("children and young people", "pupils")."""
    return bool(words) and set(words) - COMMON_WORDS <= _POPULATION_WORDS


def _within_label(key: str, names: list[Name], groups: bool) -> set[str]:
    """The one thing a shown label of which holds all the typed words, in order, as whole words; for
    groups, only a label whose other words are common or population words ("Tamil parents")."""
    typed = key.split()
    hits = set()
    for n in names:
        if not n.shown:
            continue
        label = list(n.words)
        at = _find(typed, label)
        if at is None:
            continue
        extra = label[:at] + label[at + len(typed):]
        if groups and any(w not in COMMON_WORDS and w not in _POPULATION_WORDS for w in extra):
            continue  # "electors" in "electors who are disabled": a narrower group
        hits.add(n.thing)
    return hits if len(hits) == 1 else set()


def _labels_within(key: str, names: list[Name], groups: bool) -> set[str]:
    """Things a name of which lies inside the typed words, the longest reading of each stretch, when
    the words around them add nothing but common words (and, for groups, population words: "BME
    groups", "people with autism"). Any other word may change the meaning — "non-BME", "people
    without disabilities", "British Transport Police" — so the name is not read at all. Names made only
    of population words give way to a more telling one ("Trans pupils" is about transgender people)."""
    words = key.split()
    found: list[tuple[int, int, str, bool]] = []  # start, end, thing, generic
    for n in names:
        label = list(n.words)
        generic = _generic(label)
        if len("".join(label)) < 3 or not (generic or distinctive(" ".join(label))):
            continue
        offset = 0
        while (at := _find(label, words[offset:])) is not None:
            found.append((offset + at, offset + at + len(label), n.thing, generic))
            offset += at + 1
    # A stretch read by a longer name is not read again by a shorter one inside it.
    kept = [f for f in found if not any(o[0] <= f[0] and f[1] <= o[1] and (o[1] - o[0]) > (f[1] - f[0])
                                        for o in found)]
    covered = {i for start, end, _, _ in kept for i in range(start, end)}
    allowed = COMMON_WORDS | _POPULATION_WORDS if groups else COMMON_WORDS
    if not kept or any(w not in allowed for i, w in enumerate(words) if i not in covered):
        return set()
    telling = [f for f in kept if not f[3]]
    return {f[2] for f in (telling or kept)}


def _find(needle: list[str], haystack: list[str]) -> int | None:
    """Where the words of `needle` first occur, in order and together, in `haystack`."""
    size = len(needle)
    for i in range(len(haystack) - size + 1):
        if haystack[i:i + size] == needle:
            return i
    return None
