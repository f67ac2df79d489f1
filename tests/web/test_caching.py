"""ETags per release, 304 on revalidation, gzip when asked."""

import gzip


def test_a_page_has_an_etag_and_revalidates_to_304(client):
    first = client.get("/query/plans")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/query/plans", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get("/query/plans", headers={"Accept": "application/json"})
    assert other.headers["ETag"] != first.headers["ETag"]  # another representation, another tag


def test_sparql_results_have_etags_on_get_only(client):
    query = {"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"}
    got = client.get("/sparql", query_string=query, headers={"Accept": "application/sparql-results+json"})
    assert got.headers.get("ETag")
    posted = client.post("/sparql", data=query, headers={"Accept": "application/sparql-results+json"})
    assert "ETag" not in posted.headers


def test_large_text_answers_are_gzipped_when_accepted(client):
    plain = client.get("/query/actions.csv", headers={"Accept-Encoding": "identity"})
    zipped = client.get("/query/actions.csv", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert len(zipped.get_data()) < len(plain.get_data()) / 3
    refused = client.get("/query/actions.csv", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers
