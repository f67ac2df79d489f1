"""Reading SPARQL JSON results as a bounded stream."""

from __future__ import annotations

import io
import json

import pytest

from eqgraph.errors import StoreError
from eqgraph.store.remote_results import JsonRows, ntriples
from eqgraph.store.terms import IRI, BlankNode, Literal


class Trickle(io.RawIOBase):
    """A stream that gives at most `step` bytes a read (a slow network)."""

    def __init__(self, data: bytes, step: int):
        self.data, self.step, self.at = data, step, 0

    def read(self, size=-1):
        chunk = self.data[self.at:self.at + min(self.step, size if size > 0 else self.step)]
        self.at += len(chunk)
        return chunk


ANSWER = json.dumps({
    "head": {"link": [], "vars": ["s", "o"]},
    "results": {"distinct": False, "bindings": [
        {"s": {"type": "uri", "value": "http://a/é"}, "o": {"type": "literal", "value": "x", "xml:lang": "EN"}},
        {"s": {"type": "bnode", "value": "nodeID://b10006"},
         "o": {"type": "typed-literal", "value": "3", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}},
        {"s": {"type": "uri", "value": "http://a/3"}},
    ]}}, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("step", [1, 7, 1 << 20])
def test_rows_are_read_whatever_the_chunks(step):
    rows = JsonRows(Trickle(ANSWER, step), "http://store/sparql", 1 << 20)
    assert rows.variables == ["s", "o"]
    values = list(rows)
    assert values[0] == (IRI("http://a/é"), Literal("x", language="en"))
    assert isinstance(values[1][0], BlankNode) and values[1][1].datatype.value.endswith("#integer")
    assert values[2] == (IRI("http://a/3"), None)
    assert not rows.truncated


def test_reading_stops_at_the_byte_cap():
    big = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
        {"n": {"type": "literal", "value": str(i)}} for i in range(10_000)]}}).encode()
    rows = JsonRows(io.BytesIO(big), "http://store/sparql", 5_000)
    assert 0 < len(list(rows)) < 200 and rows.truncated


def test_a_boolean_and_bad_answers():
    assert JsonRows(io.BytesIO(b'{"head": {}, "boolean": true}'), "x", 1000).boolean is True
    with pytest.raises(StoreError, match="http://store/sparql"):
        JsonRows(io.BytesIO(b"<html>oops</html>"), "http://store/sparql", 1000)
    bad = b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": "not an iri"}}]}}'
    with pytest.raises(StoreError, match="bad term"):
        list(JsonRows(io.BytesIO(bad), "x", 1000))


def test_ntriples_lines_up_to_the_cap():
    data = b"".join(b"<http://a/%d> <http://p> \"v\" .\n" % i for i in range(100))
    triples, cut = ntriples(io.BytesIO(data), "x", 10_000)
    assert len(triples) == 100 and not cut
    triples, cut = ntriples(io.BytesIO(data), "x", 300)
    assert 0 < len(triples) < 100 and cut
