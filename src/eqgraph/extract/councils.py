"""Which council a plan belongs to, and which council each vocabulary entry belongs to.

Vocabularies describe councils: a council's units (org:unitOf) and its local partners and place-based
communities (eqg:localTo) are that council's alone, so a plan of another council never resolves to
them, even where its text uses the same words ("Human Resources", "Health and Wellbeing Board").
Entries that belong to no council (NHS England, Ofsted, Jobcentre Plus; communities such as disabled
people) are shared by every council's plans.

A plan's council is its publisher (manifest, title line, or the default in data/councils.yaml: see
eqgraph.ingest), matched by name to an org:FormalOrganization of the vocabularies, or minted as a new
one (marked eqg:curated false) when no vocabulary knows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from ..model import Plan
from ..namespaces import EQG, ORG, Iris


def _name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@dataclass(frozen=True)
class NewCouncil:
    iri: URIRef
    label: str
    document: str


class Councils:
    def __init__(self, vocab: Graph, iris: Iris):
        self.iris = iris
        self.by_name: dict[str, URIRef] = {}
        for council in sorted(vocab.subjects(RDF.type, ORG.FormalOrganization)):
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in vocab.objects(council, prop):
                    if not _name(str(label)).startswith("the "):  # "the Council" names whichever council writes
                        self.by_name.setdefault(_name(str(label)), council)
        self.belongs: dict[URIRef, URIRef] = {}
        for entity, council in vocab.subject_objects(ORG.unitOf):
            self.belongs[entity] = council
        for entity, council in vocab.subject_objects(EQG.localTo):
            self.belongs[entity] = council
        self.new: dict[URIRef, NewCouncil] = {}

    def of(self, plan: Plan) -> URIRef:
        """The council that publishes the plan (minted if no vocabulary knows it)."""
        name = plan.publisher or ""
        found = self.by_name.get(_name(name))
        if found is not None:
            return found
        iri = self.iris.unit(re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "council")
        self.new.setdefault(iri, NewCouncil(iri, name, plan.document))
        self.by_name[_name(name)] = iri
        return iri

    def foreign(self, entity: URIRef, council: URIRef) -> bool:
        """Whether the entity belongs to another council than this one."""
        owner = self.belongs.get(entity)
        return owner is not None and owner != council

    def units_of(self, council: URIRef) -> set[URIRef]:
        return {entity for entity, owner in self.belongs.items() if owner == council}
