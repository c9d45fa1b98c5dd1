"""Delta's type names <-> Polars dtypes: one table, read both ways.

`polars_type` is how a scan reads a Delta column (`table.py`); `delta_type_of` names a
Polars dtype in Delta's words, for comparing parquet partitions and contracts with Delta
schemas (`drift/lake_drift.py`). polars is imported inside them: listing a Delta log
reads no data and needs no polars.
"""

from __future__ import annotations

import re
from typing import Any

_POLARS_OF_DELTA = {
    "byte": "Int8", "short": "Int16", "integer": "Int32", "long": "Int64", "float": "Float32",
    "double": "Float64", "string": "String", "boolean": "Boolean", "date": "Date",
    "binary": "Binary",
}  # fmt: skip
_DELTA_OF_POLARS = {p: d for d, p in _POLARS_OF_DELTA.items()}
_DECIMAL = re.compile(r"^decimal\((\d+),\s*(\d+)\)$")


def polars_type(delta_type: str):
    """The Polars dtype a primitive Delta type is read as (None: leave it as read).
    `timestamp` is UTC milliseconds, as the lake's parquet holds it (`table.py`)."""
    import polars as pl

    if delta_type == "timestamp":
        return pl.Datetime("ms", "UTC")
    if delta_type == "timestamp_ntz":
        return pl.Datetime("us")
    m = _DECIMAL.match(delta_type)
    if m:
        return pl.Decimal(int(m.group(1)), int(m.group(2)))
    name = _POLARS_OF_DELTA.get(delta_type)
    return getattr(pl, name)() if name else None


def delta_type_of(dtype: Any) -> str:
    """A Polars dtype in Delta's words (a type Delta has no name for: Polars' own)."""
    import polars as pl

    if isinstance(dtype, pl.Decimal):
        return f"decimal({dtype.precision},{dtype.scale})"
    if isinstance(dtype, pl.Datetime):
        return "timestamp" if dtype.time_zone else "timestamp_ntz"
    if isinstance(dtype, pl.List):
        return f"array<{delta_type_of(dtype.inner)}>"
    return _DELTA_OF_POLARS.get(type(dtype).__name__, str(dtype))
