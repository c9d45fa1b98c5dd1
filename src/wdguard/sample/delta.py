"""The sample lake's Delta layout (`wdguard lake generate --format delta`).

Silver and gold as one Delta table per object, one append per day partitioned by
`snapshot_date` (the date partition column wdguard finds with no configuration):

    silver/{source}/{object}/_delta_log/ ...   snapshot_date=2026-11-26/part-....parquet
    gold/{table}/_delta_log/ ...

Each commit's metadata carries `date`, `extracted_at` and `migration_head`, as a pipeline that
writes Delta records them (`custom_metadata` / Spark's `userMetadata`): the log is the
stand-in for `_source.json`. Bronze stays files with `_source.json` (raw copies, as ADF
lands them). Delta names its
files with UUIDs and records commit times, so this layout is not byte-identical across
runs, unlike the parquet one.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from wdguard.lake.layout import GOLD, layer_root

DATE_COLUMN = "snapshot_date"


def delta_table_path(layer: str, source: str, obj: str) -> str:
    """`silver/postgres/orders` or `gold/FactOrders`: where an object's Delta table lives."""
    return f"{GOLD}/{obj}" if layer == GOLD else f"{layer_root(layer, source)}/{obj}"


def append_date(store, table: str, frame: pl.DataFrame, date: dt.date, *,
                extracted_at: dt.datetime | None = None,
                migration_head: str | None = None) -> int:
    """Append one day's rows to the Delta table at `table` (created on first write), the
    extraction time and migration head in the commit's metadata as a pipeline records
    them; returns the bytes of the files this commit added."""
    from deltalake import CommitProperties, DeltaTable, write_deltalake

    from wdguard.lake.delta.table import delta_options

    uri, options = store.scan_target(table)
    options = delta_options(options)
    data = frame.with_columns(pl.lit(date, pl.Date).alias(DATE_COLUMN)).to_arrow()
    meta = {"date": date.isoformat()}  # an empty day adds no file: the log still says
    if extracted_at:
        meta["extracted_at"] = extracted_at.isoformat()
    if migration_head:
        meta["migration_head"] = migration_head
    write_deltalake(uri, data, mode="append", partition_by=[DATE_COLUMN],
                    storage_options=options,
                    commit_properties=CommitProperties(custom_metadata=meta))
    dtab = DeltaTable(uri, storage_options=options) if options else DeltaTable(uri)
    added = dtab.history(1)[0].get("operationMetrics", {})
    return int(added.get("num_added_bytes", 0) or 0)
