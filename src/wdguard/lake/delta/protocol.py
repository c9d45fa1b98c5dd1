"""Which Delta table features each of wdguard's readers honours, and the refusal.

A reader that ignores a feature it does not know returns wrong rows silently (a deleted
row still counted under deletion vectors, physical column names under column mapping), so
a table whose protocol needs anything outside the reader's set is refused: one line naming
the table and the feature, exit 2. Readers:

* `polars`: delta-rs (`DeltaTable.to_pyarrow_dataset`): column mapping, timestamp without
  time zone; not deletion vectors (delta-rs 1.6.6 refuses them itself).
* `spark-files`: a local Spark without the Delta jars reads the parquet files delta-rs
  lists for the snapshot, renaming physical columns to their logical names; not deletion
  vectors, not type widening (older files keep their narrower type).
* `spark-delta`: Spark's own `format("delta")` (Databricks): the Delta jars decide.

Reader versions: 1 plain, 2 column mapping, 3 "table features" (the list decides).
"""

from __future__ import annotations

from wdguard.errors import InputError
from wdguard.lake.delta.log import Protocol

HONOURED: dict[str, frozenset[str]] = {
    "polars": frozenset({"columnMapping", "timestampNtz", "vacuumProtocolCheck"}),
    "spark-files": frozenset({"columnMapping", "timestampNtz", "vacuumProtocolCheck"}),
}
HINT = {
    "polars": "gate this table on Spark with the Delta jars (Databricks: --engine spark)",
    "spark-files": "run on a Spark with the Delta jars (Databricks) to read this table",
}


def needed_features(protocol: Protocol) -> list[str]:
    """The reader features the protocol demands (version 2 implies column mapping)."""
    if protocol.min_reader >= 3:
        return sorted(protocol.reader_features)
    return ["columnMapping"] if protocol.min_reader == 2 else []


def unsupported(protocol: Protocol, reader: str) -> list[str]:
    """Features of the protocol the reader cannot honour (empty: readable)."""
    if reader not in HONOURED:
        return []
    if protocol.min_reader > 3:
        return [f"readerVersion {protocol.min_reader}"]
    return [f for f in needed_features(protocol) if f not in HONOURED[reader]]


def require_readable(protocol: Protocol, reader: str, table: str) -> None:
    """InputError (exit 2) naming the table and the first feature the reader lacks."""
    missing = unsupported(protocol, reader)
    if missing:
        raise InputError(
            f"Delta table feature {missing[0]} is not supported by the {reader} reader"
            + (f" (also {', '.join(missing[1:])})" if len(missing) > 1 else ""),
            where=table,
            hint=HINT.get(reader),
        )
