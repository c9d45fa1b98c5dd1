"""The sample lake's Delta layout (`wdguard lake generate --format delta`).

Silver and gold as one Delta table per object, one append per day partitioned by
`snapshot_date` (the date partition column wdguard finds with no configuration):

    silver/{source}/{object}/_delta_log/ ...   snapshot_date=2026-11-26/part-....parquet
    gold/{table}/_delta_log/ ...

Bronze stays files with `_source.json` (raw copies, as ADF lands them). Delta names its
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


def append_date(store, table: str, frame: pl.DataFrame, date: dt.date) -> int:
    """Append one day's rows to the Delta table at `table` (created on first write);
    returns the bytes of the files this commit added."""
    from deltalake import DeltaTable, write_deltalake

    uri, options = store.scan_target(table)
    data = frame.with_columns(pl.lit(date, pl.Date).alias(DATE_COLUMN)).to_arrow()
    write_deltalake(uri, data, mode="append", partition_by=[DATE_COLUMN],
                    storage_options=options)
    dtab = DeltaTable(uri, storage_options=options) if options else DeltaTable(uri)
    added = dtab.history(1)[0].get("operationMetrics", {})
    return int(added.get("num_added_bytes", 0) or 0)
