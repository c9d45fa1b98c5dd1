"""The Spark types a silver partition stores contract columns as: `contracts.types.stored_as`
(the one logical type -> storage map), as Spark names each storage kind.

The Spark twin of `types.polars_dtype`, kept apart because it imports pyspark: only Spark
code imports it (the Spark engine's expressions and hooks, `lake.formats`' Spark reader).
"""

from __future__ import annotations

from pyspark.sql import types as T

from wdguard.contracts.model import Column
from wdguard.contracts.types import stored_as

_TYPES: dict[str, T.DataType] = {  # contracts.types.stored_as's kinds, as Spark names them
    "string": T.StringType(),
    "int32": T.IntegerType(),
    "int64": T.LongType(),
    "float64": T.DoubleType(),
    "boolean": T.BooleanType(),
    "date": T.DateType(),
    "timestamp": T.TimestampType(),  # instant (UTC), as silver's Datetime("ms", "UTC")
    "binary": T.BinaryType(),
}


def spark_type(column: Column) -> T.DataType:
    """The Spark type of a silver column (`contracts.types.stored_as`, as Spark names it)."""
    return _spark(stored_as(column))


def _spark(stored: tuple) -> T.DataType:
    if stored[0] == "decimal":
        return T.DecimalType(stored[1], stored[2])
    if stored[0] == "list":
        return T.ArrayType(_spark(stored[1]))
    return _TYPES[stored[0]]
