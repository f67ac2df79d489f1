"""The rules that read what a sentence says about a group or a council unit, on sentences a council
plan could contain (the built-in plans are checked in test_entities and test_gold)."""

import pytest

from eqgraph.build import load_vocabularies
from eqgraph.config import DEFAULT_BASE
from eqgraph.extract import Extractor
from eqgraph.model import Action, SourceSpan
from eqgraph.namespaces import Iris


@pytest.fixture(scope="module")
def extractor():
    return Extractor(load_vocabularies(DEFAULT_BASE), Iris(DEFAULT_BASE))


def links(extractor, owner="CS", update=(), key_activity=(), strategy=""):
    action = Action(ref="9.9", sequence=1, objective=9, priority_area=None, title="t", statement=(),
                    key_activity=tuple(key_activity), measures=(), strategy_text=strategy, owner_text=owner,
                    update=tuple(update), span=SourceSpan("plan.txt", 1, 1))
    found = extractor.concepts.links(action, extractor.owners.links(action))
    return {(link.predicate, str(link.target).rsplit("/", 1)[1]) for link in found}


@pytest.mark.parametrize("sentence, group", [
    ("The team ensured improved take-up of the service by Tamil parents.", "tamil-parents"),
    ("We supported BAME groups to apply for the grant.", "ethnic-minorities"),
    ("Materials to use for learners with dyslexia were identified.", "learners-with-dyslexia"),
    ("A conference addressed issues around trans inclusion in education.", "transgender-people"),
    ("Visits rose by 12%. LGBT events were held in June.", "lgbt-people"),  # the figure is the sentence before
    ("Work targeting young people aged 10-17 began in 2017.", "young-people"),  # an age is no figure
    ("We remain committed to supporting BAME groups.", "ethnic-minorities"),
    ("A consultation engaged those from the east of the borough and from BAME groups.", "ethnic-minorities"),
    ("The plan is being drafted; Black pupils and Pupil Premium pupils will remain a focus of targeted work.",
     "black-pupils"),
    ("Older people are a priority for the new service.", "older-people"),
])
def test_an_update_reporting_work_for_a_group_targets_it(extractor, sentence, group):
    assert ("targetsCommunity", group) in links(extractor, update=[sentence])


@pytest.mark.parametrize("sentence, group", [
    ("Take-up by BME groups fell to 12%.", "ethnic-minorities"),
    ("Outcomes for disabled people remain worse.", "disabled-people"),
    ("Results compared with BME groups nationally.", "ethnic-minorities"),
    ("Initial indications show an under-representation of females and BME groups.", "women-and-girls"),
    ("Ethnicity data shows overrepresentation of BME groups in YOT clients.", "ethnic-minorities"),
    ("Referrals came from GPs and from BAME groups.", "ethnic-minorities"),
])
def test_an_update_reporting_figures_about_a_group_only_mentions_it(extractor, sentence, group):
    found = links(extractor, update=[sentence])
    assert ("mentionsCommunity", group) in found
    assert ("targetsCommunity", group) not in found


@pytest.mark.parametrize("sentence, owner, unit", [
    ("This is continuing to be undertaken in partnership with HR.", "C&H", "human-resources"),
    ("The Council will continue to work closely with CSF.", "CS", "children-schools-and-families"),
    ("The Policy, Strategy and Partnerships team has undertaken detailed analysis.", "CS",
     "policy-strategy-and-partnerships"),
])
def test_a_unit_the_text_shows_doing_the_work_delivers_it(extractor, sentence, owner, unit):
    assert ("deliveredBy", unit) in links(extractor, owner=owner, update=[sentence])


@pytest.mark.parametrize("sentence, owner", [
    ("Commissioning will start in April.", "CS"),
    ("Housing will be considered in the Local Plan.", "E&R"),
    ("Libraries have seen visits fall.", "C&H"),
    ("The Business Support Team will process the requests.", "C&H"),  # a CSF team, under C&H
    ("Referrals to Adult Social Care have increased.", "C&H"),
    ("Access and Assessment has experienced higher demand.", "Community and Housing - Direct Provision"),
    ("Adult Social Care will lead the review.", "Community and Housing - Direct Provision"),  # above the owner
])
def test_prose_that_only_names_a_unit_does_not_make_it_deliver(extractor, sentence, owner):
    assert not {t for p, t in links(extractor, owner=owner, update=[sentence]) if p == "deliveredBy"} - {
        "community-and-housing", "corporate-services", "environment-and-regeneration"}


@pytest.mark.parametrize("activity, group", [
    ("Produce annual equality monitoring report - lettings, supported housing, rough sleepers.", "rough-sleepers"),
    ("Monitor equality outcomes of strategy action plans e.g. Affordable Warmth, Older People.", "older-people"),
    ("Monitor equality outcomes of action plans E.g. Older People.", "older-people"),
])
def test_what_equality_monitoring_covers_is_not_a_group_the_action_is_for(extractor, activity, group):
    found = links(extractor, owner="C&H", key_activity=[activity])
    assert ("targetsCommunity", group) not in found
    # The same words without the monitoring: the group is the target (the rule, not the vocabulary).
    plain = activity.replace("equality monitoring report", "report").replace("Monitor equality outcomes of",
                                                                             "Deliver")
    assert ("targetsCommunity", group) in links(extractor, owner="C&H", key_activity=[plain])
    # Named before the monitoring, or after it in a clause of work, the group is the one the work is for.
    for activity in ("Introduce equality monitoring and deliver targeted support to disabled people.",
                     "Using equality monitoring data, deliver outreach to disabled people."):
        assert ("targetsCommunity", "disabled-people") in links(extractor, owner="C&H", key_activity=[activity])
    assert ("targetsCommunity", "wheelchair-users") in links(extractor, owner="C&H", key_activity=[
        "Maximise wheelchair accessible units and record viewings to enable equality monitoring of outcomes."])


def test_a_service_implies_whom_it_is_for_only_in_the_commitment(extractor):
    committed = links(extractor, owner="E&R", key_activity=["Provide an assisted collection for residents."])
    assert {("targetsCommunity", "disabled-people"), ("targetsCommunity", "older-people")} <= committed
    reported = links(extractor, owner="E&R", update=["Assisted collections were reviewed."])
    assert not {t for p, t in reported if p == "targetsCommunity"}


def test_an_act_is_cited_from_any_field_and_only_by_its_own_title(extractor):
    assert ("citesLegislation", "equality-act-2010") in links(extractor, strategy="Equality Act 2010")
    assert ("citesLegislation", "equality-act-2010") in links(
        extractor, update=["Compliance with the Equalities Act 2010 was checked."])
    assert not {t for p, t in links(extractor, update=["Duties under the Equality Act 2006 apply."])
                if p == "citesLegislation"}
