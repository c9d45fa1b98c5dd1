"""Logical contract types and the Polars dtypes they are stored as in the lake.

Silver partitions must hold exactly these dtypes; bronze partitions only need values
castable to them. The lake generator writes them and the checks compare against them,
so the mapping lives here, above both.
"""

from __future__ import annotations

import polars as pl

from wdguard.contracts.model import Column

# decimals wider than this cannot live in a Polars/Arrow decimal128 column
MAX_LAKE_DECIMAL_PRECISION = 38

# logical type -> how the lake stores it, for every engine (each names its own type for
# these few storage kinds: `_POLARS` below, `spark_types.py`)
_STORED: dict[str, str] = {
    "string": "string",
    "uuid": "string",
    "integer": "int32",
    "bigint": "int64",
    "float": "float64",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",  # an instant in UTC, millisecond precision
    "json": "string",
    "bytes": "binary",
    "enum": "string",
    "object": "string",  # sub-documents land as JSON text
    "unsupported": "string",
}


def stored_as(column: Column) -> tuple:
    """How a silver partition stores a column, engine-neutral: `("int32",)`,
    `("decimal", precision, scale)` or `("list", <the item's stored_as>)`."""
    if column.type == "decimal":
        precision = column.precision or MAX_LAKE_DECIMAL_PRECISION
        if precision > MAX_LAKE_DECIMAL_PRECISION:
            # Prisma's default decimal(65,30) does not fit: the lake stores it as text
            return ("string",)
        return ("decimal", precision, column.scale if column.scale is not None else 0)
    if column.type == "list":
        item = Column.model_construct(type=column.items or "string")  # no enum values needed
        return ("list", stored_as(item))
    return (_STORED[column.type],)


_POLARS: dict[str, pl.DataType] = {
    "string": pl.String(),
    "int32": pl.Int32(),
    "int64": pl.Int64(),
    "float64": pl.Float64(),
    "boolean": pl.Boolean(),
    "date": pl.Date(),
    "timestamp": pl.Datetime("ms", "UTC"),
    "binary": pl.Binary(),
}


def polars_dtype(column: Column) -> pl.DataType:
    """The dtype a silver partition stores this column as."""
    return _polars(stored_as(column))


def _polars(stored: tuple) -> pl.DataType:
    if stored[0] == "decimal":
        return pl.Decimal(stored[1], stored[2])
    if stored[0] == "list":
        return pl.List(_polars(stored[1]))
    return _POLARS[stored[0]]
