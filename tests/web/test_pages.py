"""Pages as a user meets them: the gallery, query forms, entity pages, JSON twins, errors, headers."""

import json

import pytest


def test_home_is_the_query_gallery_grouped_by_tag(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Strategies feeding an objective" in html and "Actions for a community" in html
    assert "merton-2017-18" in html and "Equality Objective 2" in html
    twin = client.get("/index.json").get_json()
    assert twin["ok"] and "strategies" in twin["groups"] and len(twin["plans"]) == 2


def test_a_query_page_offers_pick_lists_and_runs_from_its_url(client):
    page = client.get("/query/actions-for-community")
    html = page.get_data(as_text=True)
    # A name typed as people say it, with the names offered (a datalist from the server; typeahead.js asks /names).
    assert 'name="community"' in html and 'list="field-community-names"' in html
    assert '<option value="Tamil parents"></option>' in html
    run = client.get("/query/strategies-feeding-objective?plan=merton-2017-18&objective=1")
    html = run.get_data(as_text=True)
    assert run.status_code == 200 and "Health and Wellbeing Strategy" in html and "10 rows" in html
    assert 'href="/id/strategy/health-and-wellbeing-strategy"' in html
    assert "shareable link" in html and "<summary>SPARQL</summary>" in html


def test_a_loosely_typed_name_shows_what_it_was_taken_to_mean(client):
    html = client.get("/query/actions-for-partner?partner=Latimer").get_data(as_text=True)
    assert 'name="partner" value="Latimer"' in html  # the field keeps what was typed; the note says how it was read
    assert "1 row" in html and "partner “Latimer” read as <strong>Clarion Housing Group</strong>" in html
    page = client.get("/query/actions-for-community?community=BME+groups")
    assert "community “BME groups” read as <strong>Ethnic minorities</strong>" in page.get_data(as_text=True)
    assert client.get("/query/actions-for-partner.json?partner=Latimer").get_json()["result"]["interpreted"] == \
        {"partner": "Clarion Housing Group"}
    download = client.get("/query/actions-for-partner.csv?partner=Latimer")
    assert json.loads(download.headers["X-Eqgraph-Read-As"]) == {"partner": "Clarion Housing Group"}
    # Words that could change the meaning are not read past; typed markup comes back escaped.
    refused = client.get("/query/actions-for-community?community=non-BME+<b>x</b>")
    assert refused.status_code == 400 and "non-BME &lt;b&gt;x&lt;/b&gt;" in refused.get_data(as_text=True)


def test_every_page_has_a_json_twin(client):
    data = client.get("/query/strategies-feeding-objective.json?plan=merton-2017-18&objective=1").get_json()
    labels = {row["label"]: row["actions"] for row in data["result"]["plain"]}
    assert labels["Health and Wellbeing Strategy"] == "3"
    same = client.get("/query/strategies-feeding-objective?plan=merton-2017-18&objective=1",
                      headers={"Accept": "application/json"}).get_json()
    assert same["result"]["plain"] == data["result"]["plain"]
    assert client.get("/graphs.json").get_json()["views"]
    assert client.get("/id/partner/network-rail", headers={"Accept": "application/json"}).get_json()["title"] == \
        "Network Rail"


def test_downloads(client):
    csv = client.get("/query/actions-for-partner.csv?partner=TfL")
    # The download is for spreadsheets: a UTF-8 byte order mark first, so Excel reads it as UTF-8.
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).splitlines()[0] == "\ufeffaction,plan,ref,title,field,words"
    assert "attachment" in csv.headers["Content-Disposition"]
    # The same CSV asked for by Accept, for programs, is the spec's: no byte order mark, no attachment.
    same = client.get("/query/actions-for-partner?partner=TfL", headers={"Accept": "text/csv"})
    assert same.get_data() == csv.get_data()[len("\ufeff".encode()):] and "Content-Disposition" not in same.headers


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_spreadsheet_downloads_keep_refs_as_text_and_name_what_was_asked(client):
    import csv
    import io

    from openpyxl import load_workbook

    xlsx = client.get("/query/actions-for-department.xlsx?department=Housing")
    assert xlsx.status_code == 200 and xlsx.mimetype == XLSX
    assert xlsx.headers["Content-Disposition"] == 'attachment; filename="actions-for-department-housing.xlsx"'
    rows = list(load_workbook(io.BytesIO(xlsx.get_data())).active.iter_rows())
    header, data = [c.value for c in rows[0]], rows[1:]
    spec = list(csv.reader(io.StringIO(client.get("/query/actions-for-department?department=Housing",
                                                  headers={"Accept": "text/csv"}).get_data(as_text=True))))
    assert header == spec[0] and len(data) == len(spec) - 1 > 0
    refs = [row[header.index("ref")] for row in data]
    assert all(c.data_type == "s" and isinstance(c.value, str) and c.number_format == "@" for c in refs)
    assert [c.value for c in refs] == [row[spec[0].index("ref")] for row in spec[1:]]
    assert any(c.value.replace(".", "", 1).isdigit() for c in refs)  # refs like "2.6": numbers, to Excel
    iris = [row[header.index("action")].value for row in data]
    assert all(isinstance(i, str) and i.startswith("http") for i in iris)

    excel = client.get("/query/actions-for-department.excel.csv?department=Housing")
    assert excel.status_code == 200 and excel.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert excel.headers["Content-Disposition"] == 'attachment; filename="actions-for-department-housing.excel.csv"'
    body = excel.get_data()
    assert body.startswith("\ufeff".encode()) and body.count(b"\r\n") == len(spec)
    read = list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))
    assert read[0] == spec[0] and len(read) == len(spec)
    assert [r[spec[0].index("ref")] for r in read[1:]] == [f'="{r[spec[0].index("ref")]}"' for r in spec[1:]]
    assert [r[0] for r in read[1:]] == [r[0] for r in spec[1:]]  # IRIs as they are
    # The spec's CSV is untouched by all this.
    assert b'="' not in client.get("/query/actions-for-department.csv?department=Housing").get_data()


def test_the_query_page_links_the_spreadsheet_downloads_and_accept_reaches_the_xlsx(client):
    html = client.get("/query/actions-for-department?department=Housing").get_data(as_text=True)
    assert 'href="/query/actions-for-department.xlsx?department=Housing"' in html
    assert 'href="/query/actions-for-department.excel.csv?department=Housing"' in html
    by_accept = client.get("/query/actions-for-department?department=Housing", headers={"Accept": XLSX})
    assert by_accept.mimetype == XLSX and by_accept.get_data()[:2] == b"PK" and "Accept" in by_accept.headers["Vary"]
    assert client.get("/query/plans", headers={"Accept": "text/csv"}).get_data()[:1] != "\ufeff".encode()[:1]
    assert client.get("/query/nope.excel.csv").status_code == 404
    assert client.get("/query/plan-graph.xlsx?plan=merton-2017-18").status_code == 404


def test_download_names_are_slugs_of_what_was_asked():
    from eqgraph.web.pages import download_stem

    assert download_stem("actions-for-department", ["Housing"]) == "actions-for-department-housing"
    assert download_stem("actions-for-partner", ['Café "Ré" / ../x; rm']) == "actions-for-partner-cafe-re-x-rm"
    assert download_stem("plans", []) == "plans"
    assert len(download_stem("x", ["a" * 500, "b" * 500])) <= 120


def test_bad_parameters_get_a_helpful_400(client):
    page = client.get("/query/actions-for-partner?partner=Network+Rial")
    assert page.status_code == 400 and "did you mean" in page.get_data(as_text=True)


def test_an_action_page_shows_source_evidence_and_checks(client):
    page = client.get("/id/plan/merton-2013-14/action/2.1.10")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "000_40e3021ba5099370.txt, lines 95–95" in html  # source text with its document and lines
    assert "Commission a Pharmaceutical Needs Assessment" in html
    assert "No performance measure." in html  # SHACL status inline
    rail = client.get("/id/plan/merton-2013-14/action/1.2.17").get_data(as_text=True)
    assert "progress update" in rail and "<q>network rail</q>" in rail  # evidence: field and words


def test_document_text_is_escaped(client):
    # The 2013 source has <p> and <b> fragments; the raw lines are shown as text, never as markup.
    html = client.get("/id/plan/merton-2013-14/action/1.2.12").get_data(as_text=True)
    assert "&lt;p&gt;Equality objectives to be included" in html
    assert "<p>Equality objectives to be included" not in html
    hostile = client.get("/search?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in hostile and "&lt;script&gt;" in hostile


@pytest.mark.parametrize("accept, marker", [
    ("text/turtle", "eqg:ref \"2.6\""), ("application/n-triples", "<https://w3id.org/eqgraph/ontology#ref> \"2.6\""),
    ("application/ld+json", '"@id"'), ("application/rdf+xml", "<rdf:RDF"),
])
def test_entities_are_served_by_content_negotiation(client, accept, marker):
    response = client.get("/id/plan/merton-2017-18/action/2.6", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert marker in response.get_data(as_text=True)
    assert "Accept" in response.headers["Vary"]


def test_errors_help_and_never_show_traces(client):
    missing = client.get("/id/plan/nope")
    assert missing.status_code == 404 and "Traceback" not in missing.get_data(as_text=True)
    assert client.get("/query/nope", headers={"Accept": "application/json"}).get_json() == {
        "ok": False, "status": 404, "error": "no saved query named 'nope'; `eqgraph query --list` lists them"}
    assert client.get("/query/actions.pdf").status_code == 404


def test_security_headers(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_graph_views_and_their_exports(client):
    page = client.get("/graphs/strategies").get_data(as_text=True)
    assert "Health and Wellbeing Strategy" in page and "betweenness" not in page  # no jargon on the page
    data = client.get("/graphs/strategies.json").get_json()
    node = next(n for n in data["nodes"] if n["label"] == "Health and Wellbeing Strategy")
    assert node["href"] == "/id/strategy/health-and-wellbeing-strategy" and node["size"] > 20
    graphml = client.get("/graphs/partners.graphml")
    assert graphml.get_data(as_text=True).startswith("<?xml") and graphml.mimetype == "application/graphml+xml"
    assert graphml.headers["Content-Disposition"] == "attachment; filename=eqgraph-partners.graphml"
    assert client.get("/graphs/partners.graphml").get_data() == graphml.get_data()  # kept for the release
    part = client.get("/graphs/partners.graphml", headers={"Range": "bytes=0-4"})
    assert part.status_code == 206 and part.get_data() == graphml.get_data()[:5]
    assert part.headers["Content-Range"] == f"bytes 0-4/{len(graphml.get_data())}"
    gexf = client.get("/graphs/communities.gexf")
    assert b"<gexf" in gexf.get_data() and gexf.headers["ETag"]
    assert client.get("/graphs/nothing.gexf").status_code == 404
    charts = client.get("/graphs").get_data(as_text=True)
    assert "Actions per protected characteristic, by plan" in charts and "Marriage and civil partnership" in charts


def test_vendored_script_is_served_from_this_site(client):
    response = client.get("/vendor/cytoscape.min.js")
    assert response.status_code == 200 and b"cytoscape" in response.get_data()[:2000]


def test_a_construct_query_downloads_as_turtle(client):
    from rdflib import Graph

    page = client.get("/query/plan-graph?plan=merton-2017-18").get_data(as_text=True)
    assert "Turtle" in page
    turtle = client.get("/query/plan-graph.ttl?plan=merton-2017-18")
    assert turtle.mimetype == "text/turtle" and "attachment" in turtle.headers["Content-Disposition"]
    graph = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    assert len(graph) == 1000 and turtle.headers["X-Eqgraph-Truncated"] == "true"  # this app caps at 1000
    assert not any("merton-2013-14" in str(s) for s in graph.subjects())
    assert client.get("/query/plans.ttl").status_code == 404


def test_an_entity_page_shows_its_identifiers_elsewhere_with_their_provenance(client):
    html = client.get("/id/org/merton-council").get_data(as_text=True)
    section = html.split('<section class="elsewhere">', 1)[1].split("</section>", 1)[0]
    assert '<a class="external" href="http://www.wikidata.org/entity/Q6820723" rel="noopener">London Borough of Merton</a>' \
        in section
    assert "Wikidata" in section and "code match; source: shared/digital-land-organisation.csv line 3" in section
    assert "http://opendatacommunities.org/id/london-borough-council/merton" in section
    about = html.split('<section class="properties">', 1)[1].split("</section>", 1)[0]
    assert "wikidata.org" not in about  # shown once, where its provenance is
    borough = client.get("/id/place/merton").get_data(as_text=True)
    assert "http://statistics.data.gov.uk/id/statistical-geography/E09000024" in borough and "ONS statistical geography" \
        in borough
    age = client.get("/id/characteristic/age").get_data(as_text=True)
    assert 'href="http://www.legislation.gov.uk/id/ukpga/2010/15/section/5"' in age
    twin = client.get("/id/partner/ofsted.json").get_json()
    assert [(e["scheme"], e["target"]) for e in twin["elsewhere"]] == \
        [("GOV.UK government organisation register", "https://www.gov.uk/government/organisations/ofsted")]
    assert client.get("/id/partner/network-rail.json").get_json()["elsewhere"] == []  # no link yet: none shown
