"""The JSON-LD writer of the dumps (eqgraph.store.jsonld): compact, and read back into the same RDF."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import Dataset

from eqgraph.store.jsonld import write_jsonld
from eqgraph.store.oxigraph import OxigraphStore

NQUADS = r"""<http://ex.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/eqgraph/ontology#Action> <http://ex.org/g1> .
<http://ex.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex.org/Other> <http://ex.org/g1> .
<http://ex.org/a> <http://purl.org/dc/terms/title> "Say \"hi\"\nthen go — café" <http://ex.org/g1> .
<http://ex.org/a> <http://purl.org/dc/terms/title> "Bonjour"@fr <http://ex.org/g1> .
<http://ex.org/a> <https://w3id.org/eqgraph/ontology#position> "51.420078"^^<http://www.w3.org/2001/XMLSchema#decimal> <http://ex.org/g1> .
<http://ex.org/a> <http://ex.org/p> <https://w3id.org/eqgraph/ontology#//odd> <http://ex.org/g1> .
<http://ex.org/a> <http://ex.org/p> _:b1 <http://ex.org/g1> .
_:b1 <http://ex.org/p> "in a blank node" <http://ex.org/g1> .
<http://ex.org/b> <http://ex.org/p> <http://ex.org/a> <http://ex.org/g2> .
<http://ex.org/c> <http://ex.org/p> "default graph" .
"""
PREFIXES = {"eqg": "https://w3id.org/eqgraph/ontology#", "dcterms": "http://purl.org/dc/terms/",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "xsd": "http://www.w3.org/2001/XMLSchema#"}


def _quads(data: bytes, fmt: str) -> set:
    dataset = Dataset()
    dataset.parse(data=data, format=fmt)
    return {(s, p, o, g) for s, p, o, g in dataset.quads((None, None, None, None))}


@pytest.fixture()
def written(tmp_path) -> bytes:
    store = OxigraphStore.create(tmp_path / "store", NQUADS.encode("utf-8"))
    out = io.BytesIO()
    store.dump({"jsonld": out}, PREFIXES)
    return out.getvalue()


def test_it_reads_back_into_the_same_quads(written):
    expected = _quads(NQUADS.encode("utf-8"), "nquads")
    found = _quads(written, "json-ld")
    blank = lambda quads: {q for q in quads if "_:" not in q[0].n3() + q[2].n3()}  # noqa: E731 (labels differ)
    assert blank(found) == blank(expected)
    assert len(found) == len(expected)


def test_it_is_compact_and_keeps_lexical_forms(written):
    document = json.loads(written)
    assert document["@context"] == dict(sorted(PREFIXES.items()))
    default, g1, g2 = document["@graph"]
    assert default == {"@id": "http://ex.org/c", "http://ex.org/p": "default graph"}
    assert [g1["@id"], g2["@id"]] == ["http://ex.org/g1", "http://ex.org/g2"]
    node = next(n for n in g1["@graph"] if n["@id"] == "http://ex.org/a")
    assert node["@type"] == ["http://ex.org/Other", "eqg:Action"]
    assert node["eqg:position"] == {"@value": "51.420078", "@type": "xsd:decimal"}
    assert {"@value": "Bonjour", "@language": "fr"} in node["dcterms:title"]
    # A name that would read as a scheme-relative path stays a full IRI.
    assert {"@id": "https://w3id.org/eqgraph/ontology#//odd"} in node["http://ex.org/p"]


def test_the_same_quads_give_the_same_bytes(tmp_path):
    """Whatever order they were loaded in (blank nodes aside: their labels are each store's own)."""
    lines = [line for line in NQUADS.splitlines(True) if "_:" not in line]
    written = []
    for name, order in (("one", lines), ("two", list(reversed(lines)))):
        out = io.BytesIO()
        OxigraphStore.create(tmp_path / name, "".join(order).encode("utf-8")).dump({"jsonld": out}, PREFIXES)
        written.append(out.getvalue())
    assert written[0] == written[1]
