"""What a store's `query` returns, whatever the store: plain Python values holding `terms`.

SELECT gives `Solutions`: a list of `Solution` rows, each readable by variable name (`row["name"]`),
by position (`row[0]`) or as a mapping (`row.get("name")`); an unbound variable is None. ASK gives a
bool, CONSTRUCT and DESCRIBE a `Triples` list. Both lists say whether a row limit cut them
(`truncated`). They pickle, so a worker process can send them whole.
"""

from __future__ import annotations

from collections.abc import Mapping


class Solution(Mapping):
    """One row: `row["name"]` or `row[0]`; an unbound variable is None."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple):
        self._index, self._values = index, values

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._values[key]
        position = self._index.get(key)
        return None if position is None else self._values[position]

    def get(self, key, default=None):
        value = self[key]
        return default if value is None else value

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return "Solution(" + ", ".join(f"{k}={v}" for k, v in zip(self._index, self._values)) + ")"


class Solutions(list):
    """SELECT results: `Solution` rows with the query's `variables` (names, in the query's order)."""

    def __init__(self, variables: list[str], rows: list[tuple], truncated: bool = False):
        index = {name: i for i, name in enumerate(variables)}
        super().__init__(Solution(index, tuple(row)) for row in rows)
        self.variables = list(variables)
        self.truncated = truncated

    @classmethod
    def of(cls, variables: list[str], solutions: list[Solution], truncated: bool = False) -> "Solutions":
        """From `Solution` rows a store already made (sharing one variable index), taken as they are."""
        made = list.__new__(cls)
        list.__init__(made, solutions)
        made.variables = list(variables)
        made.truncated = truncated
        return made

    def __reduce__(self):
        return (Solutions, (self.variables, [row._values for row in self], self.truncated))


class Triples(list):
    """CONSTRUCT / DESCRIBE results: `Triple`s."""

    def __init__(self, triples=(), truncated: bool = False):
        super().__init__(triples)
        self.truncated = truncated

    def __reduce__(self):
        return (Triples, (list(self), self.truncated))
