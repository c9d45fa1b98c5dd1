"""Rows equal to a value, counted once in the one pass for whoever asks.

An `in_values` check on a short list and the column's `share:VALUE` metrics compare the
same column with the same values: Polars does not share a comparison between two
expressions of one streaming select, so each was paid twice (about 10 ms CPU a value of a
10M-row column; a 5-value enum, 0.05 s; docs/benchmarks.md). Both now ask this registry
for the count of rows equal to a value and for the column's non-null rows; each count is
one aggregate of the pass, whoever asks first.

* the check's failing rows: the non-null rows minus the hits of its (distinct) values,
  what `not (null or in values)` counts;
* a share metric: a `Ratio` of two of the counts, resolved after the pass (no values: no
  share).

An engine opts in with `COUNTED_VALUES` in its expression module (how long a list is
counted value by value; beyond it a hash lookup per row is cheaper) and the two builders
`equal_text` and `count_values`; without them checks count as before.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, NamedTuple


class Ratio(NamedTuple):
    """A measure that is one aggregate of the pass over another (None when it is 0)."""

    numerator: str
    denominator: str

    def resolve(self, row: dict[str, Any]) -> float | None:
        den = row[self.denominator]
        return float(row[self.numerator]) / float(den) if den else None


class ValueCounts:
    def __init__(self, E: ModuleType, typed: dict[str, Any]):
        self.E, self.typed = E, typed
        self.limit: int = getattr(E, "COUNTED_VALUES", 0)
        self.aggregates: dict[str, Any] = {}  # name -> the engine's aggregate expression

    def equal(self, column: str, value: str) -> str:
        """The name of the count of rows whose value, as text, is `value`."""
        name = f"__eq__{column}\x1f{value}"
        if name not in self.aggregates:
            self.aggregates[name] = self.E.count_true(self.E.equal_text(self.typed[column], value))
        return name

    def non_null(self, column: str) -> str:
        name = f"__nonnull__{column}"
        if name not in self.aggregates:
            self.aggregates[name] = self.E.count_values(self.typed[column])
        return name

    def counts_list(self, values: list[str]) -> bool:
        """Is a check of these values counted value by value (else: its own expression)?"""
        return 0 < len(set(values)) <= self.limit

    def outside(self, column: str, values: list[str]) -> tuple[str, list[str]]:
        """(non-null count, hit counts of the distinct values): what an `in_values` check's
        failing rows are computed from (`failing`)."""
        return self.non_null(column), [self.equal(column, v) for v in dict.fromkeys(values)]

    @staticmethod
    def failing(row: dict[str, Any], names: tuple[str, list[str]]) -> int:
        non_null, hits = names
        return int(row[non_null]) - sum(int(row[h]) for h in hits)
