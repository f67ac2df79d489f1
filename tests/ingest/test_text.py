from eqgraph.ingest.text import is_blank, join_items, join_one_line, one_line, strip_markup


def test_markup_is_removed_and_entities_decoded():
    assert one_line("<p><b>3.2 Disabled people</b></p>") == "3.2 Disabled people"
    assert one_line("Gypsy &amp; Traveller") == "Gypsy & Traveller"


def test_stray_glyphs_from_other_scripts_are_dropped():
    assert one_line("heal ا lth") == "heal lth"
    assert "\ufffd" not in strip_markup("a\ufffdb")


def test_cells_holding_only_marks_are_blank():
    for mark in ("", "  ", "_", "• •", "-", "<p></p>"):
        assert is_blank(mark), mark
    assert not is_blank("100%")


def test_paragraphs_stay_separate_items():
    assert join_items(["<p>Equality objectives set</p> <p>CSE standard met</p>"]) == (
        "Equality objectives set", "CSE standard met")


def test_double_space_line_breaks_and_bullets_split_items():
    assert join_items(["Survey complete  Number of activities provided for staff  Uptake to activities"]) == (
        "Survey complete", "Number of activities provided for staff", "Uptake to activities")
    assert join_items(["School attendance • % attendance • % persistent absence"]) == (
        "School attendance", "% attendance", "% persistent absence")
    assert join_items(["-Improve completion of programmes.  -Continue to roll out"]) == (
        "Improve completion of programmes.", "Continue to roll out")


def test_a_dash_inside_a_phrase_is_not_a_bullet():
    assert join_items(["Male -6.8 yrs Female-5 yrs"]) == ("Male -6.8 yrs Female-5 yrs",)


def test_a_cell_wrapped_over_a_page_break_reads_on():
    # 2013 action 1.1.1: the update breaks after "BME" and goes on at the top of the next page.
    assert join_items(["... above national groups. BME", "56% compared to 58% nationally"]) == (
        "... above national groups. BME 56% compared to 58% nationally",)
    # A lower-case start continues even a new paragraph.
    assert join_items(["<p>Display posters</p>", "<p>and document in SAR appendices.</p>"]) == (
        "Display posters and document in SAR appendices.",)


def test_a_new_sentence_after_a_full_stop_is_a_new_item():
    assert join_items(["No of young advisors trained and active.", "No of members of Merton Youth Parliament."]) == (
        "No of young advisors trained and active.", "No of members of Merton Youth Parliament.")


def test_join_one_line_skips_blank_fragments():
    assert join_one_line(["Community and Housing –", "_", "Commissioning Brokerage"]) == \
        "Community and Housing – Commissioning Brokerage"


def test_unclosed_tags_are_read_in_one_pass_and_left_as_text():
    # A tag ends at the first ">" and never holds a "<": 150 KB of unclosed "<p " is one pass, not a
    # rescan of the rest of the cell from every "<p" (52 s before the patterns were bounded).
    cell = "<p " * 50_000
    assert strip_markup(cell) == cell
    assert strip_markup("<p <b>bold</b> <p>para</p>") == "<p bold   para  "
    assert join_items(["a " + " \u3000" * 50_000 + "• b"]) == ("a", "b")  # a long run of spaces before a bullet
