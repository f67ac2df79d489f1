"""Link sets: reviewed rows, checked against the reference data; only accepted rows become triples."""

from __future__ import annotations

import re
import shutil

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDF

from eqgraph import resources
from eqgraph.errors import InputError
from eqgraph.links.linkset import LinkRow, check_subjects, link_node, links_graph, read_linkset, read_linksets
from eqgraph.links.reference import read_all
from eqgraph.links.targets import load_link_tables
from eqgraph.namespaces import EQG, SCHEMA

BASE = "https://example.org/id/"
HEADER = "subject,relation,target,method,source,status,note\n"


def write(tmp_path, name: str, *rows: str):
    path = tmp_path / f"{name}.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_the_shipped_link_sets_pass_every_check():
    rows = read_linksets()
    assert {row.file for row in rows} == {f"links/{t.name}.csv" for t in load_link_tables().targets}
    assert all(row.status in ("accepted", "proposed", "rejected") for row in rows)


@pytest.mark.parametrize("row, problem", [
    ("partner/ofsted,owl:seeAlso,https://www.gov.uk/government/organisations/ofsted,curated,x,accepted,",
     r"govuk\.csv:2: relation 'owl:seeAlso' is none of"),
    ("partner/ofsted,owl:sameAs,https://www.gov.uk/government/organisations/ofsted,curated,x,accepted,",
     r"govuk\.csv:2: relation owl:sameAs is not one GOV\.UK"),
    ("partner/ofsted,schema:sameAs,https://www.gov.uk/government/organisations/ofsted,guessed,x,accepted,",
     r"govuk\.csv:2: method 'guessed'"),
    ("partner/ofsted,schema:sameAs,https://www.gov.uk/government/organisations/ofsted,curated,x,maybe,",
     r"govuk\.csv:2: status 'maybe'"),
    ("partner/ofsted,schema:sameAs,https://example.org/ofsted,curated,x,accepted,",
     r"govuk\.csv:2: target 'https://example\.org/ofsted' is not a GOV\.UK"),
    ("https://example.org/id/partner/ofsted,schema:sameAs,https://www.gov.uk/government/organisations/ofsted,curated,x,accepted,",
     r"govuk\.csv:2: subject .* is not an IRI relative"),
    ("partner/ofsted,schema:sameAs,https://www.gov.uk/government/organisations/ofsted,curated,,accepted,",
     r"govuk\.csv:2: the source is empty"),
])
def test_a_malformed_row_is_refused_with_its_file_and_line(tmp_path, row, problem):
    path = write(tmp_path, "govuk", row)
    with pytest.raises(InputError, match=problem):
        read_linkset(path)


def test_a_repeated_link_names_the_line_it_repeats(tmp_path):
    row = "partner/ofsted,schema:sameAs,https://www.gov.uk/government/organisations/ofsted,curated,x,accepted,"
    with pytest.raises(InputError, match=r"govuk\.csv:3: .* already on line 2"):
        read_linkset(write(tmp_path, "govuk", row, row))


def test_a_file_not_named_after_a_target_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"named after its target"):
        read_linkset(write(tmp_path, "dbpedia"))


def test_an_accepted_target_outside_the_reference_files_is_refused(tmp_path):
    """No invented identifiers: Q42 is a real Wikidata item, but no shipped record gives it."""
    write(tmp_path, "wikidata", "partner/stonewall,owl:sameAs,http://www.wikidata.org/entity/Q42,curated,x,accepted,")
    with pytest.raises(InputError, match=r"wikidata\.csv:2: target http://www\.wikidata\.org/entity/Q42 is in none "
                                         r"of the shipped reference files"):
        read_linksets(tmp_path)


def test_proposed_and_rejected_rows_are_checked_for_form_but_never_become_triples(tmp_path):
    write(tmp_path, "wikidata",
          "partner/stonewall,owl:sameAs,http://www.wikidata.org/entity/Q42,suggested,label 'Stonewall',proposed,0.9",
          "partner/ofsted,owl:sameAs,http://www.wikidata.org/entity/Q43,suggested,label 'Ofsted',rejected,not it")
    rows = read_linksets(tmp_path)
    assert [row.status for row in rows] == ["proposed", "rejected"]
    assert len(links_graph(rows, BASE)) == 0


def test_legislation_identifiers_are_checked_by_their_documented_pattern(tmp_path):
    write(tmp_path, "legislation",
          "characteristic/age,eqg:definedInLaw,http://www.legislation.gov.uk/id/ukpga/2010/15/section/5,curated,x,accepted,")
    assert len(read_linksets(tmp_path)) == 1
    write(tmp_path, "legislation",
          "characteristic/age,eqg:definedInLaw,https://www.legislation.gov.uk/ukpga/2010/15/section/5,curated,x,accepted,")
    with pytest.raises(InputError, match=r"legislation\.csv:2: target .* is not a legislation\.gov\.uk IRI"):
        read_linksets(tmp_path)


def test_a_link_from_nothing_the_graph_describes_is_refused():
    row = LinkRow("partner/no-such-partner", "owl:sameAs", "http://www.wikidata.org/entity/Q682520", "curated", "x",
                  "accepted", file="links/wikidata.csv", line=7)
    with pytest.raises(InputError, match=r"wikidata\.csv:7: subject partner/no-such-partner is nothing the graph"):
        check_subjects([row], BASE, {URIRef(BASE + "partner/transport-for-london")})


def test_each_link_is_a_triple_with_a_stable_node_saying_how_it_was_made():
    rows = [row for row in read_linksets() if row.file == "links/govuk.csv" and row.status == "accepted"]
    graph = links_graph(rows, BASE)
    ofsted = URIRef(BASE + "partner/ofsted")
    target = URIRef("https://www.gov.uk/government/organisations/ofsted")
    assert (ofsted, SCHEMA.sameAs, target) in graph
    (node,) = graph.subjects(RDF.object, target)
    assert node == link_node(BASE, next(r for r in rows if r.subject == "partner/ofsted"))
    assert (node, RDF.type, EQG.Link) in graph and (node, RDF.subject, ofsted) in graph
    assert graph.value(node, EQG.linkMethod) == EQG.CodeMatchLink
    assert re.fullmatch(r"shared/digital-land-government-organisation-register\.csv line \d+",
                        str(graph.value(node, EQG.linkSource)))
    assert re.fullmatch(r"links/govuk\.csv line \d+", str(graph.value(node, EQG.recordedIn)))


# --- the built graph ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graph(built):
    return built[1].compiled.graph


def test_the_borough_and_the_council_have_their_own_identifiers(graph, built):
    base = built[0].base
    borough, council = URIRef(base + "place/merton"), URIRef(base + "org/merton-council")
    same = lambda node: {str(o) for o in graph.objects(node, OWL.sameAs)}  # noqa: E731
    assert same(borough) == {"http://statistics.data.gov.uk/id/statistical-geography/E09000024",
                             "http://opendatacommunities.org/id/geography/administration/lonb/E09000024"}
    assert same(council) == {"http://www.wikidata.org/entity/Q6820723",
                             "http://opendatacommunities.org/id/london-borough-council/merton"}
    assert graph.value(council, EQG.governs) == borough


def test_all_nine_characteristics_link_to_their_sections_of_the_act(graph):
    characteristics = set(graph.subjects(RDF.type, EQG.ProtectedCharacteristic))
    assert len(characteristics) == 9
    for characteristic in characteristics:
        sections = [str(o) for o in graph.objects(characteristic, EQG.definedInLaw)]
        assert sections and all(re.fullmatch(r"http://www\.legislation\.gov\.uk/id/ukpga/2010/15/section/\d+", s)
                                for s in sections), characteristic


def test_both_plans_are_made_under_the_public_sector_equality_duty(graph, built):
    for plan in ("merton-2013-14", "merton-2017-18"):
        assert str(graph.value(URIRef(built[0].base + "plan/" + plan), EQG.legalBasis)) == \
            "http://www.legislation.gov.uk/id/ukpga/2010/15/section/149"


def test_every_external_identifier_in_the_graph_is_in_the_shipped_reference_files(graph):
    """A scan of every term: each Wikidata, GSS and GOV.UK identifier must come from a shipped record."""
    shipped = "".join(rows.source.path.read_text(encoding="utf-8") for rows in read_all())
    namespaces = {"http://www.wikidata.org/entity/": r"Q\d+", "http://statistics.data.gov.uk/id/statistical-geography/":
                  r"[EWSNK]\d{8}", "https://www.gov.uk/government/organisations/": r"[a-z0-9-]+"}
    seen = 0
    for triple in graph:
        for term in triple:
            text = str(term)
            for namespace, pattern in namespaces.items():
                if isinstance(term, URIRef) and text.startswith(namespace):
                    identifier = text[len(namespace):]
                    assert re.fullmatch(pattern, identifier), text
                    assert identifier in shipped, text
                    seen += 1
            if re.fullmatch(r"[EWSNK]\d{8}|Q\d+", text):  # a code as a literal (skos:notation)
                assert text in shipped, text
    assert seen > 25


def test_a_note_with_a_line_separator_or_form_feed_keeps_rows_and_lines(tmp_path):
    write(tmp_path, "govuk",
          "partner/ofsted,schema:sameAs,https://www.gov.uk/government/organisations/ofsted,curated,x,proposed,a\u2028b\fc",
          "partner/nhs-england,schema:sameAs,https://www.gov.uk/government/organisations/nhs-commissioning-board,"
          "curated,x,maybe,")
    with pytest.raises(InputError, match=r"govuk\.csv:3: status 'maybe'"):
        read_linkset(tmp_path / "govuk.csv")


def test_a_deeply_nested_table_is_refused_not_a_traceback(tmp_path):
    from eqgraph.links.files import read_yaml

    path = tmp_path / "targets.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    with pytest.raises(InputError, match="targets.yaml"):
        read_yaml(path)


def test_one_thing_has_one_identifier_per_dataset_and_one_identifier_one_thing(tmp_path):
    row = "{s},owl:sameAs,http://www.wikidata.org/entity/{q},curated,x,accepted,"
    write(tmp_path, "wikidata", row.format(s="org/merton-council", q="Q6820723"),
          row.format(s="org/merton-council", q="Q682520"))
    with pytest.raises(InputError, match=r"wikidata\.csv:3: org/merton-council is already the same as"):
        read_linksets(tmp_path)
    write(tmp_path, "wikidata", row.format(s="org/merton-council", q="Q6820723"),
          row.format(s="place/merton", q="Q6820723"))
    with pytest.raises(InputError, match=r"wikidata\.csv:3: .*Q6820723 is already the same as org/merton-council"):
        read_linksets(tmp_path)


def test_an_unknown_column_is_refused(tmp_path):
    (tmp_path / "wikidata.csv").write_text(HEADER.strip() + ",reviewer\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"wikidata\.csv:1: unknown column\(s\) 'reviewer'"):
        read_linkset(tmp_path / "wikidata.csv")
