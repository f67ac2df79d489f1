"""Partners, communities and strategies an action names, read from its fields with one lexicon.

Which field a name appears in decides what the link means:

* partners — `eqg:worksWith` from any field: the update is often where a partner is named
  ("in partnership with the Metropolitan Police Service (MPS) and MOPAC").
* communities — `eqg:targetsCommunity` from what the action commits to (statement, key activity,
  measures), and from a progress update that reports work done for the group ("improved take-up ...
  by Tamil parents", "LGBT History Month": `work_for_group`); a group an update names any other way is
  `eqg:mentionsCommunity` (ethnicity data in an update does not make the action one aimed at that
  group).
* strategies — `eqg:servesStrategy` from the commitment fields (and the Key strategy/Plan cell, see
  `strategies.py`); `eqg:mentionsStrategy` when named only in the update. Programmes, standards and
  reports named in prose (the NHS Health Check programme, Customer Service Excellence) are not read as
  strategies there; they count only when the Key strategy/Plan cell names them.
* a strategy published by a partner ("MOPAC police and crime plan", the Electoral Commission's
  performance standards) — `eqg:worksWith` that partner (`dcterms:publisher` in the vocabulary).
* a partner that represents a community (BAME Voice), a strategy named for one (Gypsy and
  Traveller Strategy), or a service that exists for one (an assisted bin collection is for disabled
  and older residents: data/vocab/services.ttl), named in the commitment fields or the strategy cell —
  `eqg:targetsCommunity` of that community (`eqg:concernsCommunity` in the vocabularies), the name as
  evidence. This is how an action that names a service but not its users is found for them.
* Acts of Parliament — `eqg:citesLegislation` from any field; knowing their titles also keeps their
  words from being read as something else ("Children and Families Act 2014" names no families).
* council units named in the text — `eqg:deliveredBy` when the text shows them doing the work with
  the owner ("in partnership with HR", "work closely with CSF", "The Policy, Strategy and
  Partnerships team has undertaken ...": `_co_delivers`), or when the owner cell names only
  departments and the unit belongs to one of them ("Housing – prevention of homelessness" under C&H; "HR will monitor
  ..." under CS; "Customer Contact strategy/Business Improvement" in the strategy cell): the cell gives
  the department, the text the division that does the work. The unit must be named as a name (with a
  capital), and a one-word name opening a sentence only as a heading ("Housing – ..."), so prose such
  as "commissioning activity" or "Commissioning the Great Weight Debate" is not read as a unit.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache

from rdflib import URIRef

from ..model import Action
from .links import COMMITMENT_FIELDS, STRATEGY_CELL, TEXT_FIELDS, UPDATE, Link, field_texts
from .organisation import units_above
from .vocabulary import Match, Vocabulary


class ConceptLinker:
    def __init__(self, lexicon: Vocabulary, members: dict[str, set[URIRef]], parents: dict[URIRef, URIRef],
                 concerns: dict[URIRef, set[URIRef]], publishers: dict[URIRef, URIRef]):
        self.lexicon = lexicon
        self.concerns = concerns  # partner or strategy -> the communities it represents or is named for
        self.publishers = publishers  # strategy -> the partner that publishes it
        self.partners = members["partner"]
        self.communities = members["community"]
        self.strategies = members["strategy"]
        self.units = members["unit"]
        self.legislation = members["legislation"]
        self.parents = parents

    def _department_of(self, unit: URIRef) -> URIRef:
        while unit in self.parents and self.parents[unit] in self.units:
            unit = self.parents[unit]
        return unit

    def links(self, action: Action, owners: Iterable[Link]) -> list[Link]:
        found: list[Link] = []
        owner_units = {link.target for link in owners}
        departments_only = all(self._department_of(u) == u for u in owner_units)
        owner_departments = {self._department_of(u) for u in owner_units} if departments_only else set()
        owners_within = {self._department_of(u) for u in owner_units}
        above_owners = {a for u in owner_units for a in units_above(self.parents, u)}
        for field, text in field_texts(action, TEXT_FIELDS):
            commitment = field in COMMITMENT_FIELDS
            # Every occurrence, not only the first: "Dyslexia tutor ... materials for learners with
            # dyslexia" says whom the work was for only the second time. One link per target is kept.
            for match in self.lexicon.matches(text):
                if field == STRATEGY_CELL and match.concept not in self.units:
                    # The cell's strategies are linked by StrategyCellReader; here what they concern, and Acts.
                    for community in sorted(self.concerns.get(match.concept, ())):
                        found.append(Link(action.ref, "targetsCommunity", community, field, match.words))
                    if match.concept in self.legislation:
                        found.append(Link(action.ref, "citesLegislation", match.concept, field, match.words))
                    continue
                co_delivers = _co_delivers(text, match) if match.concept in self.units else None
                if co_delivers and match.concept in above_owners:
                    co_delivers = None
                if co_delivers == "doing" and self._department_of(match.concept) not in owners_within:
                    co_delivers = None
                if match.concept in self.units and not (co_delivers or _named_as_unit(text, match)):
                    continue
                if match.concept in self.units and not co_delivers and _PREPOSITION_BEFORE.search(
                        text[max(0, match.start - 40):match.start]):
                    continue  # "referrals to Adult Social Care", "data from Libraries": named, not working
                found.extend(self._link(action, field, text, commitment, match, owner_units, owner_departments,
                                        co_delivers is not None))
        return _first_per_target(found)

    def _link(self, action, field, text, commitment, match: Match, owner_units, owner_departments,
              co_delivers: bool = False) -> Iterable[Link]:
        concept = match.concept
        if concept in self.partners:
            yield Link(action.ref, "worksWith", concept, field, match.words)
        if concept in self.communities:
            targeted = ((commitment and not monitored(text, match))
                        or (field == UPDATE and work_for_group(text, match)))
            yield Link(action.ref, "targetsCommunity" if targeted else "mentionsCommunity", concept, field,
                       match.words)
        if (commitment and not monitored(text, match)) or field == STRATEGY_CELL:
            for community in sorted(self.concerns.get(concept, ())):
                yield Link(action.ref, "targetsCommunity", community, field, match.words)
        if concept in self.strategies:
            yield Link(action.ref, "servesStrategy" if commitment else "mentionsStrategy", concept, field,
                       match.words)
        if concept in self.legislation:
            yield Link(action.ref, "citesLegislation", concept, field, match.words)
        if concept in self.publishers:
            yield Link(action.ref, "worksWith", self.publishers[concept], field, match.words)
        if (concept in self.units and concept not in owner_units and concept not in owner_departments
                and (co_delivers or self._department_of(concept) in owner_departments)):
            yield Link(action.ref, "deliveredBy", concept, field, match.words)


_HEADING = re.compile(r"\s*+[–—:-]")  # matched at a position: a dash or colon after the name
# Words that make a group named in a progress update the people the work was for: a beneficiary
# word before the name ("for", "by", "supporting", "engaged" ... "the"/"those", "candidates from"), an
# activity after it ("LGBT events", "trans inclusion", "ESOL courses"), or a name that is an event
# ("LGBT History Month", "IDAHO") — in a sentence that reports no figures. A
# group named any other way, or in a sentence of figures ("Take-up by BME groups fell to 12%",
# "Outcomes for disabled people remain worse", "an under-representation of females and BME groups"),
# is a figure being reported and stays a mention.
_FOR_BEFORE = re.compile(r"\b(?:for|by|with|support(?:ing|s|ed)?|target(?:ing|ed|s)?|engag(?:e|es|ed|ing)"
                         r"|involv(?:e|es|ed|ing)|reach(?:ing|ed)?|help(?:ing|s|ed)?|serv(?:e|es|ed|ing))"
                         r"\s+(?:the\s+|those\s+|our\s+|local\s+)?$"
                         r"|\b(?:those|people|residents|candidates|applicants|learners|families|children)\s+from\s+"
                         r"(?:the\s+)?(?:[\w'’-]+\s+){0,8}?(?:and\s+from\s+)?$", re.I)
_ACTIVITY_AFTER = re.compile(r"^(?:\s*/\s*\w+)?(?:\s*['’]s)?\s*(?:events?|forums?|courses?|classes|guidance|inclusion|awareness"
                             r"|history month|week|networks?|projects?|programmes?|campaigns?|sessions?|activities"
                             r"|workshops?)\b", re.I)
# Figures: a number that is not a year, a period ("2016-17"), a stage ("Key Stage 2", "Year 1", "Q3")
# or an age ("aged 10-17", "11-16 year olds") — "13th out of 39", "4 from the LAC", "12%" — or words
# that report figures.
_FIGURES = re.compile(r"(?<![\w/.\-–])(?<!stage )(?<!year )(?<!phase )(?<!aged )(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)*"
                      r"(?![\w/]|\s*[-–]\s*\d|\s*years?\b)|%"
                      r"|\b(?:data(?! protection)|figures?|statistics?|rates?|proportion|percentage|representation"
                      r"|(?:over|under)-?represent\w*|compared|fell|fallen|rose|risen|outcomes?|make up|baseline"
                      r"|cohort)\b", re.I)
# A full stop, "!", "?" or ";" before a capital or digit — not the stop of "e.g." or "i.e.".
_SENTENCE_END = re.compile(r"(?<=[a-zA-Z0-9)%])(?<!\b[eE]\.g)(?<!\b[iI]\.e)(?<!\b[eE]g)[.!?;](?=\s+[A-Z0-9])")


class _TextIndex:
    """Where a field's sentences end and where it names equality monitoring or a clause of work, found
    once per text. Every name in a field asks for its sentence; finding the sentence by rescanning the
    text for each name is quadratic in the length of the field (minutes on a 150 KB cell of names)."""

    def __init__(self, text: str):
        stops = [m.start() for m in _SENTENCE_END.finditer(text)]  # each stop is one character
        self.stops = stops
        self.starts = [stop + 1 for stop in stops]
        self.monitoring = [(m.start(), m.end()) for m in _EQUALITY_MONITORING.finditer(text)]
        self.monitoring_ends = [end for _, end in self.monitoring]
        self.clauses = [(m.start(), m.end()) for m in _CLAUSE_OF_WORK.finditer(text)]
        self.clause_starts = [start for start, _ in self.clauses]

    def sentence_start(self, position: int) -> int:
        index = bisect_right(self.starts, position)
        return self.starts[index - 1] if index else 0

    def sentence_end(self, position: int, length: int) -> int:
        index = bisect_left(self.stops, position)
        return self.stops[index] if index < len(self.stops) else length


@lru_cache(maxsize=32)
def _index(text: str) -> _TextIndex:
    return _TextIndex(text)


def _sentence_start(text: str, position: int) -> int:
    return _index(text).sentence_start(position)


def sentence_around(text: str, match: Match) -> str:
    """The sentence of `text` that holds the match."""
    index = _index(text)
    return text[index.sentence_start(match.start):index.sentence_end(match.end, len(text))]


_EVENT = re.compile(r"\b(?:month|day|week|IDAHO)\b", re.I)  # "Black History Month", "IDAHO" name an event
# The group is the subject of the work's focus: "Black pupils and Pupil Premium pupils will remain a
# focus of targeted work", "older residents are a priority".
_FOCUS_AFTER = re.compile(r"^(?:\s+and\s+(?:[\w'’-]+\s+){1,4}?)?\s*(?:will\s+|should\s+)?(?:remains?|be|become|becomes"
                          r"|is|are)\s+(?:a\s+|the\s+|our\s+)?(?:key\s+|particular\s+|main\s+)?(?:focus|priority)\b", re.I)
# Equality monitoring names what is monitored by equality category — services, projects, action plans
# ("annual equality monitoring report - lettings, ... homelessness, RDS, rough sleepers", "Monitor
# equality outcomes of ... action plans e.g. Affordable Warmth, Older People") — not groups the work is for.
_EQUALITY_MONITORING = re.compile(r"\b(?:equality\s+monitoring|monitor(?:ing|s|ed)?\s+(?:the\s+)?equality\s+outcomes?)\b",
                                  re.I)


# Where the list of what is monitored ends: a clause that goes on to do work ("and deliver targeted
# support to ...", ", deliver outreach to ...", "to ensure ..."), its verb as an instruction.
_CLAUSE_OF_WORK = re.compile(r"(?:\band|\bthen|\bto|,|;|:)\s+(?:deliver|provide|support|target|ensure|develop|work"
                             r"|improve|increase|reduce|offer|run|promote|engage|introduce|raise|tackle|help"
                             r"|undertake|commission|address|prioriti[sz]e|focus)\b", re.I)  # not "supported housing"


def monitored(text: str, match: Match) -> bool:
    """Whether a group is named in the list of what equality monitoring covers: after those words in
    its sentence, with no clause of work between them and the group."""
    index = _index(text)
    start = index.sentence_start(match.start)
    last = bisect_right(index.monitoring_ends, match.start) - 1  # the last one that ends before the name
    if last < 0 or index.monitoring[last][0] < start:
        return False
    after = index.monitoring[last][1]
    clause = bisect_left(index.clause_starts, after)
    return not (clause < len(index.clauses) and index.clauses[clause][1] <= match.start)


def work_for_group(text: str, match: Match) -> bool:
    """Whether a group named in a progress update is the one the reported work was for."""
    cued = (_FOR_BEFORE.search(text[max(0, match.start - 80):match.start])
            or _ACTIVITY_AFTER.match(text[match.end:match.end + 40])
            or _FOCUS_AFTER.match(text[match.end:match.end + 80])
            or _EVENT.search(text[match.start:match.end]))
    if not cued:
        return False
    index = _index(text)
    own = text[match.start:match.end]  # the name's own digits ("aged 10-17") are no figure
    return not _sentence_has_figures(text, index.sentence_start(match.start),
                                     index.sentence_end(match.end, len(text)), own)


@lru_cache(maxsize=1024)
def _sentence_has_figures(text: str, start: int, end: int, own: str) -> bool:
    """Whether a sentence reports figures, apart from the words of the name itself; asked once per
    sentence and name (a long sentence naming many groups would be scanned again for every one)."""
    return _FIGURES.search(text[start:end].replace(own, " ")) is not None


# A council unit that the text shows doing the work with the owner, whatever its department: "in
# partnership with HR", "work closely with CSF", "commissioned by Public Health", "via the Merton Direct
# Payments Team", "The Policy, Strategy and Partnerships team has undertaken ...". A name followed by
# a verb of doing the work ("has undertaken", "will lead", "hosted" — not "has experienced", "will be
# considered") counts only when it cannot be ordinary prose — several words, an abbreviation, or
# "... team" / "... service" ("Commissioning will start in April" is not a unit) — and only within
# the owner's departments. A unit above the owner's own (its department) is context, never a second
# deliverer.
_WITH_BEFORE = re.compile(r"\b(?:(?:in partnership|in conjunction|closely|jointly|together) with|(?:commissioned|led|delivered)"
                          r" by|via)\s+(?:the\s+)?$", re.I)
_DOING_AFTER = re.compile(
    r"^\s*(?P<noun>team\s+|service\s+)?(?:(?:has|have|had)\s+(?:now\s+|also\s+|\w+ly\s+)?(?:undertaken|delivered|led"
    r"|worked|developed|completed|run|held|provided|trained|launched|produced|hosted|established|commissioned"
    r"|carried out|introduced|implemented|set up|reviewed|prevented|supported|worked)"
    r"|will\s+(?:lead|deliver|run|work|develop|provide|host|monitor|support|undertake|review|ensure|commission)"
    r"|(?:works|worked|leads|led|delivers|delivered|runs|ran|hosted|held|undertook|developed|provided|"
    r"supported|continues to)\b)", re.I)
_PREPOSITION_BEFORE = re.compile(r"\b(?:to|about|for|on|of|in|from|at)\s+(?:the\s+)?$", re.I)


def _co_delivers(text: str, match: Match) -> str | None:
    """"with" when the text names the unit as working with the owner (any department), "doing" when
    it names the unit as the subject of the work (counted within the owner's departments), else None."""
    words = text[match.start:match.end]
    if not any(c.isupper() for c in words):
        return None
    before = text[max(0, match.start - 40):match.start]
    if _WITH_BEFORE.search(before):
        return "with"
    doing = _DOING_AFTER.match(text[match.end:match.end + 30])
    if doing is None or _PREPOSITION_BEFORE.search(before):
        return None
    return "doing" if doing.group("noun") or " " in words.strip() or words.isupper() else None


def _named_as_unit(text: str, match: Match) -> bool:
    words = text[match.start:match.end]
    if not any(c.isupper() for c in words):
        return False
    before = match.start  # the last character before the name that is not a space (no copy of the text)
    while before and text[before - 1].isspace():
        before -= 1
    opens_sentence = before == 0 or text[before - 1] in ".•-–"
    if opens_sentence and " " not in words.strip():
        return bool(_HEADING.match(text, match.end))
    return True


class ThemeLinker:
    """Themes named in what an action commits to (and its strategy cell), with their own lexicon."""

    def __init__(self, lexicon: Vocabulary):
        self.lexicon = lexicon

    def links(self, action: Action) -> list[Link]:
        found: dict[URIRef, Link] = {}
        for field, text in field_texts(action, (*COMMITMENT_FIELDS, STRATEGY_CELL)):
            for match in self.lexicon.find(text):
                found.setdefault(match.concept, Link(action.ref, "hasTheme", match.concept, field, match.words))
        return list(found.values())


# Links of one family name one relation at two strengths; the stronger reading wins.
_FAMILY = {"targetsCommunity": ("community", 0), "mentionsCommunity": ("community", 1),
           "servesStrategy": ("strategy", 0), "mentionsStrategy": ("strategy", 1)}


def _first_per_target(links: list[Link]) -> list[Link]:
    """One link per target and relation: a community both targeted and mentioned is targeted; the
    first field that names it is the evidence shown. Order of first appearance is kept."""
    kept: dict[tuple[str, URIRef], tuple[int, int, Link]] = {}
    for position, link in enumerate(links):
        family, strength = _FAMILY.get(link.predicate, (link.predicate, 0))
        key = (family, link.target)
        if key not in kept or strength < kept[key][0]:
            kept[key] = (strength, position, link)
    return [link for _, _, link in sorted(kept.values(), key=lambda item: item[1])]
