"""The Polars vocabulary of the plan: each check as a tiny function returning a boolean
expression (true = row passes), the types, casts and aggregates the plan asks for.

Modelled on pandera's polars backend (`builtin_checks.py`): a check is an expression,
`checks/plan.py` composes them and evaluates all of a partition's checks in one lazy
pass. Null handling follows SQL CHECK constraints: a null value passes every value check
(`not_null` is the one that catches nulls), and a rule evaluating to NULL passes. The
Spark twin (`engines/spark/expressions.py`) has the same names and meanings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import polars as pl

from wdguard.checks.text_forms import TEXT_FORMS
from wdguard.contracts.types import polars_dtype

_TZ_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z")
_NAIVE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d")
_TRUE = ("true", "t", "1", "yes")
_FALSE = ("false", "f", "0", "no")


# ---- types: what the schema step compares ------------------------------------------------

_NESTED = (pl.List, pl.Struct, pl.Array)
col = pl.col
dtype = polars_dtype  # the plan's E.dtype(contract column)


def field(expr: pl.Expr, name: str) -> pl.Expr:
    return expr.struct.field(name)


def struct_fields(dtype: pl.DataType) -> Mapping[str, pl.DataType] | None:
    return {f.name: f.dtype for f in dtype.fields} if isinstance(dtype, pl.Struct) else None


def same_type(a: pl.DataType, b: pl.DataType) -> bool:
    return a == b


def is_nested(dtype: pl.DataType) -> bool:
    return isinstance(dtype, _NESTED)


def is_struct(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.Struct)


def is_text(dtype: pl.DataType) -> bool:
    return dtype == pl.String


def type_name(dtype: pl.DataType) -> str:
    return str(dtype)


def lit(value: Any) -> pl.Expr:
    return pl.lit(value)


def numeric(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The value `between` compares: a decimal held as text is read as a float."""
    return value if dtype.is_numeric() else value.cast(pl.Float64, strict=False)


# ---- aggregates: what the one select computes -----------------------------------------


def row_count() -> pl.Expr:
    return pl.len()


def count_true(fails: pl.Expr) -> pl.Expr:
    return fails.sum().cast(pl.Int64)


def count_values(value: pl.Expr) -> pl.Expr:
    """Non-null rows (from the validity bitmaps)."""
    return value.count().cast(pl.Int64)


def equal_text(value: pl.Expr, text: str) -> pl.Expr:
    """The row's value, as text, is `text` (what `in_values` compares)."""
    return value.cast(pl.String) == text


def max_time(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return value.max()


def time_text(value: Any, logical: str) -> str | None:
    """A collected max timestamp or date as ISO text (the run record's form)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return None if value is None else str(value)


# ---- row checks (kinds.KINDS names them) -------------------------------------------------


def not_null(value: pl.Expr) -> pl.Expr:
    return value.is_not_null()


SHORT_LIST = 6  # up to this many values an `==` chain beats is_in's hash lookup
COUNTED_VALUES = SHORT_LIST  # and their counts, shared with share metrics (value_counts.py)


def in_values(value: pl.Expr, values: Sequence[str]) -> pl.Expr:
    """A short list as `==` comparisons (a 5-value enum of 10M rows: ~0.1 s CPU less in
    the one select than `is_in`, docs/benchmarks.md), a longer one as `is_in`."""
    text = value.cast(pl.String)
    if 0 < len(values) <= SHORT_LIST:
        return value.is_null() | pl.any_horizontal([text == v for v in values])
    return value.is_null() | text.is_in(list(values))


def between(value: pl.Expr, lo: float | None, hi: float | None) -> pl.Expr:
    ok = value.is_null()
    inside = pl.lit(True)
    if lo is not None:
        inside = inside & (value >= lo)
    if hi is not None:
        inside = inside & (value <= hi)
    return ok | inside


def matches(value: pl.Expr, pattern: str) -> pl.Expr:
    """Search semantics (like `re.search`): anchor the pattern with ^...$ for a full match."""
    return value.is_null() | value.cast(pl.String).str.contains(pattern)


def castable(raw: pl.Expr, typed: pl.Expr) -> pl.Expr:
    """A raw value passes when it is null or survives the cast to the contract's type."""
    return raw.is_null() | typed.is_not_null()


def sql_expr(sql: str) -> pl.Expr:
    """`pl.sql_expr` for a contract's rule, after the one guard every engine applies
    (`rule_sql.parse_rule`: no subquery, table, file read or unknown function). Polars'
    SQL runs subqueries, and their table functions read files and URLs
    (`EXISTS (FROM read_csv('/etc/passwd'))`) while the expression is being built, so the
    guard comes first; a `.subplan` in what Polars built is refused as a second belt."""
    from wdguard.contracts.rule_sql import NOT_A_QUERY, parse_rule

    parse_rule(sql)
    expr = pl.sql_expr(sql)
    if ".subplan" in str(expr):  # any other way Polars found to build a subquery
        raise ValueError(NOT_A_QUERY)
    return expr


def rule(sql: str) -> pl.Expr:
    """A business rule from SQL; NULL counts as passing, as in a SQL CHECK constraint."""
    return sql_expr(sql).fill_null(True)


def rule_parts(sql: str) -> tuple[pl.Expr, set[str]]:
    """(the rule's pass expression, the columns it reads); raises when it is not a valid
    row expression. A rule that reads no column (`1 = 0`) is a scalar: repeated once per
    row, or its sum would count 1 failing row whatever the partition's size."""
    expr = rule(sql)
    roots = set(expr.meta.root_names())
    return (expr if roots else pl.repeat(expr, pl.len())), roots


def duplicated_rows(columns: Sequence[str]) -> pl.Expr:
    """Aggregate: rows beyond the first of each non-null key value (0 = unique).

    Counted as count - n_unique over the non-null keys, which streams, instead of
    `is_duplicated()`, which needs the whole column at once.
    """
    if len(columns) == 1:
        col = pl.col(columns[0])
        return (col.count() - col.drop_nulls().n_unique()).cast(pl.Int64)
    key = pl.struct([pl.col(c) for c in columns])
    return (pl.len() - key.n_unique()).cast(pl.Int64)


def is_duplicated(columns: Sequence[str]) -> pl.Expr:
    """Row-level: this row's key appears more than once (for samples and quarantine)."""
    if len(columns) == 1:
        col = pl.col(columns[0])
        return col.is_not_null() & col.is_duplicated()
    return pl.struct([pl.col(c) for c in columns]).is_duplicated()


def _logical(target: pl.DataType) -> str | None:
    """The contract type whose text form (`text_forms.TEXT_FORMS`) a target dtype needs."""
    if isinstance(target, pl.Datetime):
        return "timestamp"
    if isinstance(target, pl.Date):
        return "date"
    if isinstance(target, pl.Decimal):
        return "decimal"
    if target.is_integer():
        return "integer"
    if target.is_float():
        return "float"
    return None


def to_type(value: pl.Expr, source: pl.DataType, target: pl.DataType) -> pl.Expr:
    """Cast a raw (bronze) value to the contract's dtype; what cannot cast becomes null.

    Text must first have the type's shape (`TEXT_FORMS`): the same rule the Spark engine
    applies, so a value is castable on both engines or on neither."""
    if source == target:
        return value
    form = TEXT_FORMS.get(_logical(target) or "") if source == pl.String else None
    typed = _parse(value, source, target)
    return pl.when(value.str.contains(form)).then(typed) if form else typed


def _parse(value: pl.Expr, source: pl.DataType, target: pl.DataType) -> pl.Expr:
    if isinstance(target, pl.Datetime):
        # a contract's timestamp is Datetime("ms", "UTC"); a naive time is read as UTC
        unit, tz = target.time_unit, target.time_zone or "UTC"
        if isinstance(source, pl.Datetime):
            out = value.dt.cast_time_unit(unit)
            if source.time_zone is None:
                return out.dt.replace_time_zone(tz)
            return out.dt.convert_time_zone(tz)
        if source == pl.String:
            def parse(f: str) -> pl.Expr:
                return value.str.to_datetime(format=f, time_unit=unit, strict=False)

            return pl.coalesce(
                [parse(f).dt.convert_time_zone(tz) for f in _TZ_FORMATS]
                + [parse(f).dt.replace_time_zone(tz) for f in _NAIVE_FORMATS]
            )
    if isinstance(target, pl.Date):
        if source == pl.String:
            return value.str.to_date(format="%Y-%m-%d", strict=False)
        if isinstance(source, pl.Datetime):
            return value.dt.date()
    if target == pl.Boolean and source == pl.String:
        low = value.str.to_lowercase().str.strip_chars()
        return (
            pl.when(low.is_in(list(_TRUE)))
            .then(True)
            .when(low.is_in(list(_FALSE)))
            .then(False)
            .otherwise(None)
        )
    return value.cast(target, strict=False)
