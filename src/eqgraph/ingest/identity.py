"""Which plan a document is, read from its title line: the strategy, its period, which update.

Councils title their action plan updates in a few set ways ("Appendix 1 – Equality and Community
Cohesion Strategy 2017-21 Action Plan - Year 2 update", "Equality Strategy Action Plan – 2013/14
update", "Equality Scheme 2014-18: second annual update (2015/16)"). The rules here are general, not
one council's:

* page furniture is dropped from the title: a leading "Appendix 1 –", "Annex B:", "Agenda item 6", a
  trailing "Page 3 of 12", markup;
* a reporting year written as a year and the next ("2013/14", "2015-16") is the plan's period;
* a span of years ("2017-21", "2014–2018") is the strategy's period, and the words before it (or before
  "Action Plan") name the strategy;
* a council named in the title ("London Borough of Kingsmoor", "Kingsmoor Borough Council") publishes
  the plan;
* "Year 2 update", "second annual update", "update 3" say which update of the strategy this is; with
  the strategy's first year it gives the period (Year 2 of 2017-21 reports on 2018/19).

What a rule could not establish stays None: the caller asks for it (`eqgraph add --period`) rather
than guessing, and every value read here is reported as read from the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import period_start  # noqa: F401 - one rule for reading a period, shared with later stages

# "Appendix 1 –", "Annex B:", "Agenda item 6", "Schedule IV": the word in any case, then a label that
# is a number, a single capital or a roman numeral (so "Item Equality Strategy" keeps "Equality").
_FURNITURE_START = re.compile(
    r"^\s*(?:(?i:appendix|annexe?|schedule|enclosure|attachment|agenda\s+item|item|paper|document)"
    r"\s+(?:\d+(?:\.\d+)*[A-Za-z]?|[A-Z]|[IVXLC]+)\b\s*[-–—:.)]*\s*)+")
_REPORT_TO = re.compile(r"^\s*report\s+to\s+(?:[\w&]+\s+){0,4}?(?:council|cabinet|committee|panel|board)\s*[-–—:]\s*",
                        re.IGNORECASE)  # "Report to Full Council –": who receives the paper, not its title
_FURNITURE_END = re.compile(r"\s*[-–—|,]?\s*(?:page\s+\d+(?:\s+of\s+\d+)?|(?<!\d)\d{1,3}\s*/\s*\d{1,3})\s*$",
                            re.IGNORECASE)  # "Page 3 of 12", "3/12" (a page count, never a year: "2018/19")
_MARKUP = re.compile(r"</?[a-zA-Z][^<>]{0,40}>")
_YEAR_PAIR = re.compile(r"\b((?:19|20)\d\d)\s*[/–—-]\s*(\d\d(?:\d\d)?)\b")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "one": 1, "two": 2,
             "three": 3, "four": 4, "five": 5, "six": 6}
_UPDATE = re.compile(
    r"\byear\s+(?P<year>\d{1,2}|one|two|three|four|five|six)\b(?:\s+(?:progress\s+)?(?:update|report|review))?"
    r"|\b(?P<ordinal>first|second|third|fourth|fifth|sixth)\s+(?:annual\s+|yearly\s+|progress\s+)*(?:update|report|review)\b"
    r"|\b(?:update|progress\s+report)\s+(?:no\.?\s*)?(?P<number>\d{1,2})\b", re.IGNORECASE)
_COUNCIL = re.compile(
    r"\b(?:(?:London|Royal) Borough of|City of|County of|Borough of) (?:[A-Z][\w'-]+)(?: (?:and|upon|on|in) [A-Z][\w'-]+)*"
    r"(?: (?:City|County|Borough|District) Council)?"
    r"|\b(?!(?:Full|The|This|Our|Your|Cabinet|County|City|Borough|District|Report|To|For|Item)\b)"
    r"(?:[A-Z][\w'-]+ ){1,3}(?:City |County |Borough |District |Metropolitan Borough )?Council\b")
_ACTION_PLAN = re.compile(r"\s*[-–—:,]?\s*\baction\s+plan\b.*$", re.IGNORECASE)
_SEPARATORS = " -–—:,.;"


@dataclass(frozen=True)
class Identity:
    """What a title line says about its plan; None where it says nothing."""

    title: str | None  # the title without page furniture
    strategy: str | None  # "Equality and Community Cohesion Strategy"
    strategy_years: tuple[int, int] | None  # (2017, 2021)
    update: int | None  # 2 for "Year 2 update"
    period: str | None  # "2018/19": stated, or worked out from the strategy's years and the update
    period_stated: bool = False  # the title states the period itself (not worked out)
    publisher: str | None = None  # the council the title names ("London Borough of Kingsmoor")

    @property
    def strategy_key(self) -> str | None:
        """The strategy and its years, as one comparable name ("equality and community cohesion strategy 2017-2021")."""
        if not self.strategy:
            return None
        years = f" {self.strategy_years[0]}-{self.strategy_years[1]}" if self.strategy_years else ""
        return re.sub(r"\s+", " ", self.strategy.lower()).strip() + years


def clean_title(line: str) -> str:
    """The title without markup and page furniture, on one line."""
    text = _MARKUP.sub(" ", line)
    text = re.sub(r"\s+", " ", text).strip()
    text = _FURNITURE_START.sub("", text)
    text = _REPORT_TO.sub("", text)
    text = _FURNITURE_END.sub("", text)
    return re.sub(r"\s+-\s+", " – ", text).strip(_SEPARATORS)


def period_in(strategy_years: tuple[int, int], update: int) -> str | None:
    """The year an update of a strategy reports on: Year 2 of 2017-21 is 2018/19; a year past the
    strategy's last (Year 5 of 2017-21) is none."""
    first = strategy_years[0] + update - 1
    return period_label(first) if first < strategy_years[1] else None


def period_label(first_year: int) -> str:
    """2018 -> "2018/19"."""
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def _full_year(first: int, second: str) -> int:
    """The second year of "2017-21" or "1999-03" in full (a two-digit year past the century's end wraps)."""
    if len(second) == 4:
        return int(second)
    year = first // 100 * 100 + int(second)
    return year + 100 if year < first else year


def read_identity(line: str | None) -> Identity:
    if not line or not line.strip():
        return Identity(None, None, None, None, None)
    title = clean_title(line)
    council = _COUNCIL.search(title)
    publisher = council.group(0) if council else None
    # The strategy is named after the council, if the title opens with it.
    named = (title[:council.start()] + " " + title[council.end():]).strip(_SEPARATORS) if council else title
    named = re.sub(r"\s+[-–—]\s+[-–—]\s+|\s{2,}", " – ", named).strip(_SEPARATORS)
    period, strategy_years, strategy = None, None, None
    stated = False
    for match in _YEAR_PAIR.finditer(named):
        first, last = int(match.group(1)), _full_year(int(match.group(1)), match.group(2))
        if last == first + 1 and period is None:
            period, stated = period_label(first), True
        elif last > first + 1 and strategy_years is None:
            strategy_years = (first, last)
            strategy = named[:match.start()].strip(_SEPARATORS) or None
    update_match = _UPDATE.search(title)
    update = None
    if update_match:
        word = update_match.group("year") or update_match.group("ordinal") or update_match.group("number")
        update = int(word) if word.isdigit() else _ORDINALS[word.lower()]
    if strategy is None:
        head = _ACTION_PLAN.sub("", named)
        head = _YEAR_PAIR.sub("", head)
        strategy = head.strip(_SEPARATORS) or None
        if strategy and (strategy.lower() == named.lower() or _UPDATE.search(strategy)):
            strategy = None  # no "Action Plan" and no years to cut at: the title names no strategy apart
    if period is None and strategy_years and update:
        period = period_in(strategy_years, update)
    return Identity(title or None, strategy, strategy_years, update, period, stated, publisher)
