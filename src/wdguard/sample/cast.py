"""Bronze <-> silver representations of a contract's columns.

Silver holds exactly `polars_dtype(column)`. Bronze holds what the extractor wrote:
decimals and enums as text, integers widened to Int64, timestamps as naive
`Datetime("us")` (UTC wall clock) -- or, for tables landed by a JSON-speaking connector,
ISO-8601 text (`2026-11-20T10:11:12.123Z`). `silver_expr` is the one definition of
"castable": the generator derives silver from bronze with it, and the gate can use it to
count bronze values that do not cast (non-strict: such a value becomes null).
"""

from __future__ import annotations

import polars as pl

from wdguard.contracts.model import Column, Contract
from wdguard.contracts.types import polars_dtype

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S%.3fZ"
# tables whose bronze timestamps arrive as ISO-8601 text (the payment provider's feed)
ISO_TIMESTAMP_TABLES = frozenset({"payments"})


def bronze_dtype(column: Column, *, iso_timestamps: bool = False) -> pl.DataType:
    """The dtype the extractor writes a column as in bronze."""
    silver = polars_dtype(column)
    if column.type == "timestamp":
        return pl.String() if iso_timestamps else pl.Datetime("us")
    if column.type == "integer":
        return pl.Int64()
    if isinstance(silver, pl.Decimal):
        return pl.String()
    return silver


def silver_expr(name: str, column: Column, bronze: pl.DataType, *, strict: bool = False) -> pl.Expr:
    """Cast a bronze column (of dtype `bronze`) to its silver dtype."""
    target = polars_dtype(column)
    col = pl.col(name)
    if bronze == target:
        return col
    if isinstance(target, pl.Datetime):
        if bronze == pl.String():
            return col.str.to_datetime(
                ISO_FORMAT, time_unit=target.time_unit, time_zone=target.time_zone, strict=strict
            )
        if isinstance(bronze, pl.Datetime) and bronze.time_zone is None:
            return col.dt.replace_time_zone(target.time_zone).cast(target, strict=strict)
    if isinstance(target, pl.Date) and bronze == pl.String():
        return col.str.to_date("%Y-%m-%d", strict=strict)
    return col.cast(target, strict=strict)


def bronze_expr(name: str, column: Column, *, iso_timestamps: bool = False) -> pl.Expr:
    """Turn a silver column into the extractor's representation."""
    target = bronze_dtype(column, iso_timestamps=iso_timestamps)
    col = pl.col(name)
    if column.type == "timestamp":
        if target == pl.String():
            return col.dt.strftime(ISO_FORMAT)
        return col.dt.replace_time_zone(None).cast(target)
    return col.cast(target)


def to_silver(frame: pl.DataFrame | pl.LazyFrame, contract: Contract, *, strict: bool = True):
    """A bronze frame of `contract` with every contract column cast to its silver dtype."""
    schema = frame.collect_schema()
    exprs = [
        silver_expr(name, col, schema[name], strict=strict).alias(name)
        for name, col in contract.columns.items()
        if name in schema
    ]
    return frame.with_columns(exprs)


def to_bronze(frame: pl.DataFrame | pl.LazyFrame, contract: Contract):
    """A silver frame of `contract` in the extractor's representation."""
    iso = contract.object_name in ISO_TIMESTAMP_TABLES
    schema = frame.collect_schema()
    return frame.with_columns(
        bronze_expr(name, col, iso_timestamps=iso).alias(name)
        for name, col in contract.columns.items()
        if name in schema
    )
