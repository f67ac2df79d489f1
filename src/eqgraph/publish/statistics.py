"""What the dataset description counts (eqgraph.publish.description), from the store or from the lines.

The description states the triples, the distinct subjects, objects and properties, and per class its
entities and per property its triples, over every named graph but the description's own. Two ways
give the same figures:

* `Statistics.of_store`: SPARQL aggregates over the store (the reference; any store a description is
  made for);
* `Statistics.of_parts`: from the build's named graphs as canonical N-Triples lines, one part at a
  time. A part's figures (`PartFigures`) depend on its lines alone, so a build keeps them by the
  part's digest (eqgraph.buildcache) and adding one plan counts only the parts that changed; the
  figures of the whole are the parts' combined (sums for triples, unions for the distinct things).
  This relies on what the build guarantees: each triple in one part only (`pipeline._each_once`),
  and no blank node (`units.canonical_lines`), so one term is one string in every part.

tests/publish/test_statistics.py checks both ways agree on the built graph.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


@dataclass(frozen=True)
class Statistics:
    """The figures of a graph: property and class IRIs (plain strings) sorted, with their counts."""

    subjects: int
    objects: int
    properties: tuple[tuple[str, int], ...]  # (property, its triples)
    classes: tuple[tuple[str, int], ...]  # (class, its distinct instances)

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.properties)

    @classmethod
    def of_store(cls, store, without: str) -> Statistics:
        """Counted by the store over every graph but `without` (an IRI in SPARQL form, `<...>`). Plain
        patterns, no DISTINCT over triples: a store eqgraph builds holds each triple once, and a
        DISTINCT over every triple costs a hash table of them all."""
        (row,) = store.query(f"""
            SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
            WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {without}) }}""")
        classes = [(r["class"].value, int(r["n"].value)) for r in store.query(f"""
            SELECT ?class (COUNT(DISTINCT ?s) AS ?n)
            WHERE {{ GRAPH ?g {{ ?s a ?class }} FILTER (?g != {without} && isIRI(?class)) }}
            GROUP BY ?class""")]
        properties = [(r["p"].value, int(r["n"].value)) for r in store.query(f"""
            SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {without}) }}
            GROUP BY ?p""")]
        return cls(int(row["subjects"].value), int(row["objects"].value), tuple(sorted(properties)),
                   tuple(sorted(classes)))

    @classmethod
    def of_parts(cls, parts: Iterable[PartFigures]) -> Statistics:
        """The figures of the parts together (each triple in one part only)."""
        subjects: set[bytes] = set()
        objects: set[bytes] = set()
        properties: Counter[bytes] = Counter()
        classes: dict[bytes, set[bytes]] = {}
        for part in parts:
            subjects |= part.subjects
            objects |= part.objects
            properties.update(part.properties)
            for cls_iri, members in part.classes.items():
                classes.setdefault(cls_iri, set()).update(members)
        return cls(len(subjects), len(objects),
                   tuple(sorted((_iri(p), n) for p, n in properties.items())),
                   tuple(sorted((_iri(c), len(members)) for c, members in classes.items())))


@dataclass(frozen=True)
class PartFigures:
    """One named graph's terms as they appear in its lines: what `Statistics.of_parts` combines."""

    subjects: frozenset[bytes]
    objects: frozenset[bytes]
    properties: Mapping[bytes, int]  # `<iri>` -> triples
    classes: Mapping[bytes, frozenset[bytes]]  # `<iri>` -> its instances (subjects) in this part

    @classmethod
    def of_lines(cls, lines: Iterable[bytes]) -> PartFigures:
        """From canonical N-Triples lines (`<s> <p> <o> .`: a subject and a predicate never hold a
        space, so the object is the rest of the line)."""
        subjects: set[bytes] = set()
        objects: set[bytes] = set()
        properties: Counter[bytes] = Counter()
        classes: dict[bytes, set[bytes]] = {}
        for line in lines:
            s, p, o = line[:-2].split(b" ", 2)
            subjects.add(s)
            objects.add(o)
            properties[p] += 1
            if p == RDF_TYPE and o.startswith(b"<"):
                classes.setdefault(o, set()).add(s)
        return cls(frozenset(subjects), frozenset(objects), dict(properties),
                   {c: frozenset(members) for c, members in classes.items()})


def _iri(term: bytes) -> str:
    """`<http://...>` -> `http://...` (checked: a line that is not canonical N-Triples is an error)."""
    text = term.decode("utf-8")
    if not (text.startswith("<") and text.endswith(">")):
        raise ValueError(f"not an IRI in N-Triples form: {text[:200]!r}")
    return text[1:-1]
