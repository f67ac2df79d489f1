"""Extract: records -> entities and links, each with the evidence it was read from.

`Extractor` runs every extractor over a plan: who delivers each action (`organisation`), the partners,
communities, strategies and council units it names (`concepts`, `strategies`), its progress status
(`status`); then `continuity` links actions of consecutive plans that carry on the same commitment.
All names are matched with one lexicon of every curated vocabulary (data/vocab), so the longest name
wins across vocabularies. Extraction reads only records and vocabularies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF

from ..model import Plan
from ..namespaces import EQG, ORG, Iris
from .commitments import Commitments, read_commitments
from .concepts import ConceptLinker, ThemeLinker
from .councils import Councils
from .continuity import Continuity, continuity, plan_sequence
from .links import Link, NewConcept
from .organisation import OrganisationResolver
from .status import Status, has_measurable_target, progress_status
from .strategies import StrategyCellReader
from .vocabulary import Vocabulary

CELL_ONLY_KINDS = (EQG.Programme, EQG.Standard, EQG.Report)
CLASSES = {"unit": ORG.OrganizationalUnit, "partner": EQG.Partner, "community": EQG.Community,
           "strategy": EQG.StrategyOrPlan, "service": EQG.Service, "legislation": EQG.Legislation}


@dataclass
class Minted:
    """What one plan names that no vocabulary knows, minted for review: strategies named in its cells
    (NewConcept), its council if unknown (NewCouncil), its unknown units (NewUnit)."""

    concepts: list = field(default_factory=list)
    councils: list = field(default_factory=list)
    units: list = field(default_factory=list)


@dataclass
class PlanExtraction:
    links: dict[str, list[Link]] = field(default_factory=dict)  # by action ref
    statuses: dict[str, Status] = field(default_factory=dict)
    measurable: dict[str, bool] = field(default_factory=dict)  # by action ref: has a measurable target
    council: object = None  # the council that publishes the plan (an IRI)
    minted: Minted = field(default_factory=Minted)


class Extractor:
    def __init__(self, vocab: Graph, iris: Iris):
        members = {name: set(vocab.subjects(RDF.type, cls)) for name, cls in CLASSES.items()}
        # Programmes, standards and reports count as strategies only in the Key strategy/Plan cell. In
        # prose they are still read (so a programme's name is not mistaken for a partner's, and what it
        # concerns or who publishes it still counts: "Ageing Well Programme", "Veolia Re-start"), but
        # they are not linked as strategies.
        cell_only = {s for kind in CELL_ONLY_KINDS for s in vocab.subjects(EQG.kind, kind)}
        members["strategy"] -= cell_only
        lexicon = Vocabulary(vocab, set().union(*members.values()) | cell_only)
        cell_lexicon = Vocabulary(vocab, members["unit"] | members["strategy"] | cell_only)
        self.councils = Councils(vocab, iris)
        self.owners = OrganisationResolver(vocab, iris)
        concerns: dict = {}
        for subject, community in vocab.subject_objects(EQG.concernsCommunity):
            concerns.setdefault(subject, set()).add(community)
        publishers = {s: p for s, p in vocab.subject_objects(DCTERMS.publisher) if p in members["partner"]}
        self.concepts = ConceptLinker(lexicon, members, self.owners.parent, concerns, publishers)
        self.strategy_cells = StrategyCellReader(cell_lexicon, members["strategy"] | cell_only, iris, publishers)
        self.themes = ThemeLinker(Vocabulary(vocab, set(vocab.subjects(RDF.type, EQG.Theme))))
        self.units = members["unit"]
        self.lexicon = lexicon
        self._council_names = dict(self.councils.by_name)
        self._parents = dict(self.owners.parent)

    def plan(self, plan: Plan) -> PlanExtraction:
        """One plan's links, statuses and what it mints, as if it were the only plan: what a plan reads
        never depends on the plans read before it, so its result can be kept for the next build
        (eqgraph.buildcache) and the plans can be read in any process. `merge_minted` joins what several
        plans minted, the first plan's record of each new thing winning."""
        self.councils.new, self.councils.by_name = {}, dict(self._council_names)
        self.owners.new, self.owners.parent = {}, dict(self._parents)
        self.concepts.parents = self.owners.parent  # the units this plan mints have parents too
        self.strategy_cells.new = {}
        council = self.councils.of(plan)
        slug = str(council).rstrip("/").rsplit("/", 1)[-1]  # what the council's minted things are named by
        result = PlanExtraction(council=council)

        def foreign(entity) -> bool:  # another council's unit, partner or community
            return self.councils.foreign(entity, council)

        for action in plan.actions:
            owners = self.owners.links(action, council, foreign, plan.document)
            cell = self.strategy_cells.links(action, foreign, slug)
            # Units printed in the strategy cell (e.g. "Busines s Improvement") are read like text units.
            links = [*owners, *cell, *self.concepts.links(action, owners), *self.themes.links(action)]
            result.links[action.ref] = _dedupe([link for link in links if not foreign(link.target)])
            result.statuses[action.ref] = progress_status(action.update, (*action.key_activity, *action.measures))
            result.measurable[action.ref] = has_measurable_target(action.measures)
        result.minted = Minted(list(self.strategy_cells.new.values()), list(self.councils.new.values()),
                               list(self.owners.new.values()))
        return result

    @staticmethod
    def minted_labels(concepts: Sequence[NewConcept], units: Sequence) -> dict[str, str]:
        """Each minted thing's label, as the merged records give it (two plans may print one unit's
        name in two ways: the first plan's is the one the graph holds)."""
        return {str(item.iri): item.label for item in (*concepts, *units)}

    @staticmethod
    def merge_minted(extractions: Sequence[PlanExtraction]) -> tuple[list[NewConcept], list]:
        """(new concepts, new councils and units) of the plans, in plan order, each once: the first
        plan that names a thing gives its record (label, document, line)."""
        concepts: dict = {}
        councils: dict = {}
        units: dict = {}
        for extraction in extractions:
            for found, into in ((extraction.minted.concepts, concepts), (extraction.minted.councils, councils),
                                (extraction.minted.units, units)):
                for item in found:
                    into.setdefault(item.iri, item)
        return list(concepts.values()), [*councils.values(), *units.values()]

    @staticmethod
    def plan_sequence(plans: Sequence[Plan]) -> list[tuple[str, str]]:
        """(earlier plan id, later plan id) of each pair of consecutive plans."""
        return [(earlier.id, later.id) for earlier, later in plan_sequence(plans)]

    @staticmethod
    def commitments(plans: Sequence[Plan]) -> Commitments:
        return read_commitments(plans)

    @staticmethod
    def continuity(plans: Sequence[Plan], extractions: dict[str, PlanExtraction],
                   commitments: Commitments | None = None) -> list[Continuity]:
        """Carried-over pairs between consecutive plans of different strategies (the updates of one
        strategy report on the same commitments: `commitments`)."""
        links = {(plan_id, ref): found for plan_id, e in extractions.items() for ref, found in e.links.items()}
        return [pair for earlier, later in plan_sequence(plans)
                if commitments is None or not commitments.same_strategy(earlier.id, later.id)
                for pair in continuity(earlier, later, links)]


def _dedupe(links: list[Link]) -> list[Link]:
    seen, kept = set(), []
    for link in links:
        if (link.predicate, link.target) not in seen:
            seen.add((link.predicate, link.target))
            kept.append(link)
    return kept


__all__ = ["Commitments", "Continuity", "Extractor", "Link", "Minted", "NewConcept", "PlanExtraction", "Status"]
