"""The kinds of check the gate runs: stable code, family and one-line meaning.

Codes are stable (tools and alert routes key on them); the README's check table is
this dict rendered. Adding a kind is additive; never renumber.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckKind:
    code: str
    # completeness | schema | constraint | referential | rule | freshness | volume
    # | reconcile | calendar | scd2 (the last three: gold only) | anomaly
    family: str
    summary: str
    default_severity: str = "error"  # when the contract does not say


KINDS: dict[str, CheckKind] = {
    "partition_missing": CheckKind(
        "WDG001", "completeness", "the contract's partition for the date is absent"
    ),
    "file_missing": CheckKind(
        "WDG002", "completeness", "a file listed in `_source.json` is absent (or an extra file)"
    ),
    "row_count": CheckKind(
        "WDG003", "completeness", "rows in the parquet files differ from `_source.json`"
    ),
    "duplicate_pk": CheckKind("WDG004", "completeness", "two rows share a primary key"),
    "unexpected_object": CheckKind(
        "WDG005", "completeness", "a partition in the lake has no contract (warn)"
    ),
    "column_missing": CheckKind("WDG010", "schema", "a contract column is absent"),
    "dtype": CheckKind(
        "WDG011",
        "schema",
        "silver: dtype is not exactly the contract's; bronze: nested where scalar expected",
    ),
    "castable": CheckKind(
        "WDG012", "schema", "bronze values that do not cast to the contract's type"
    ),
    "not_null": CheckKind("WDG020", "constraint", "null in a column with nullable: false"),
    "unique": CheckKind("WDG021", "constraint", "repeated value in a unique column / key"),
    "in_values": CheckKind(
        "WDG022", "constraint", "value outside the enum `values` / `accepted_values`"
    ),
    "between": CheckKind("WDG023", "constraint", "number outside the contract's min / max"),
    "regex": CheckKind("WDG024", "constraint", "string not matching the contract's regex"),
    "orphan_fk": CheckKind(
        "WDG030", "referential", "foreign key with no parent row in the same date's partition"
    ),
    "rule": CheckKind("WDG040", "rule", "row where a business rule (SQL) is false"),
    "stale": CheckKind(
        "WDG050", "freshness", "newest timestamp older than max_age at extraction time"
    ),
    "min_rows": CheckKind("WDG060", "volume", "fewer rows than the contract's min_rows"),
    "volume_change": CheckKind(
        "WDG061", "volume", "row count moved more than max_change vs the weekday-aware baseline"
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
        "WDG072", "referential", "gold: more rows on the dimension's unknown member than allowed"
    ),
    "reconcile_count": CheckKind(
        "WDG073",
        "reconcile",
        "gold: fact rows of the date differ from the silver rows it is built from",
    ),
    "reconcile_sum": CheckKind(
        "WDG074", "reconcile", "gold: a measure's sum differs from its silver column's sum"
    ),
    "calendar_gap": CheckKind(
        "WDG075", "calendar", "gold: the calendar dimension misses or repeats a day"
    ),
    "scd2_current": CheckKind(
        "WDG076", "scd2", "gold: an SCD2 natural key without exactly one current row"
    ),
    "scd2_interval": CheckKind(
        "WDG077", "scd2", "gold: SCD2 versions of a natural key overlap or leave a gap"
    ),
    "anomaly": CheckKind(
        "WDG080", "anomaly",
        "a column metric outside the band its own history expects (metrics/, "
        "docs/concepts/metrics.md)",
        default_severity="warn",
    ),
    "unreadable": CheckKind(
        "WDG090", "completeness", "a partition or manifest that cannot be read (undecided)"
    ),
}
