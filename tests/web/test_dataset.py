"""The graph as a linked dataset on the site: /dumps/<file>, /.well-known/void by content negotiation,
the dataset page (/about), the ontology page (/ontology), and every link into the ontology's namespace
resolving to an entry of /ontology."""

from __future__ import annotations

import gzip
import re
from urllib.parse import urlencode, urlsplit

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from eqgraph import resources
from eqgraph.namespaces import EQG, VOID
from eqgraph.publish import dataset_iri
from eqgraph.store import ReleaseFiles

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HREF = re.compile(r'href="([^"]*)"')
ID = re.compile(r'id="([^"]*)"')


# --- dumps -------------------------------------------------------------------------------------------

def test_every_dump_downloads_as_the_gzip_file_the_build_wrote(client, built):
    for entry in ReleaseFiles(built[1].release).dumps:
        answer = client.get(f"/dumps/{entry['file']}")
        assert answer.status_code == 200, entry["file"]
        assert answer.headers["Content-Type"] == "application/gzip"
        assert "Content-Encoding" not in answer.headers  # a .gz file, not an RDF answer sent compressed
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        assert f'filename={entry["file"]}' in answer.headers["Content-Disposition"]
        assert answer.headers["ETag"] == f'"{entry["sha256"][:32]}"'
        assert answer.data == (built[1].release / "dumps" / entry["file"]).read_bytes()
        assert gzip.decompress(answer.data)
        again = client.get(f"/dumps/{entry['file']}", headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("path", ["/dumps/build.json", "/dumps/..%2Fbuild.json", "/dumps/../build.json",
                                  "/dumps/eqgraph.nt", "/dumps/%2Fetc%2Fpasswd", "/dumps/", "/dumps/store"])
def test_nothing_else_is_served_from_dumps(client, path):
    answer = client.get(path)
    assert answer.status_code == 404
    assert b"Traceback" not in answer.data


# --- /.well-known/void ----------------------------------------------------------------------------------

@pytest.mark.parametrize("accept", [None, "*/*", "text/turtle", "text/turtle;q=0.9, application/n-triples;q=0.5"])
def test_void_is_turtle_for_rdf_clients(client, built, accept):
    answer = client.get("/.well-known/void", headers={"Accept": accept} if accept else {})
    assert answer.status_code == 200 and answer.mimetype == "text/turtle"
    assert answer.headers["Access-Control-Allow-Origin"] == "*" and "Accept" in answer.headers["Vary"]
    graph = Graph().parse(data=answer.data, format="turtle")
    dataset = URIRef(dataset_iri(built[0].base))
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(built[0].public_url + "/sparql")
    # What it points to comes along: the link targets' titles, the sources' licences.
    for linkset in graph.subjects(RDF.type, VOID.Linkset):
        assert (graph.value(linkset, VOID.objectsTarget), RDF.type, VOID.Dataset) in graph


@pytest.mark.parametrize("media, extension", [("application/ld+json", "jsonld"), ("application/n-triples", "nt"),
                                              ("application/rdf+xml", "rdf"), ("application/trig", "trig")])
def test_void_in_other_rdf_syntaxes(client, media, extension):
    assert client.get("/.well-known/void", headers={"Accept": media}).mimetype == media
    assert client.get(f"/.well-known/void.{extension}").mimetype == media
    assert client.get(f"/.well-known/void?format={extension}").mimetype == media
    assert client.get("/.well-known/void.nope").status_code == 404
    assert client.get("/.well-known/void?format=nope").status_code == 400


def test_a_browser_gets_the_dataset_page(client, built):
    answer = client.get("/.well-known/void", headers={"Accept": BROWSER})
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert "Licence and attribution" in html and 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    assert "Download the whole graph" in html and "Links to other datasets" in html
    assert client.get("/.well-known/void", headers={"Accept": "application/json"}).get_json()["ok"]


def test_the_dataset_page_shows_licence_dumps_endpoint_and_linksets(client, built):
    html = client.get("/about").get_data(as_text=True)
    assert "eqgraph: the London Borough of Merton" in html
    assert "CC BY 4.0" in html and "MIT" in html and "states no licence" in html
    assert "Open Government Licence" in html and "mySociety" in html  # the reference files' own terms
    for entry in ReleaseFiles(built[1].release).dumps:
        assert f'href="/dumps/{entry["file"]}"' in html
    assert re.search(r"eqgraph\.nt\.gz</a></td><td>\d+ KB", html)
    assert "/sparql" in html and 'href="/.well-known/void"' in html and 'href="/ontology"' in html
    data = client.get("/about.json").get_json()
    assert data["dataset"]["licence"]["iri"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [d["format"] for d in data["dumps"]] == ["turtle", "nt", "nquads", "trig", "jsonld"]
    counts = {l["target"]["iri"].rsplit("/", 1)[-1]: l["triples"] for l in data["linksets"]}
    assert counts["ons"] > 0 and counts["wikidata"] > 0 and len(counts) == 5
    assert len(data["references"]) == 7 and all(r["licence"] for r in data["references"])
    assert len(data["documents"]) == 2 and all("states no licence" in d["rights"] for d in data["documents"])


def test_every_page_links_the_downloads_and_the_ontology(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/about#downloads"' in html and 'href="/ontology"' in html


# --- /ontology ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ontology_page(app):
    return app.test_client().get("/ontology").get_data(as_text=True)


def test_the_ontology_page_has_an_entry_for_every_term(ontology_page):
    ontology = Graph().parse(resources.ontology_file(), format="turtle")
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {s for kind in kinds for s in ontology.subjects(RDF.type, kind) if str(s).startswith(str(EQG))}
    terms |= {s for s in ontology.subjects() if str(s).startswith(str(EQG))}  # values (eqg:OnTrack) too
    ids = set(ID.findall(ontology_page))
    assert len(terms) > 60
    assert {str(t)[len(str(EQG)):] for t in terms} <= ids


def test_an_entry_shows_label_comment_domain_range_and_instances(ontology_page, client):
    entry = ontology_page.split('id="carriesOn"', 1)[1].split("</section>", 1)[0]
    assert "carries on" in entry and "continues the same commitment" in entry
    assert entry.count('href="/ontology#Action"') == 2  # domain and range
    action = ontology_page.split('id="Action"', 1)[1].split("</section>", 1)[0]
    assert "132" in action and 'href="/id/plan/merton-2013-14/action/' in action
    on_track = ontology_page.split('id="OnTrack"', 1)[1].split("</section>", 1)[0]
    assert "on track" in on_track and 'href="/ontology#ProgressStatus"' in on_track
    data = client.get("/ontology.json").get_json()
    assert {t["name"] for t in data["classes"]} >= {"Action", "ActionPlan", "Community"}


@pytest.mark.parametrize("request_, media", [({"path": "/ontology.ttl"}, "text/turtle"),
                                             ({"path": "/ontology", "headers": {"Accept": "text/turtle"}}, "text/turtle"),
                                             ({"path": "/ontology", "headers": {"Accept": "application/ld+json"}},
                                              "application/ld+json"),
                                             ({"path": "/ontology.nt"}, "application/n-triples")])
def test_rdf_clients_get_the_ontology(client, request_, media):
    answer = client.get(request_["path"], headers=request_.get("headers", {}))
    assert answer.status_code == 200 and answer.mimetype == media
    if media == "text/turtle":
        graph = Graph().parse(data=answer.data, format="turtle")
        assert (EQG.OnTrack, RDF.type, EQG.ProgressStatus) in graph
        assert len(graph) == len(Graph().parse(resources.ontology_file(), format="turtle"))
    assert client.get("/ontology.nope").status_code == 404


# --- every link into the ontology resolves here ---------------------------------------------------------

def _pages(app, client, built):
    """One of every page type: home, each saved query with its example, an action, a partner, a community,
    graph views, the dataset page (both addresses), the ontology."""
    yield "/"
    for name, query in app.config["EQGRAPH"].release.catalogue.queries.items():
        example = {p.name: p.example for p in query.params if p.example}
        yield f"/query/{name}" + (f"?{urlencode(example)}" if example else "")
    described = client.get("/about.json").get_json()["dataset"]["examples"]
    assert len(described) == 3  # an action, a partner, a community
    yield from (e["href"] for e in described)
    yield from ("/graphs", "/about", "/ontology")
    yield ("/.well-known/void", BROWSER)


def test_every_link_into_the_ontology_has_its_entry(app, client, built, ontology_page):
    anchors = set(ID.findall(ontology_page))
    checked = set()
    for page in _pages(app, client, built):
        path, accept = page if isinstance(page, tuple) else (page, None)
        answer = client.get(path, headers={"Accept": accept} if accept else {})
        assert answer.status_code == 200, path
        for href in HREF.findall(answer.get_data(as_text=True)):
            assert not href.startswith(str(EQG).rstrip("#")), f"{path} links off-site to {href}"
            parts = urlsplit(href.replace("&amp;", "&"))
            if parts.path in ("/ontology", "/ontology/") and not parts.netloc:
                assert not parts.fragment or parts.fragment in anchors, f"{path}: {href}"
                checked.add(href)
    assert {"/ontology#OnTrack", "/ontology#Action", "/ontology#Partner"} <= checked, sorted(checked)[:20]
    for path in {href.split("#", 1)[0] for href in checked}:
        assert client.get(path).status_code == 200


def test_ontology_iris_map_to_this_sites_entries(app):
    from eqgraph.web.render import safe_href

    with app.test_request_context("/"):
        assert safe_href(str(EQG.OnTrack)) == "/ontology#OnTrack"
        assert safe_href(str(EQG)) == safe_href(str(EQG).rstrip("#")) == "/ontology"
        assert safe_href("https://w3id.org/eqgraph/ontologyX") == "https://w3id.org/eqgraph/ontologyX"
