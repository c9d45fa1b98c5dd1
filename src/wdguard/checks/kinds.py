"""The kinds of check the gate runs, each in one place: its stable code, family, meaning,
the message its outcome carries, where the partition plan runs it, and (for a row check)
the expression that passes a row, written once against an engine's expression module.

Modelled on pandera's `builtin_checks.py` (a check registered with its error template).
A row check's `passes(E, value, params)` calls the same-named builder of whichever
engine runs (`E` is `checks/engines/polars/expressions.py` or `.../spark/expressions.py`),
so adding a row check is one entry here plus one builder per engine. Codes are stable
(tools and alert routes key on them); the reference page is this dict rendered
(`scripts/gen_docs.py`). Adding a kind is additive; never renumber.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

# the count message of every row and key check: `3 of 120 row(s) fail`
ROWS_FAIL = "{failing} of {rows} row(s) fail"


@dataclass(frozen=True)
class CheckKind:
    code: str
    # completeness | schema | constraint | referential | rule | freshness | volume
    # | reconcile | calendar | scd2 (the last three: gold only) | anomaly
    family: str
    summary: str
    # where the partition plan (`checks/plan.py`) runs it: schema (footers, no data), cast,
    # row and rule (the one aggregation pass), key (the key pass), fk (one anti-join);
    # elements (`checks/elements.py`: array lengths; every check of an element path runs
    # there too); "" = outside the plan (completeness, freshness, volume, gold)
    step: str = ""
    message: str = ""  # the failing outcome's message, `str.format`ted by the plan
    # row step: (E, value, params) -> the engine's boolean "row passes" expression
    passes: Callable[[ModuleType, Any, dict[str, Any]], Any] | None = None
    numeric: bool = False  # compare the value as a number (a decimal held as text)
    shows_values: bool = False  # the message lists up to 5 offending values
    default_severity: str = "error"  # when the contract does not say


KINDS: dict[str, CheckKind] = {
    "partition_missing": CheckKind(
        "WDG001", "completeness", "the contract's partition for the date is absent"
    ),
    "file_missing": CheckKind(
        "WDG002", "completeness",
        "a data file listed in `_source.json` is absent, or one is present that it does not "
        "list (an ADF output: another file count)",
    ),
    "row_count": CheckKind(
        "WDG003", "completeness",
        "rows in the data files differ from `_source.json`'s `row_count` (to the row), or "
        "its files' rows do not add up to it",
    ),
    "duplicate_pk": CheckKind(
        "WDG004", "completeness", "two rows share a primary key", step="key", message=ROWS_FAIL
    ),
    "unexpected_object": CheckKind(
        "WDG005", "completeness", "a partition of the date has no contract",
        default_severity="warn",
    ),
    "column_missing": CheckKind(
        "WDG010", "schema",
        "a contract column is absent (skipped, naming the migration, when the column's "
        "`added_by` migration came after the partition)", step="schema",
        message="column {column!r} is absent from the partition",
    ),
    "dtype": CheckKind(
        "WDG011",
        "schema",
        "silver: the column's type is not exactly the one the contract's type is stored as "
        "(`contracts/types.py`), on either engine; bronze: a nested value where a scalar is "
        "expected, or back",
        step="schema", message="dtype is {actual}, the contract says {expected}",
    ),
    "column_unexpected": CheckKind(
        "WDG013",
        "schema",
        "a partition column no contract column describes (warn; error with "
        "`extra_columns: forbid`)",
    ),
    "castable": CheckKind(
        "WDG012", "schema",
        "bronze values that do not cast to the contract's type (`'12,50 KES'` for a decimal, "
        "an int8 overflow, an unparsable timestamp)",
        step="cast", message=ROWS_FAIL,
    ),
    "not_null": CheckKind(
        "WDG020", "constraint", "null in a `nullable: false` column", step="row",
        message=ROWS_FAIL, passes=lambda E, value, p: E.not_null(value),
    ),
    "unique": CheckKind(
        "WDG021", "constraint", "repeated value in a `unique` column or a `unique_keys` key",
        step="key",
        message=ROWS_FAIL,
    ),
    "in_values": CheckKind(
        "WDG022", "constraint", "value outside the enum `values` / `accepted_values`",
        step="row", message=ROWS_FAIL, shows_values=True,
        passes=lambda E, value, p: E.in_values(value, p["values"]),
    ),
    "between": CheckKind(
        "WDG023", "constraint", "number outside the contract's `min` / `max`", step="row",
        message=ROWS_FAIL, shows_values=True, numeric=True,
        passes=lambda E, value, p: E.between(value, p["min"], p["max"]),
    ),
    "regex": CheckKind(
        "WDG024", "constraint",
        "string not matching the contract's `regex` (search semantics: anchor with `^...$`)",
        step="row",
        message=ROWS_FAIL, shows_values=True,
        passes=lambda E, value, p: E.matches(value, p["pattern"]),
    ),
    "array_length": CheckKind(
        "WDG025", "constraint",
        "array with fewer or more elements than `min_items` / `max_items`", step="elements",
        message=ROWS_FAIL,
    ),
    "orphan_fk": CheckKind(
        "WDG030", "referential",
        "a non-null foreign key (`references` / `foreign_keys`) with no parent row in the "
        "parent's partition of the same date and layer",
        step="fk", message="{failing} row(s) reference a missing {references}",
    ),
    "rule": CheckKind(
        "WDG040", "rule",
        "a row where the contract's SQL rule is false (NULL passes, as in a SQL CHECK)",
        step="rule",
        message=ROWS_FAIL,
    ),
    "stale": CheckKind(
        "WDG050", "freshness",
        "the newest `freshness.column` value is older than `max_age` at the partition's "
        "`extracted_at`",
    ),
    "min_rows": CheckKind("WDG060", "volume", "fewer rows than `volume.min_rows`"),
    "volume_change": CheckKind(
        "WDG061", "volume",
        "the row count moved more than `max_change` from the weekday-aware baseline",
    ),
    # gold (post-build gate, `wdguard check --layer gold`): derived from contracts/gold/
    "gold_grain": CheckKind(
        "WDG070",
        "constraint",
        "gold: two rows share the grain (a fact's key, a dimension's surrogate key)",
    ),
    "gold_orphan_key": CheckKind(
        "WDG071", "referential", "gold: a dimension key with no row in the referenced dimension"
    ),
    "gold_unknown_share": CheckKind(
        "WDG072", "referential",
        "gold: more rows on the dimension's unknown member than `unknown_max_share`",
    ),
    "reconcile_count": CheckKind(
        "WDG073",
        "reconcile",
        "gold: a fact's rows of the date differ from the silver rows it is built from",
    ),
    "reconcile_sum": CheckKind(
        "WDG074", "reconcile",
        "gold: a measure's sum differs from its silver column's sum (exact for decimals and "
        "integers)",
    ),
    "calendar_gap": CheckKind(
        "WDG075", "calendar", "gold: the calendar dimension misses or repeats a day"
    ),
    "scd2_current": CheckKind(
        "WDG076", "scd2", "gold: an SCD2 natural key without exactly one current row"
    ),
    "scd2_interval": CheckKind(
        "WDG077", "scd2",
        "gold: SCD2 versions of a natural key overlap, leave a gap, or are empty",
    ),
    "anomaly": CheckKind(
        "WDG080", "anomaly",
        "a column metric (null share, distinct count, mean, a value's share, ...) is outside "
        "the band its own history expects; `warn` unless the contract's `metrics:` block "
        "says `error`",
        default_severity="warn",
    ),
    "unreadable": CheckKind(
        "WDG090", "completeness",
        "a partition or `_source.json` that cannot be read: status `error`, exit 2",
    ),
}
