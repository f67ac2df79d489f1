"""RDF namespaces used across eqgraph, and the IRI scheme of the nodes it mints.

Every minted IRI is `<base><kind>/<id>[/...]`, readable and stable across builds: the same document
yields the same IRIs, so links from outside keep working.
"""

from __future__ import annotations

from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

EQG = Namespace("https://w3id.org/eqgraph/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SH = Namespace("http://www.w3.org/ns/shacl#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SCHEMA = Namespace("http://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")

PREFIXES = {
    "eqg": str(EQG),
    "org": str(ORG),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "dcat": str(DCAT),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "geo": str(GEO),
    "schema": str(SCHEMA),
    "void": str(VOID),
}


class Iris:
    """Mints IRIs under one base."""

    def __init__(self, base: str):
        self.base = base

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(quote(p, safe="-._~") for p in parts))

    def plan(self, plan_id: str) -> URIRef:
        return self._iri("plan", plan_id)

    def objective(self, plan_id: str, number: int) -> URIRef:
        return self._iri("plan", plan_id, "objective", str(number))

    def priority_area(self, plan_id: str, ref: str) -> URIRef:
        return self._iri("plan", plan_id, "priority-area", ref)

    def action(self, plan_id: str, ref: str) -> URIRef:
        return self._iri("plan", plan_id, "action", ref)

    def measure(self, plan_id: str, ref: str, position: int) -> URIRef:
        return self._iri("plan", plan_id, "action", ref, "measure", str(position))

    def update(self, plan_id: str, ref: str) -> URIRef:
        return self._iri("plan", plan_id, "action", ref, "update")

    def document(self, plan_id: str) -> URIRef:
        return self._iri("document", plan_id)

    def excerpt(self, plan_id: str, first: int, last: int) -> URIRef:
        return self._iri("document", plan_id, f"lines-{first}-{last}")

    def unit(self, slug: str) -> URIRef:
        return self._iri("org", slug)

    def council_unit(self, council_slug: str, path: str) -> URIRef:
        """A unit minted for a council whose vocabulary does not know it: `org/<council>/<department>[/<division>]`."""
        return self._iri("org", council_slug, *path.split("/"))

    def strategy(self, slug: str) -> URIRef:
        return self._iri("strategy", slug)

    def council_strategy(self, council_slug: str, slug: str) -> URIRef:
        """A strategy minted for a council whose vocabulary does not know it: `strategy/<council>/<name>`."""
        return self._iri("strategy", council_slug, slug)

    def evidence(self, plan_id: str, ref: str, n: int) -> URIRef:
        return self._iri("plan", plan_id, "action", ref, "link", str(n))

    def commitment(self, commitment: str) -> URIRef:
        """A commitment of a strategy, named by where it was first reported: "<plan id>/<ref>"."""
        plan_id, ref = commitment.split("/", 1)
        return self._iri("commitment", plan_id, ref)

    def continuity(self, earlier_plan: str, earlier: str, later_plan: str, later: str) -> URIRef:
        return self._iri("continuity", f"{earlier_plan}_{earlier}_{later_plan}_{later}")
