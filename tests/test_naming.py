"""Reading typed names back to things: what a user who writes a description rather than a label gets."""

import pytest

from eqgraph.naming import Name, name_key, read_name

GROUPS = [
    Name("bame", "Ethnic minorities"), Name("bame", "BME", shown=False), Name("bame", "BAME", shown=False),
    Name("trans", "Transgender people"), Name("trans", "trans", shown=False),
    Name("pupils", "School pupils"), Name("pupils", "pupils"),
    Name("lgbt", "LGBT people"), Name("lgbt", "LGBT"),
    Name("send", "Children and young people with SEND"), Name("send", "SEND", shown=False),
    Name("cyp", "Children and young people"),
    Name("east", "East Merton"),
    Name("tamil", "Tamil parents"),
    Name("disabled", "Disabled people"), Name("disabled", "electors who are disabled"),
    Name("older-children", "Older children"), Name("teenagers", "Teenagers"),
]


def reads(typed, names=GROUPS, groups=True):
    return read_name(typed, names, groups=groups)


def test_a_label_or_its_spelling_variants_read_strictly():
    assert reads("ethnic minorities") == {"bame"}
    assert reads("the ethnic minority") == {"bame"}
    assert name_key("Children and Young People's Plan 2016-2019") == name_key("children & young peoples plan")


@pytest.mark.parametrize("typed, thing", [
    ("BME groups", "bame"),  # a synonym inside the description
    ("Trans pupils", "trans"),  # "pupils" names nobody in particular next to "trans"
    ("LGBT pupils", "lgbt"),
    ("Pupils with SEND", "send"),
    ("Children in east Merton", "east"),
    ("Tamil", "tamil"),  # the one group whose label holds the word
])
def test_a_description_reads_as_the_group_it_names(typed, thing):
    assert reads(typed) == {thing}


def test_a_label_that_narrows_the_group_is_not_taken_for_it():
    assert reads("electors") == set()  # not "electors who are disabled"
    # Names of organisations are not groups: "police" is the Metropolitan Police Service.
    partners = [Name("met", "Metropolitan Police Service"), Name("rail", "Network Rail")]
    assert reads("police", partners, groups=False) == {"met"}


def test_a_description_naming_two_groups_reads_as_both_so_it_can_be_refused():
    assert reads("Older children and teenagers") == {"older-children", "teenagers"}


def test_words_too_common_to_name_anything_are_not_read():
    assert reads("people") == set()
    assert reads("of the") == set()
    assert reads("merton") == set()


@pytest.mark.parametrize("typed", ["non-BME", "not disabled people", "people without disabilities",
                                   "xyzzy BME", "Teenagers in care"])
def test_words_that_may_change_the_meaning_stop_a_loose_reading(typed):
    assert reads(typed) == set()


def test_an_organisation_is_not_read_from_part_of_another_name():
    partners = [Name("met", "Metropolitan Police Service"), Name("met", "police", shown=False),
                Name("rail", "Network Rail")]
    for typed in ("British Transport Police", "not Network Rail", "City of London Police"):
        assert reads(typed, partners, groups=False) == set()


def test_population_words_alone_name_nobody_and_give_way_to_telling_ones():
    assert reads("all") == set() and reads("parents and children") == set()
    assert reads("Trans children and young people") == {"trans"}


def test_very_long_input_is_not_read():
    assert reads("BME " * 1000) == set()


def test_possessives_and_plurals_do_not_count():
    assert name_key("Children's Services") == name_key("Childrens Services") == name_key("children service")
    assert name_key("young people's") == name_key("young people")
