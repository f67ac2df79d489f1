"""The endpoint's gate: updates and SERVICE are refused wherever SPARQL would read them, and only there."""

import pytest

from eqgraph.sparql import EndpointError, UpdateRefused, check_query

REFUSED = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE<http://127.0.0.1:9/x> { ?s ?p ?o } }",  # no space before the IRI
    'SELECT * WHERE { # """\n SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } # """\n }',  # quotes in comments
    "SELECT * WHERE { <http://x/'> ?p ?o . SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } <http://y/'> ?p ?o }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c FILTER(?a<?b)SERVICE<http://127.0.0.1:9/x>{?s ?p ?o} }",
]
ALLOWED = [
    "PREFIX drop: <http://example.org/> SELECT * WHERE { ?s drop:a ?o }",  # a prefix named like a keyword
    "SELECT * WHERE { ?s <http://example.org/data-copy> ?o . ?s <http://e/x> ?o }",
    'SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(?o, "SERVICE <http://x/> and DROP ALL")) }',
    "SELECT * WHERE { <https://w3id.org/eqgraph/id/partner/merton-school-nursing-service> ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } # DROP ALL, LOAD <http://x/>",
]


@pytest.mark.parametrize("query", REFUSED)
def test_service_is_refused_however_it_is_written(query):
    with pytest.raises(EndpointError, match="SERVICE"):
        check_query(query)


def test_an_allowlisted_service_passes():
    check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }", frozenset({"http://127.0.0.1:9/x"}))


@pytest.mark.parametrize("query", ALLOWED)
def test_keywords_inside_names_strings_and_comments_are_not_refused(query):
    check_query(query)


@pytest.mark.parametrize("query", ["DROP ALL", "LOAD <http://example.org/x>", "CLEAR DEFAULT",
                                   "INSERT DATA { <a:b> <a:c> <a:d> }"])
def test_updates_are_refused(query):
    with pytest.raises(UpdateRefused):
        check_query(query)


@pytest.mark.parametrize("query", [
    # SERVICE after a dot that ends a bare name: SPARQL reads `true . SERVICE`
    "SELECT * WHERE { ?s ?p true.SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
    # a string never closed ends with its line, so what follows is read as SPARQL
    'SELECT * WHERE { ?s ?p "unclosed\nSERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }',
    # SERVICE as the very last tokens
    "SELECT * WHERE { ?s ?p ?o } SERVICE",
])
def test_service_is_found_after_names_and_broken_strings(query):
    with pytest.raises(EndpointError, match="SERVICE"):
        check_query(query)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o } " + "a." * 30_000,  # a 60 KB bare name with dots
    "ASK {} " + '"' + "x" * 100_000,  # a string never closed
    "ASK {} " + '"""' + '" ' * 50_000,  # a long string never closed
    "ASK {} " + "<" * 100_000,  # IRIs never closed
    "ASK {} " + "ex:" * 30_000,
])
def test_pathological_texts_are_read_in_one_pass(query):
    check_query(query)  # linear in the length: these finish at once (quadratic lexing took seconds)


def test_a_bare_name_with_dots_is_words_and_dots():
    from eqgraph.sparql import _tokens

    tokens = list(_tokens("ASK {} " + "a." * 30_000))
    assert tokens.count(("word", "a")) == 30_000 and tokens.count(("other", ".")) == 30_000


def test_prefixed_names_that_look_like_keywords_are_names():
    check_query("PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:SERVICE ex:drop.load }")
