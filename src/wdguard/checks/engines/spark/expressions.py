"""The Spark vocabulary of the plan: each check as a tiny function returning a
`pyspark.sql.Column` (true = row passes), the types, casts and aggregates.

The Spark twin of `engines/polars/expressions.py`, with the same names and meaning line
by line: a null value
passes every value check (`not_null` catches nulls), a rule evaluating to NULL passes,
text casts only when it has the type's shape (`text_forms`). The parity test runs both
engines over every sample day and fault and demands the same verdicts and counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql import types as T

from wdguard.checks.engines.spark.rule_sql import to_spark_sql
from wdguard.checks.text_forms import TEXT_FORMS
from wdguard.contracts.rule_sql import rule_columns
from wdguard.contracts.spark_types import spark_type

_TRUE = ("true", "t", "1", "yes")
_FALSE = ("false", "f", "0", "no")

NESTED = (T.ArrayType, T.StructType, T.MapType)


def same_type(a: T.DataType, b: T.DataType) -> bool:
    """Equal as a reader sees them (ignoring nullability flags inside arrays/structs)."""
    return a.simpleString() == b.simpleString()


dtype = spark_type  # the plan's E.dtype(column)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAY0 = date(1970, 1, 1)


def col(name: str) -> Column:
    """A top-level column by its exact name: silver Mongo columns contain dots."""
    return F.col("`" + name.replace("`", "``") + "`")


def field(expr: Column, name: str) -> Column:
    return expr.getField(name)


def struct_fields(dtype: T.DataType) -> Mapping[str, T.DataType] | None:
    return {f.name: f.dataType for f in dtype.fields} if isinstance(dtype, T.StructType) else None


def is_nested(dtype: T.DataType) -> bool:
    return isinstance(dtype, NESTED)


def is_struct(dtype: T.DataType) -> bool:
    return isinstance(dtype, T.StructType)


def is_text(dtype: T.DataType) -> bool:
    return isinstance(dtype, T.StringType)


def type_name(dtype: T.DataType) -> str:
    return dtype.simpleString()


def lit(value: Any) -> Column:
    return F.lit(value)


def numeric(value: Column, dtype: T.DataType) -> Column:
    """The value `between` compares: a decimal held as text is read as a double."""
    return value if isinstance(dtype, T.NumericType) else value.try_cast("double")


# ---- aggregates: what the one aggregation job computes --------------------------------


def row_count() -> Column:
    return F.count(F.lit(1))


def count_true(fails: Column) -> Column:
    return F.count_if(fails)


def max_time(value: Column, dtype: T.DataType) -> Column:
    """A timestamp as microseconds since the epoch, a date as days: collected as numbers,
    never as Python datetimes (PySpark converts those to the driver's local time)."""
    if isinstance(dtype, T.DateType):
        return F.max(F.unix_date(value))
    if isinstance(dtype, T.TimestampNTZType):
        return F.max(F.unix_micros(value.cast("timestamp")))
    return F.max(F.unix_micros(value))


def time_text(value: int | None, logical: str) -> str | None:
    """Polars' rendering of the contract's type: dates as days, timestamps in ms, UTC."""
    if value is None:
        return None
    if logical == "date":
        return (_DAY0 + timedelta(days=int(value))).isoformat()
    ms = int(value) // 1000  # the contract's unit is milliseconds (floor, like a cast)
    return (_EPOCH + timedelta(milliseconds=ms)).isoformat()


# ---- row checks (kinds.KINDS names them) -------------------------------------------------


def not_null(value: Column) -> Column:
    return value.isNotNull()


def in_values(value: Column, values: Sequence[str]) -> Column:
    return value.isNull() | value.cast("string").isin(list(values))


def between(value: Column, lo: float | None, hi: float | None) -> Column:
    inside = F.lit(True)
    if lo is not None:
        inside = inside & (value >= F.lit(lo))
    if hi is not None:
        inside = inside & (value <= F.lit(hi))
    return value.isNull() | inside


def matches(value: Column, pattern: str) -> Column:
    """Search semantics, like Polars' `str.contains` (Rust regex) and `re.search`."""
    return value.isNull() | value.cast("string").rlike(java_regex(pattern))


def castable(raw: Column, typed: Column) -> Column:
    return raw.isNull() | typed.isNotNull()


def rule(sql: str) -> Column:
    """A business rule (PostgreSQL-flavoured SQL, as on Polars) compiled to Spark SQL;
    NULL counts as passing, as in a SQL CHECK constraint."""
    return F.coalesce(F.expr(to_spark_sql(sql)), F.lit(True))


def rule_parts(sql: str) -> tuple[Column, set[str]]:
    """(the rule's pass expression, the columns it reads); raises when it is not a valid
    row expression."""
    roots = rule_columns(sql)
    return rule(sql), roots


def java_regex(pattern: str) -> str:
    """Rust/Python regex -> Java: an unescaped `$` outside a class means the very end of
    the text in Rust, but 'end or before a final newline' in Java: make it `\\z`."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append("\\z" if ch == "$" and not in_class else ch)
        i += 1
    return "".join(out)


def _logical(target: T.DataType) -> str | None:
    if isinstance(target, T.TimestampType | T.TimestampNTZType):
        return "timestamp"
    if isinstance(target, T.DateType):
        return "date"
    if isinstance(target, T.DecimalType):
        return "decimal"
    if isinstance(target, T.IntegerType | T.LongType | T.ShortType | T.ByteType):
        return "integer"
    if isinstance(target, T.DoubleType | T.FloatType):
        return "float"
    return None


def to_type(value: Column, source: T.DataType, target: T.DataType) -> Column:
    """Cast a raw (bronze) value to the contract's type; what cannot cast becomes null.

    Naive timestamps are UTC wall clock (the gate runs with the session time zone set to
    UTC). Text casts only when it has the type's shape, as on Polars."""
    if same_type(source, target):
        return value
    if isinstance(target, T.BooleanType) and isinstance(source, T.StringType):
        low = F.lower(F.trim(value))
        return F.when(low.isin(list(_TRUE)), F.lit(True)).when(low.isin(list(_FALSE)), F.lit(False))
    typed = value.try_cast(target)
    form = TEXT_FORMS.get(_logical(target) or "") if isinstance(source, T.StringType) else None
    return F.when(value.rlike(form), typed) if form else typed
