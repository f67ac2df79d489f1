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
    assert reads("ethnic minorities").things == {"bame"} and not reads("ethnic minorities").loose
    assert reads("the ethnic minority").things == {"bame"} and not reads("the ethnic minority").loose
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
    reading = reads(typed)
    assert reading.things == {thing} and reading.loose


def test_a_label_that_narrows_the_group_is_not_taken_for_it():
    assert reads("electors").things == set()  # not "electors who are disabled"
    # Names of organisations are not groups: "police" is the Metropolitan Police Service.
    partners = [Name("met", "Metropolitan Police Service"), Name("rail", "Network Rail")]
    assert reads("police", partners, groups=False).things == {"met"}


def test_a_description_naming_two_groups_reads_as_both_so_it_can_be_refused():
    assert reads("Older children and teenagers").things == {"older-children", "teenagers"}


def test_words_too_common_to_name_anything_are_not_read():
    assert reads("people").things == set()
    assert reads("of the").things == set()
    assert reads("merton").things == set()
