import pytest

from eqgraph.build import load_vocabularies
from eqgraph.config import DEFAULT_BASE
from eqgraph.extract.organisation import OrganisationResolver


@pytest.fixture(scope="module")
def resolver():
    return OrganisationResolver(load_vocabularies(DEFAULT_BASE))


def slugs(resolver, cell):
    return [str(m.concept).rsplit("/", 1)[1] for m in resolver.resolve(cell)]


@pytest.mark.parametrize("cell, expected", [
    ("C&H", ["community-and-housing"]),
    ("CSF", ["children-schools-and-families"]),
    ("CS Lead", ["corporate-services"]),
    ("C&H CSF", ["community-and-housing", "children-schools-and-families"]),
    ("CS/ER", ["corporate-services", "environment-and-regeneration"]),
    ("CS/E&R", ["corporate-services", "environment-and-regeneration"]),
    ("Public Health & E&R", ["public-health", "environment-and-regeneration"]),
    ("All", ["all-departments"]),
    ("All departments - Heads of Service across", ["all-departments"]),
    ("Community and Housing - Housing", ["housing"]),
    ("Community a Housing - Public Health", ["public-health"]),
    ("Community and Housing – Merton Adult Education (MAE)", ["merton-adult-education"]),
    ("Community and Housing - MAE", ["merton-adult-education"]),
    ("Community and Housing – Adult Social Care Commissioning", ["adult-social-care-commissioning"]),
    ("Community and Housing - Commissioning /Procurement", ["ch-commissioning"]),
    ("Children, Schools and Families - Commissioning, Strategy and Performance.",
     ["csf-commissioning-strategy-and-performance"]),
    ("Environment and Regeneration - TBC", ["environment-and-regeneration"]),
    ("Environment and Regeneration -Merton Transport Services", ["transport-services"]),
    ("Corporate Services - Human Resources Chair of Disability Employees Forum, All Heads of Service",
     ["human-resources", "disability-employees-forum", "all-departments"]),
])
def test_owner_cells_resolve_to_units(resolver, cell, expected):
    assert slugs(resolver, cell) == expected


def test_an_abbreviation_never_matches_inside_another(resolver):
    assert slugs(resolver, "CSF") == ["children-schools-and-families"]  # not also CS


def test_every_action_of_both_plans_has_an_owner(resolver, plans):
    for plan in plans.values():
        for action in plan.actions:
            assert resolver.resolve(action.owner_text), (plan.id, action.ref, action.owner_text)


def test_resolution_keeps_the_words_it_read(resolver):
    (match,) = resolver.resolve("Community and Housing – Libraries and Heritage Services")
    assert match.words == "libraries and heritage services"
