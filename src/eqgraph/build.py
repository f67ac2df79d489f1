"""Build: plan records and extracted links -> RDF, per the ontology (ontology/eqgraph.ttl).

One small function per class. Every node that comes from the document gets `prov:wasDerivedFrom` a
source excerpt (document and line span), so any fact can be traced back to the text it was read from.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from . import resources
from .extract import Commitments, Continuity, NewConcept, PlanExtraction
from .extract.links import Link
from .extract.status import Status
from .model import TITLE_FROM_SOURCE, TITLE_NOT_IN_SOURCE, Action, Objective, Plan, PriorityArea, SourceSpan
from .namespaces import EQG, ORG, PREFIXES, Iris

TITLE_STATUS = {
    TITLE_FROM_SOURCE: EQG.TitleFromSource,
    TITLE_NOT_IN_SOURCE: EQG.TitleNotInSource,
    "reconstructed": EQG.TitleReconstructed,
}
STATUS = {
    "completed": EQG.Completed, "on-track": EQG.OnTrack, "in-progress": EQG.InProgress,
    "not-met": EQG.NotMet, "not-started": EQG.NotStarted, "unclear": EQG.StatusUnclear,
}


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def load_vocabularies(base: str, files: Iterable[Path] | None = None) -> Graph:
    """The curated vocabularies (data/vocab/*.ttl), their relative IRIs resolved against `base`."""
    graph = new_graph()
    for path in files if files is not None else resources.vocab_files():
        graph.parse(path, format="turtle", publicID=base)
    return graph


def load_ontology() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


def _text(value: str) -> Literal:
    return Literal(value, datatype=XSD.string)


def sort_key(ref: str) -> str:
    """A ref that sorts as people read it: "1.2.10" after "1.2.9" ("001.002.010")."""
    return ".".join(part.zfill(3) if part.isdigit() else part for part in ref.split("."))


def _positive(value: int) -> Literal:
    """A whole number of at least 1 (the shapes say so), typed xsd:integer: triple stores such as Oxigraph
    keep the derived integer types (xsd:positiveInteger ...) as xsd:integer, and the graph built must be
    the graph served, byte for byte."""
    return Literal(value, datatype=XSD.integer)


class PlanBuilder:
    def __init__(self, graph: Graph, plan: Plan, iris: Iris, council: URIRef | None = None):
        self.g = graph
        self.plan = plan
        self.iris = iris
        self.council = council  # the publisher, as the extraction resolved it
        self.plan_iri = iris.plan(plan.id)
        self.document_iri = iris.document(plan.id)

    def excerpt(self, span: SourceSpan) -> URIRef:
        node = self.iris.excerpt(self.plan.id, span.first_line, span.last_line)
        g = self.g
        g.add((node, RDF.type, EQG.SourceExcerpt))
        g.add((node, EQG.inDocument, self.document_iri))
        g.add((node, EQG.firstLine, _positive(span.first_line)))
        g.add((node, EQG.lastLine, _positive(span.last_line)))
        lines = f"line {span.first_line}" if span.first_line == span.last_line else \
            f"lines {span.first_line}–{span.last_line}"
        g.add((node, RDFS.label, _text(f"{span.document}, {lines}")))
        return node

    def document(self) -> None:
        g, plan, node = self.g, self.plan, self.document_iri
        g.add((node, RDF.type, EQG.SourceDocument))
        g.add((node, DCTERMS.title, _text(plan.document)))
        g.add((node, RDFS.label, _text(plan.document)))
        g.add((node, EQG.sha256, _text(plan.sha256)))
        g.add((node, EQG.lineCount, Literal(plan.line_count, datatype=XSD.integer)))
        if plan.document_title:
            g.add((node, DCTERMS.description, _text(plan.document_title)))

    def plan_node(self) -> None:
        g, plan, node = self.g, self.plan, self.plan_iri
        if plan.strategy:
            g.add((node, EQG.strategyTitle, _text(plan.strategy)))
        if plan.update:
            g.add((node, EQG.updateNumber, _positive(plan.update)))
        g.add((node, RDF.type, EQG.ActionPlan))
        g.add((node, DCTERMS.identifier, _text(plan.id)))
        g.add((node, DCTERMS.title, _text(plan.title)))
        g.add((node, RDFS.label, _text(plan.title)))
        g.add((node, EQG.layout, _text(plan.layout)))
        g.add((node, PROV.wasDerivedFrom, self.document_iri))
        if self.council is not None:
            g.add((node, DCTERMS.publisher, self.council))
        if plan.period:
            g.add((node, EQG.period, _text(plan.period)))
        if plan.source_url:
            g.add((node, DCTERMS.source, URIRef(plan.source_url)))

    def objective(self, objective: Objective) -> None:
        g = self.g
        node = self.iris.objective(self.plan.id, objective.number)
        g.add((node, RDF.type, EQG.EqualityObjective))
        g.add((node, EQG.objectiveNumber, _positive(objective.number)))
        g.add((node, DCTERMS.title, _text(objective.title)))
        label = objective.title if objective.title_status == TITLE_NOT_IN_SOURCE else \
            f"Objective {objective.number}: {objective.title}"
        g.add((node, RDFS.label, _text(label)))
        g.add((node, EQG.inPlan, self.plan_iri))
        g.add((self.plan_iri, EQG.hasObjective, node))
        g.add((node, EQG.titleStatus, TITLE_STATUS[objective.title_status]))
        for fragment in objective.fragments:
            g.add((node, EQG.titleFragment, _text(fragment)))
        for note in objective.notes:
            g.add((node, EQG.correctionNote, _text(note)))
        g.add((node, PROV.wasDerivedFrom, self.excerpt(objective.span)))

    def priority_area(self, area: PriorityArea) -> None:
        g = self.g
        node = self.iris.priority_area(self.plan.id, area.ref)
        g.add((node, RDF.type, EQG.PriorityArea))
        g.add((node, EQG.ref, _text(area.ref)))
        g.add((node, DCTERMS.title, _text(area.title)))
        g.add((node, RDFS.label, _text(f"{area.ref} {area.title}")))
        g.add((node, EQG.inObjective, self.iris.objective(self.plan.id, area.objective)))
        g.add((node, EQG.inPlan, self.plan_iri))
        g.add((node, PROV.wasDerivedFrom, self.excerpt(area.span)))

    def action(self, action: Action, links: list[Link], status: Status | None, measurable: bool | None = None) -> None:
        g, plan_id = self.g, self.plan.id
        node = self.iris.action(plan_id, action.ref)
        g.add((node, RDF.type, EQG.Action))
        g.add((node, EQG.ref, _text(action.ref)))
        g.add((node, EQG.sequence, _positive(action.sequence)))
        g.add((node, EQG.sortKey, _text(sort_key(action.ref))))
        g.add((node, DCTERMS.title, _text(action.title)))
        g.add((node, RDFS.label, _text(f"{action.ref} {action.title}")))
        g.add((node, EQG.inPlan, self.plan_iri))
        g.add((node, EQG.inObjective, self.iris.objective(plan_id, action.objective)))
        if action.priority_area:
            g.add((node, EQG.inPriorityArea, self.iris.priority_area(plan_id, action.priority_area)))
        if action.statement:
            g.add((node, EQG.statement, _text("\n".join(action.statement))))
        g.add((node, EQG.keyActivity, _text("\n".join(action.key_activity))))
        for position, text in enumerate(action.measures, start=1):
            measure = self.iris.measure(plan_id, action.ref, position)
            g.add((node, EQG.hasPerformanceMeasure, measure))
            g.add((measure, RDF.type, EQG.PerformanceMeasure))
            g.add((measure, EQG.position, _positive(position)))
            g.add((measure, EQG.text, _text(text)))
        if action.update:
            update = self.iris.update(plan_id, action.ref)
            g.add((node, EQG.hasProgressUpdate, update))
            g.add((update, RDF.type, EQG.ProgressUpdate))
            g.add((update, EQG.text, _text("\n".join(action.update))))
        if action.strategy_text:
            g.add((node, EQG.strategyText, _text(action.strategy_text)))
        g.add((node, EQG.ownerText, _text(action.owner_text)))
        self.links(node, action, links)
        if status is not None:
            g.add((node, EQG.progressStatus, STATUS[status.status]))
            if status.phrase:
                g.add((node, EQG.statusPhrase, _text(status.phrase)))
        if action.ref_inferred:
            g.add((node, EQG.refInferred, Literal(True)))
        if measurable is not None:
            g.add((node, EQG.hasMeasurableTarget, Literal(measurable)))
        for note in action.notes:
            g.add((node, EQG.correctionNote, _text(note)))
        g.add((node, PROV.wasDerivedFrom, self.excerpt(action.span)))


    def links(self, node: URIRef, action: Action, links: list[Link]) -> None:
        """Each link, and next to it the evidence: which field, which words (RDF reification)."""
        g = self.g
        for n, link in enumerate(links, start=1):
            predicate = EQG[link.predicate]
            g.add((node, predicate, link.target))
            evidence = self.iris.evidence(self.plan.id, action.ref, n)
            g.add((node, EQG.hasEvidence, evidence))
            g.add((evidence, RDF.type, EQG.LinkEvidence))
            g.add((evidence, RDF.subject, node))
            g.add((evidence, RDF.predicate, predicate))
            g.add((evidence, RDF.object, link.target))
            g.add((evidence, EQG.sourceField, _text(link.field)))
            g.add((evidence, EQG.matchedText, _text(link.words)))


def plan_graph(plan: Plan, extraction: PlanExtraction, iris: Iris, into: Graph | None = None) -> Graph:
    """The triples of one plan (its document, objectives, priority areas, actions), added to `into`
    (a new graph by default). Only what the document itself says: which commitment an action reports on
    depends on the other updates built with it, so it is in `commitments_graph`, and a plan's graph can
    be kept from one build to the next while other plans come and go."""
    graph = into if into is not None else new_graph()
    builder = PlanBuilder(graph, plan, iris, extraction.council)
    builder.document()
    builder.plan_node()
    for objective in plan.objectives:
        builder.objective(objective)
    for area in plan.priority_areas:
        builder.priority_area(area)
    for action in plan.actions:
        builder.action(action, extraction.links.get(action.ref, []), extraction.statuses.get(action.ref),
                       extraction.measurable.get(action.ref))
    return graph


def new_concepts_graph(new_concepts: Iterable[NewConcept]) -> Graph:
    """Entities minted from the text that no curated vocabulary has (marked eqg:curated false)."""
    g = new_graph()
    for concept in new_concepts:
        g.add((concept.iri, RDF.type, EQG[concept.rdf_type]))
        g.add((concept.iri, RDF.type, SKOS.Concept))
        g.add((concept.iri, SKOS.prefLabel, Literal(concept.label, lang="en")))
        g.add((concept.iri, EQG.curated, Literal(False)))
        g.add((concept.iri, RDFS.comment, _text(concept.note)))
    return g


def new_units_graph(new_units: Iterable) -> Graph:
    """Councils and units the plans name that no vocabulary knows (extract.councils.NewCouncil,
    extract.organisation.NewUnit), marked eqg:curated false for review."""
    from .extract.councils import NewCouncil

    g = new_graph()
    for item in new_units:
        g.add((item.iri, SKOS.prefLabel, Literal(item.label, lang="en")))
        g.add((item.iri, EQG.curated, Literal(False)))
        if isinstance(item, NewCouncil):
            g.add((item.iri, RDF.type, ORG.FormalOrganization))
            g.add((item.iri, SKOS.definition, Literal(
                f"The council that publishes {item.document}, as it names itself; no vocabulary describes it yet.",
                lang="en")))
            continue
        g.add((item.iri, RDF.type, ORG.OrganizationalUnit))
        g.add((item.iri, RDF.type, EQG.Department if item.department else EQG.Division))
        g.add((item.iri, ORG.subOrganizationOf, item.parent))
        g.add((item.iri, ORG.unitOf, item.council))
        g.add((item.iri, SKOS.definition, Literal(
            f"A {'department' if item.department else 'division'} as the Department/Division cell of "
            f"{item.document} (line {item.line}) prints it; its council's vocabulary does not know it yet.",
            lang="en")))
    return g


def commitments_graph(commitments: Commitments, plans: Iterable[Plan], iris: Iris) -> Graph:
    """The commitments of each strategy (what its updates report on), the update each plan follows
    (`eqg:updateOf`), each action's report on the same commitment in the update before
    (`eqg:previousReport`: a status history read one step at a time), and the commitments an update no
    longer reports on (`eqg:droppedIn`, and `eqg:notReportedIn` from their last report)."""
    g = new_graph()
    titles = {(plan.id, action.ref): action.title for plan in plans for action in plan.actions}
    firsts: dict[str, str] = {}
    for (plan_id, ref), report in commitments.reports.items():
        firsts.setdefault(report.commitment, plan_id)
    for commitment, plan_id in firsts.items():
        node = iris.commitment(commitment)
        g.add((node, RDF.type, EQG.Commitment))
        g.add((node, DCTERMS.title, _text(titles[tuple(commitment.split("/", 1))])))
        g.add((node, EQG.firstReportedIn, iris.plan(plan_id)))
    refs: dict[str, dict[str, str]] = {}  # plan -> commitment -> the ref of its action there
    for (plan_id, ref), report in commitments.reports.items():
        refs.setdefault(plan_id, {})[report.commitment] = ref
        action = iris.action(plan_id, ref)
        g.add((action, EQG.reportsOn, iris.commitment(report.commitment)))
        if report.reworded_from:
            g.add((action, EQG.rewordedFrom, _text(report.reworded_from)))
        if report.renumbered_from:
            g.add((action, EQG.renumberedFrom, _text(report.renumbered_from)))
    for strategy in commitments.strategies:
        for earlier, later in zip(strategy.plans, strategy.plans[1:]):
            g.add((iris.plan(later), EQG.updateOf, iris.plan(earlier)))
            before = refs.get(earlier, {})
            for commitment, ref in refs.get(later, {}).items():
                if commitment in before:
                    g.add((iris.action(later, ref), EQG.previousReport, iris.action(earlier, before[commitment])))
        for plan_id, dropped in strategy.dropped.items():
            earlier = strategy.plans[strategy.plans.index(plan_id) - 1]
            for commitment in dropped:
                g.add((iris.commitment(commitment), EQG.droppedIn, iris.plan(plan_id)))
                ref = refs.get(earlier, {}).get(commitment)
                if ref is not None:
                    g.add((iris.action(earlier, ref), EQG.notReportedIn, iris.plan(plan_id)))
    return g


def continuity_graph(continuities: Iterable[Continuity], iris: Iris,
                     sequence: Iterable[tuple[str, str]] = ()) -> Graph:
    """Continuity links between consecutive plans, each with its score and evidence, and the sequence
    of plans itself (`eqg:nextPlan`), so that "nothing carried on" can be told from "no next plan"."""
    g = new_graph()
    for earlier_plan, later_plan in sequence:
        g.add((iris.plan(earlier_plan), EQG.nextPlan, iris.plan(later_plan)))
    for c in continuities:
        earlier, later = iris.action(c.earlier_plan, c.earlier), iris.action(c.later_plan, c.later)
        node = iris.continuity(c.earlier_plan, c.earlier, c.later_plan, c.later)
        g.add((later, EQG.carriesOn, earlier))
        g.add((node, RDF.type, EQG.Continuity))
        g.add((node, EQG.earlierAction, earlier))
        g.add((node, EQG.laterAction, later))
        g.add((node, EQG.score, Literal(f"{c.score:.3f}", datatype=XSD.decimal)))
        g.add((node, EQG.evidence, _text(c.evidence)))
        for term in c.shared_terms:
            g.add((node, EQG.sharedTerm, _text(term)))
        for entity in c.shared_entities:
            g.add((node, EQG.sharedEntity, entity))
    return g


__all__ = ["load_ontology", "load_vocabularies", "new_graph", "plan_graph", "new_concepts_graph", "continuity_graph",
           "commitments_graph", "new_units_graph"]
