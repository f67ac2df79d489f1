"""Progress status of an action, read from its update text, with the phrase that justifies it.

Transparent rules rather than a model: cue phrases per status, and a precedence that reads an update
the way a policy officer would — a missed target or delay outweighs everything; "on target" / "well
placed to meet" means on track; completion cues alongside work still under way mean in progress; only
completion cues mean completed. A figure the update says moved against the way the commitment wants
it to move is not met, with it on track (`_movement`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COMPLETED, ON_TRACK, IN_PROGRESS, NOT_MET, NOT_STARTED, UNCLEAR = (
    "completed", "on-track", "in-progress", "not-met", "not-started", "unclear")
STATUSES = (COMPLETED, ON_TRACK, IN_PROGRESS, NOT_MET, NOT_STARTED, UNCLEAR)

_CUES: dict[str, list[str]] = {
    NOT_MET: [
        r"\bnot (?:been )?(?:achieved|met)\b", r"\bwas not achieved\b", r"\bdelay(?:ed|s)?\b",
        r"\bbehind (?:target|schedule)\b", r"\bnot willing\b", r"\bunfortunately\b", r"\bbeen limited\b",
        r"\bmissed\b", r"\bno outputs\b", r"\bcommenced late\b",
    ],
    ON_TRACK: [
        r"\bon (?:target|track|course)\b", r"\bwell placed to meet\b", r"\bas planned\b",
        r"\bwill have been exceeded\b",
        r"\b(?:demonstrable|significant) (?:improvement|shift)\b", r"\babove (?:the )?national\b",
        r"\bsignificantly (?:above|better)\b", r"\bgood or better\b", r"\bas required\b", r"\bin all cases\b", r"\bexceeds\b",
        r"\bhas improved\b", r"\bimproved (?:the|levels|take-?up)\b",
    ],
    NOT_STARTED: [
        r"\bnot yet (?:started|begun)\b", r"\byet to (?:start|begin|be (?:completed|established|arranged))\b",
        r"\bto be (?:established|organised|arranged|collated|agreed)\b", r"\bneed to establish\b",
        r"\bwill be established\b", r"\bis to be\b",
    ],
    COMPLETED: [
        r"\bcompleted\b", r"\bachieved\b", r"\bhas been (?:met|achieved|developed|produced|appointed|launched|"
        r"implemented|agreed|analysed|reviewed|set up|built|compiled|published|embedded|trained|represented|"
        r"formed|given|undertaken)\b",
        r"\bhave been (?:trained|recruited|approved|held|delivered|reviewed|created|made|embedded|hosted|agreed|"
        r"analysed|undertaken)\b", r"\bhave taken place\b", r"\bhas undertaken\b", r"\blaunched\b",
        r"\bin place\b", r"\bdelivered\b", r"\bwere held\b", r"\bwas (?:presented|completed|held|set up)\b",
        r"\bis step free\b", r"\bhave hosted\b", r"\bhas now been\b", r"\bmet\b(?! with)", r"\bare held\b",
        r"\baccompanied by\b", r"\baccompanied the\b", r"\ball contracts include\b", r"\bare (?:dda )?compliant\b",
        r"\bheld (?:autumn|spring|summer|winter|in)\b",
    ],
    IN_PROGRESS: [
        r"\bunder ?way\b", r"\bon[- ]?going\b", r"\bin progress\b",
        r"\b(?:being|are being|is being) (?:developed|undertaken|drafted|compiled|planned|finalised|processed|"
        r"explored|built|reviewed|established|approached|implemented|taken forward|delivered|co-ordinated|set up|"
        r"looked at|given)\b",
        r"\bcontinu(?:e|es|ing)\b", r"\bprogress(?:ing|ed)\b", r"\bdeveloping\b", r"\bplanned\b",
        r"\bscheduled\b", r"\bwill be\b", r"\bto be (?:completed|added|incorporated|updated)\b",
        r"\bin (?:the )?process\b", r"\bcurrently\b", r"\bis finalising\b", r"\bworking (?:closely )?with\b",
        r"\bmonitored\b", r"\bto take place\b", r"\bdue to (?:be|complete|take)\b", r"\binitial indications\b",
        r"\bsubmitted\b", r"\bfocus(?:ing|sing) on\b", r"\bwill look\b", r"\breceives\b", r"\bpilot\b",
        r"^commissioning\b", r"\bdiscuss(?:ed)? at\b", r"\bto discuss\b",
    ],
}
_COMPILED = {status: [re.compile(c, re.IGNORECASE) for c in cues] for status, cues in _CUES.items()}
_SENTENCE = re.compile(r"[^.;!?]+[.;!?]?")


# A measure is measurable when it states a number, a percentage or a direction against a baseline.
_MEASURABLE = re.compile(r"[0-9]|%|\b(target|baseline|increase|reduc\w*|rate|number|proportion|annual|quarterly)\b",
                         re.IGNORECASE)


def has_measurable_target(measures: tuple[str, ...]) -> bool:
    """True when at least one performance measure gives something to measure progress against."""
    return any(_MEASURABLE.search(m) for m in measures)


@dataclass(frozen=True)
class Status:
    status: str
    phrase: str  # the words of the update that justify it ("" when unclear)


def _first_cue(status: str, sentences: list[str]) -> str | None:
    for sentence in sentences:
        for cue in _COMPILED[status]:
            if cue.search(sentence):
                return sentence.strip()
    return None


# Which way the commitment wants a figure to move, and which way the update says it moved: a rise
# where the action set out to reduce (alcohol-related admissions) is not met; a drop it wanted
# (first-time entrants) or ending "below target" on a reduction is on track. A movement counts only
# in a sentence about the commitment's own figure — one that shares a word with the commitment (or
# follows a sentence that does) or speaks of the target — so "waiting times reduced" says nothing
# about recruiting more foster carers; and words that only look like movements ("drop-in", "harm
# reduction", "high-rise") are not read.
_WANTS = {"down": re.compile(r"\b(?:reduc(?:e|es|ed|ing|tion)|decreas\w*|fewer|halt\w*)\b", re.I),
          "up": re.compile(r"\b(?:increas\w*|improv\w*|raise|higher|grow\w*)\b", re.I)}
_MOVED = {"down": re.compile(r"\b(?:drop|fall|fell|fallen|decrease[ds]?|reduction|reduced|lower than|below (?:the )?"
                             r"target)\b", re.I),
          "up": re.compile(r"\b(?:(?:an |small |percentage point )increase\b|increased by|ris(?:e|en)\b|rose\b"
                           r"|above (?:the )?target\b|higher than)", re.I)}
_NOT_MOVEMENTS = re.compile(r"\bdrop-in\b|\bharm reduction\b|\bfalls? prevention\b|\bhigh-rise\b"
                            r"|\breduced (?:fares?|prices?|costs?)\b", re.I)
_TARGET = re.compile(r"\btarget\b", re.I)
_BELOW_TARGET = re.compile(r"\bbelow (?:the )?target\b(?! set)", re.I)
_GAP = re.compile(r"\bgaps?\b", re.I)
_PLAIN = set("""with from that this their there have will been were which through work working partnership
continue number numbers rate rates level levels people residents service services council merton year years
ensure support increase reduce improve""".split())


def _content_words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _PLAIN}


def _wanted_direction(commitment: tuple[str, ...]) -> str | None:
    text = " ".join(commitment)
    found = [d for d, cue in _WANTS.items() if cue.search(text)]
    return found[0] if len(found) == 1 else None


def _movement(sentences: list[str], commitment: tuple[str, ...]) -> tuple[str, str] | None:
    """(status, sentence) when the update reports the commitment's figure moving with or against
    the way it wants."""
    wanted = _wanted_direction(commitment)
    if wanted is None:  # "below target" is a shortfall unless the commitment is to reduce
        below = next((s for s in sentences if _BELOW_TARGET.search(s)), None)
        return (NOT_MET, below.strip()) if below else None
    against = "up" if wanted == "down" else "down"
    words = _content_words(" ".join(commitment))
    about_a_gap = bool(_GAP.search(" ".join(commitment)))
    for index, sentence in enumerate(sentences):
        clean = _NOT_MOVEMENTS.sub(" ", sentence)
        context = _content_words(clean) | (_content_words(sentences[index - 1]) if index else set())
        if not (words & context or _TARGET.search(clean)) or (_GAP.search(clean) and not about_a_gap):
            continue
        if _MOVED[against].search(clean):
            return NOT_MET, sentence.strip()
        if _MOVED[wanted].search(clean):
            return ON_TRACK, sentence.strip()
    return None


def progress_status(update: tuple[str, ...], commitment: tuple[str, ...] = ()) -> Status:
    """The status of an action from its update; `commitment` (its key activity and measures) says
    which way its figures should move."""
    sentences = [s for item in update for s in _SENTENCE.findall(item) if s.strip()]
    if not sentences:
        return Status(UNCLEAR, "")
    hits = {status: _first_cue(status, sentences) for status in _COMPILED}
    moved = _movement(sentences, commitment)
    if moved:
        hits[moved[0]] = hits[moved[0]] or moved[1]
    if hits[NOT_MET]:
        return Status(NOT_MET, hits[NOT_MET])
    if hits[ON_TRACK]:
        return Status(ON_TRACK, hits[ON_TRACK])
    if hits[COMPLETED] and (hits[IN_PROGRESS] or hits[NOT_STARTED]):
        return Status(IN_PROGRESS, hits[IN_PROGRESS] or hits[NOT_STARTED])
    for status in (COMPLETED, IN_PROGRESS, NOT_STARTED):
        if hits[status]:
            return Status(status, hits[status])
    return Status(UNCLEAR, "")
