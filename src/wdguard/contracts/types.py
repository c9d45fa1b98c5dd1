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

_SCALARS: dict[str, pl.DataType] = {
    "string": pl.String(),
    "uuid": pl.String(),
    "integer": pl.Int32(),
    "bigint": pl.Int64(),
    "float": pl.Float64(),
    "boolean": pl.Boolean(),
    "date": pl.Date(),
    "timestamp": pl.Datetime("ms", "UTC"),
    "json": pl.String(),
    "bytes": pl.Binary(),
    "enum": pl.String(),
    "object": pl.String(),  # sub-documents land as JSON text
    "unsupported": pl.String(),
}


def polars_dtype(column: Column) -> pl.DataType:
    """The dtype a silver partition stores this column as."""
    if column.type == "decimal":
        precision = column.precision or MAX_LAKE_DECIMAL_PRECISION
        scale = column.scale if column.scale is not None else 0
        if precision > MAX_LAKE_DECIMAL_PRECISION:
            # Prisma's default decimal(65,30) does not fit: the lake stores it as text
            return pl.String()
        return pl.Decimal(precision, scale)
    if column.type == "list":
        item = Column.model_construct(type=column.items or "string")  # no enum values needed
        return pl.List(polars_dtype(item))
    return _SCALARS[column.type]
