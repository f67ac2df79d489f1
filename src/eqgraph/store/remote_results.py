"""Reading a remote store's answers as a bounded stream: rows are decoded as their bytes arrive, and
reading stops at a row or byte cap, so a huge answer never sits whole in memory.

SELECT answers are requested as SPARQL 1.1 Query Results JSON; its layout (`head.vars`, then
`results.bindings`, one object per row) is read with `json`'s own decoder one row object at a time.
ASK answers are small and read whole (bounded). CONSTRUCT / DESCRIBE answers are requested as
N-Triples and read line by line. Terms are made with the checking constructors of `terms`: a remote
engine is not trusted to send valid RDF.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from ..errors import StoreError
from .oxigraph import from_engine
from .terms import IRI, BlankNode, Literal, Triple

CHUNK = 64 * 1024
_decoder = json.JSONDecoder()
_WHITESPACE = " \t\r\n,"


def term(binding: dict):
    """A SPARQL JSON results term as a `terms` value. `typed-literal` is what Virtuoso (and the 2008
    draft of the format) calls a literal with a datatype."""
    kind, value = binding.get("type"), binding.get("value")
    if kind == "uri":
        return IRI(value)
    if kind in ("literal", "typed-literal"):
        language = binding.get("xml:lang")
        if language:
            return Literal(value, language=language)
        return Literal(value, binding.get("datatype"))
    if kind == "bnode":
        return BlankNode(_blank_label(value))
    if kind == "triple":  # RDF-star
        inner = value
        return Triple(term(inner["subject"]), term(inner["predicate"]), term(inner["object"]))
    raise ValueError(f"a results term of unknown type {kind!r}")


def _blank_label(value: str) -> str:
    """Engines label blank nodes freely (Virtuoso: `nodeID://b10006`); keep them as valid labels."""
    label = "".join(c if c.isalnum() or c in "_-" else "_" for c in value.removeprefix("_:"))
    return label if label and label[0] not in "-" else "b" + label


class JsonRows:
    """Rows of a SPARQL JSON results stream: `variables`, then iterate for tuples of terms (None
    where unbound). `boolean` is set instead for an ASK answer. Reads at most `max_bytes` of the
    stream; past that, iteration stops and `truncated` is set."""

    def __init__(self, stream, where: str, max_bytes: int):
        self._stream, self._where, self._left = stream, where, max_bytes
        self.truncated = False
        self.boolean: bool | None = None
        self._buffer = ""
        self._pos = 0
        self._done = False
        self._pending = b""
        head = self._until_rows()
        self.variables: list[str] = head

    def _more(self) -> bool:
        if self._done:
            return False
        if self._left <= 0:
            self.truncated = True
            self._done = True
            return False
        chunk = self._stream.read(min(CHUNK, self._left))
        if not chunk:
            self._done = True
            return False
        self._left -= len(chunk)
        data = self._pending + chunk
        try:
            text = data.decode("utf-8")
            self._pending = b""
        except UnicodeDecodeError as exc:  # a character split between two chunks
            if exc.start < len(data) - 3:
                raise StoreError(f"the answer from {self._where} is not UTF-8") from None
            text, self._pending = data[:exc.start].decode("utf-8"), data[exc.start:]
        self._buffer = self._buffer[self._pos:] + text
        self._pos = 0
        return True

    def _until_rows(self) -> list[str]:
        """Read up to the first row: the variables (or an ASK's boolean)."""
        while True:
            buffer = self._buffer
            at = buffer.find('"bindings"')
            if at >= 0:
                start = buffer.find("[", at)
                if start >= 0:
                    variables = self._variables(buffer[:at])
                    self._pos = start + 1
                    return variables
            if '"boolean"' in buffer:
                while not self._done:
                    self._more()
                try:
                    self.boolean = bool(json.loads(self._buffer)["boolean"])
                except (ValueError, KeyError, TypeError):
                    raise StoreError(f"the answer from {self._where} is not a SPARQL JSON boolean") from None
                return []
            if not self._more():
                raise StoreError(f"the answer from {self._where} is not SPARQL JSON results"
                                 + (" (larger than allowed)" if self.truncated else ""))

    def _variables(self, head: str) -> list[str]:
        at = head.find('"vars"')
        start = head.find("[", at) if at >= 0 else -1
        if start < 0:
            raise StoreError(f"the answer from {self._where} names no variables")
        try:
            names, _ = _decoder.raw_decode(head, start)
        except ValueError:
            raise StoreError(f"the answer from {self._where} is not SPARQL JSON results") from None
        return [str(name) for name in names]

    def __iter__(self):
        index = {name: i for i, name in enumerate(self.variables)}
        width = len(self.variables)
        # Answers repeat their terms (a plan on each of its rows, classes, labels): each distinct term
        # is checked and made once per answer, then found by its JSON fields.
        made: dict = {}
        while True:
            buffer, pos = self._buffer, self._pos
            while pos < len(buffer) and buffer[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < len(buffer) and buffer[pos] == "]":
                return
            try:
                row, end = _decoder.raw_decode(buffer, pos)
            except ValueError:
                if self._more():
                    continue
                if self.truncated:
                    return
                raise StoreError(f"the answer from {self._where} ended in the middle of a row") from None
            if end == len(buffer) and not self._done:  # a number or name may go on in the next chunk
                if self._more():
                    continue
            self._pos = end
            values = [None] * width
            try:
                for name, binding in row.items():
                    position = index.get(name)
                    if position is not None:
                        value = binding.get("value")
                        if not isinstance(value, str):  # an RDF-star triple: made every time
                            values[position] = term(binding)
                            continue
                        key = (binding.get("type"), value, binding.get("xml:lang"), binding.get("datatype"))
                        value = made.get(key)
                        if value is None:
                            if len(made) >= 100_000:
                                made.clear()
                            value = made[key] = term(binding)
                        values[position] = value
            except (ValueError, AttributeError, TypeError, KeyError) as exc:
                raise StoreError(f"the answer from {self._where} holds a bad term: {str(exc)[:200]}") from None
            yield tuple(values)


def ntriples(stream, where: str, max_bytes: int):
    """(triples, truncated) from an N-Triples stream, read in blocks up to `max_bytes` and cut at the
    last whole line; parsed by pyoxigraph's parser (used here as a parser only) into `terms`."""
    blocks, size, truncated = [], 0, False
    while True:
        block = stream.read(min(CHUNK, max_bytes + 1 - size))
        if not block:
            break
        blocks.append(block)
        size += len(block)
        if size > max_bytes:
            truncated = True
            break
    data = b"".join(blocks)
    if truncated:
        data = data[:data.rfind(b"\n", 0, max_bytes) + 1]
    try:
        parsed = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        return [Triple(from_engine(t.subject), from_engine(t.predicate), from_engine(t.object))
                for t in parsed], truncated
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"the answer from {where} is not N-Triples: {str(exc)[:200]}") from None
