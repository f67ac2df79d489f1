"""Words split across cells, rejoined by the general rule (a known join, a piece that is no word)."""

import pytest

from eqgraph.ingest.splits import WordRepair


@pytest.mark.parametrize("text, repaired", [
    ("Reduce the attainment ga\tp for looked after children", "Reduce the attainment gap for looked after children"),
    ("Deliver the Housin g Strategy", "Deliver the Housing Strategy"),
    ("improve acces s to services", "improve access to services"),
    ("work with the neighbourho od teams", "work with the neighbourhood teams"),  # a word the document writes whole
    ("Kingsm oor residents", "Kingsmoor residents"),  # a local name the document writes whole
])
def test_a_split_word_is_rejoined_when_the_join_is_a_word_and_a_piece_is_not(text, repaired):
    repair = WordRepair("Our neighbourhood teams serve Kingsmoor.")
    fixed, notes = repair.repair(text)
    assert fixed == repaired and len(notes) == 1 and "rejoined as" in notes[0]


@pytest.mark.parametrize("text", [
    "a new approach in to the service",  # two words each: never run together
    "Kingsmoor's in the top quartile",  # a possessive's one-letter s starts no join ("sin")
    "the b oetween garble",  # "boetween" is no word: left for a curated correction
    "CCG s and the PCT",  # an abbreviation is not the start of a split word
])
def test_real_words_and_unknown_joins_are_left_alone(text):
    fixed, notes = WordRepair("").repair(text)
    assert fixed == text and notes == []
