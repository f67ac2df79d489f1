"""RDF terms as the rest of eqgraph sees them: small immutable values, whatever store answered.

A store implementation converts its engine's terms to these and back, so the catalogue, the CLI and
the web app never depend on one engine. They mirror the attributes people already read (`value`,
`datatype.value`, `language`), and `str()` gives the N-Triples / SPARQL form: a term can be written into
a query (a VALUES block) or a results file as a value, never as text that could change the query.
Constructing one checks it, so an IRI with a space or a quote, or a malformed language tag, is a
`ValueError`, not a broken query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*+")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*+")
_BLANK = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')


@dataclass(frozen=True, slots=True)
class IRI:
    value: str

    def __post_init__(self):
        if not isinstance(self.value, str) or not _IRI.fullmatch(self.value):
            raise ValueError(f"not an absolute IRI: {str(self.value)[:200]!r}")

    def __str__(self) -> str:
        return f"<{self.value}>"


@dataclass(frozen=True, slots=True)
class BlankNode:
    value: str

    def __post_init__(self):
        if not isinstance(self.value, str) or not _BLANK.fullmatch(self.value):
            raise ValueError(f"not a blank node label: {str(self.value)[:200]!r}")

    def __str__(self) -> str:
        return f"_:{self.value}"


_STRING = IRI(XSD_STRING)
_LANG_STRING = IRI(RDF_LANG_STRING)


@dataclass(frozen=True, slots=True)
class Literal:
    value: str
    datatype: IRI = _STRING
    language: str | None = None

    def __init__(self, value: str, datatype: IRI | str | None = None, language: str | None = None):
        if not isinstance(value, str):
            raise ValueError("a literal's value is a string (its lexical form)")
        if language is not None:
            if not _LANGUAGE.fullmatch(language):
                raise ValueError(f"not a language tag: {language[:50]!r}")
            datatype = _LANG_STRING
        elif datatype is None:
            datatype = _STRING
        elif isinstance(datatype, str):
            datatype = IRI(datatype)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "datatype", datatype)
        object.__setattr__(self, "language", language.lower() if language else None)

    def __str__(self) -> str:
        text = '"' + _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group()], self.value) + '"'
        if self.language:
            return f"{text}@{self.language}"
        if self.datatype.value != XSD_STRING:
            return f"{text}^^{self.datatype}"
        return text


Term = IRI | BlankNode | Literal


# --- trusted construction -------------------------------------------------------------------------------
# A store converting the terms its own engine produced (already valid RDF) makes the same values
# without the checks above (a regular expression per IRI, blank node label and language tag): a large
# result has tens of thousands of terms. Only for terms an engine made, never for input.

_new = object.__new__
_set = object.__setattr__


def trusted_iri(value: str) -> IRI:
    iri = _new(IRI)
    _set(iri, "value", value)
    return iri


def trusted_blank_node(value: str) -> BlankNode:
    node = _new(BlankNode)
    _set(node, "value", value)
    return node


def trusted_literal(value: str, datatype: IRI | None = None, language: str | None = None) -> Literal:
    """As `Literal(value, datatype, language)` (a language tag makes it an rdf:langString)."""
    literal = _new(Literal)
    _set(literal, "value", value)
    if language:
        _set(literal, "datatype", _LANG_STRING)
        _set(literal, "language", language.lower())
    else:
        _set(literal, "datatype", datatype or _STRING)
        _set(literal, "language", None)
    return literal


@dataclass(frozen=True, slots=True)
class Triple:
    subject: IRI | BlankNode
    predicate: IRI
    object: Term

    def __str__(self) -> str:
        return f"{self.subject} {self.predicate} {self.object}"
