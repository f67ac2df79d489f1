"""Reference data: verbatim cuts of open data, checked by checksum, read into places and records."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from eqgraph import resources
from eqgraph.errors import InputError
from eqgraph.links.reference import load_sources, read_all, reference_graphs
from eqgraph.namespaces import EQG, GEO

BASE = "https://example.org/id/"
OPENDATA = resources.root() / ".." / "shared" / "opendata"


@pytest.fixture(scope="module")
def graphs():
    return reference_graphs(BASE)


def test_every_shipped_file_matches_its_recorded_checksum_and_licence():
    manifest = load_sources()
    assert {s.council for s in manifest.files} == {"merton", "shared"}
    for rows in read_all():
        source = rows.source
        assert source.sha256 and source.source_sha256 and source.licence.url.startswith("http")
        assert rows.rows, f"{source.file} holds no rows"
        # Only the rows kept: every row has one of the kept values in each kept column.
        assert all(row[column] in values for _, row in rows.rows for column, values in source.keep.items())
    assert "Crown copyright" in manifest.attribution and "mySociety" in manifest.attribution


def test_a_damaged_reference_file_is_refused_with_its_name(tmp_path):
    copy = tmp_path / "reference"
    shutil.copytree(resources.data_dir() / "reference", copy)
    wards = copy / "merton" / "ward_all_codes.csv"
    wards.write_bytes(wards.read_bytes().replace(b"Abbey", b"Abbot", 1))
    load_sources.cache_clear()
    read_all.cache_clear()
    try:
        with pytest.raises(InputError, match=r"ward_all_codes\.csv.*damaged or was edited"):
            reference_graphs(BASE, copy)
    finally:
        load_sources.cache_clear()
        read_all.cache_clear()


@pytest.mark.skipif(not OPENDATA.is_dir(), reason="the shared open data folder is not on this machine")
def test_the_shipped_files_are_verbatim_cuts_of_the_open_data():
    done = subprocess.run([sys.executable, "tools/make_reference.py", str(OPENDATA), "--check"],
                          cwd=resources.root(), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_borough_is_a_place_with_its_ons_code_within_its_region(graphs):
    merton = graphs["reference/merton"]
    borough = URIRef(BASE + "place/merton")
    assert (borough, RDF.type, EQG.Borough) in merton
    assert str(merton.value(borough, SKOS.notation)) == "E09000024"
    assert merton.value(borough, SKOS.broader) == URIRef(BASE + "place/london")
    assert str(merton.value(URIRef(BASE + "place/london"), SKOS.notation)) == "E12000007"
    assert merton.value(borough, GEO.lat) is not None and merton.value(borough, GEO.long) is not None


def test_the_twenty_wards_of_2002_to_2022_each_with_code_centre_and_borough(graphs):
    merton = graphs["reference/merton"]
    wards = set(merton.subjects(RDF.type, EQG.ElectoralWard))
    codes = {str(merton.value(w, SKOS.notation)) for w in wards}
    assert codes == {f"E05000{n}" for n in range(455, 475)}
    for ward in wards:
        assert merton.value(ward, SKOS.broader) == URIRef(BASE + "place/merton")
        assert 51.3 < float(merton.value(ward, GEO.lat)) < 51.5
        assert -0.3 < float(merton.value(ward, GEO.long)) < -0.1
    assert str(merton.value(URIRef(BASE + "place/merton/figges-marsh"), SKOS.prefLabel)) == "Figge's Marsh"


def test_each_council_has_its_own_graph_and_national_records_are_shared(graphs):
    assert set(graphs) == {"reference/merton", "reference/shared"}
    places = {s for s in graphs["reference/shared"].subjects(RDF.type, EQG.Place)}
    assert places == set(), "no place is national"
    wikidata = {str(s) for s in graphs["reference/shared"].subjects() if str(s).startswith("http://www.wikidata.org/")}
    assert "http://www.wikidata.org/entity/Q6820723" in wikidata


def test_a_ward_whose_borough_no_file_lists_is_refused(tmp_path):
    copy = tmp_path / "reference"
    shutil.copytree(resources.data_dir() / "reference", copy)
    (copy / "merton" / "la_all_codes.csv").write_text((copy / "merton" / "la_all_codes.csv").read_text()
                                                      .splitlines()[0] + "\n", encoding="utf-8")
    manifest = (copy / "sources.yaml").read_text(encoding="utf-8")
    import hashlib
    old = hashlib.sha256((resources.data_dir() / "reference" / "merton" / "la_all_codes.csv").read_bytes()).hexdigest()
    new = hashlib.sha256((copy / "merton" / "la_all_codes.csv").read_bytes()).hexdigest()
    (copy / "sources.yaml").write_text(manifest.replace(old, new), encoding="utf-8")
    load_sources.cache_clear()
    read_all.cache_clear()
    try:
        with pytest.raises(InputError, match=r"ward_all_codes\.csv:2: ward E05000455 is in E09000024"):
            reference_graphs(BASE, copy)
    finally:
        load_sources.cache_clear()
        read_all.cache_clear()
