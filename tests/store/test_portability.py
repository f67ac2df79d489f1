"""The rule two stores' answers are compared by."""

from __future__ import annotations

from eqgraph.store.portability import concatenated, differences, order_keys

QUERY = """SELECT ?a (GROUP_CONCAT(DISTINCT ?x; SEPARATOR="; ") AS ?xs) WHERE { ?a ?p ?x } GROUP BY ?a
ORDER BY DESC(?n) ?a"""


def test_group_concat_columns_and_order_keys_are_found():
    assert concatenated(QUERY) == {"xs": "; "}
    assert concatenated('SELECT ?o { { SELECT (GROUP_CONCAT(?x; SEPARATOR=" | ") AS ?j) {} } '
                        'BIND(IF(?c > 0, ?j, ?none) AS ?o) }') == {"j": " | ", "o": " | "}
    assert order_keys(QUERY) == ["n", "a"]
    assert order_keys("SELECT * {} ORDER BY STR(?a)") is None
    assert order_keys("SELECT * {}") == []


def test_rows_compare_as_a_multiset_in_key_order():
    rows = [{"a": "1", "xs": "p; q", "n": "2"}, {"a": "2", "xs": "r", "n": "1"}]
    assert differences(QUERY, rows, [{"a": "1", "xs": "q; p", "n": "2"}, {"a": "2", "xs": "r", "n": "1"}]) == []
    assert differences(QUERY, rows, rows[::-1]) == ["order differs by ['n', 'a']"]
    assert differences(QUERY, rows, rows[:1])
    assert differences(QUERY, rows, rows + rows[:1])  # a duplicate counts
