"""The metrics table is a Delta table where the lake is Delta, parquet elsewhere, and both
read the same: the newest run per (date, layer, object), anomalies judged from either."""

from __future__ import annotations

import polars as pl
import pytest
from deltalake import DeltaTable

from tests.test_metrics_anomalies import ROOT, _contracts
from wdguard.contracts.io import load_contracts
from wdguard.errors import SourceError
from wdguard.gate import run_gate
from wdguard.lake import layout
from wdguard.lake.delta import is_delta_table
from wdguard.lake.storage import LocalStore
from wdguard.metrics import table
from wdguard.metrics.backfill import backfill
from wdguard.sample.generate import generate_lake

ROW = table.MetricRow


def _rows(value: float) -> list[table.MetricRow]:
    return [ROW("silver", "Order", "orders", "*", "row_count", value),
            ROW("silver", "Order", "orders", "status", "null_share", None)]


def test_a_delta_table_is_created_where_the_lake_is_delta(lake_store):
    """On a local folder and on Azurite (the store's options, read back by Polars)."""
    store = lake_store
    assert table.table_format(store, lake_is_delta=False) == "parquet"  # nothing yet
    assert table.write(store, "2026-11-20", "01A", "polars", _rows(10.0),
                       lake_is_delta=True) == layout.METRICS_DIR
    assert is_delta_table(store, layout.METRICS_DIR)
    assert table.table_format(store, lake_is_delta=False) == "delta"
    assert table.dates(store) == ["2026-11-20"]
    got = table.read_date(store, "2026-11-20")
    assert got == {("silver", "orders"): {("*", "row_count"): 10.0, ("status", "null_share"): None}}


def test_a_delta_table_appends_and_reads_the_newest_run(tmp_path):
    """A re-run of a date appends and wins; an existing table keeps its format. (Local
    only: delta-rs 1.6.6 fails a later commit on Azurite, delta-io/delta-rs#3716.)"""
    store = LocalStore(tmp_path)
    table.write(store, "2026-11-20", "01A", "polars", _rows(10.0), lake_is_delta=True)
    table.write(store, "2026-11-20", "01B", "polars", _rows(12.0))  # the table stays Delta
    table.write(store, "2026-11-21", "01C", "spark", _rows(13.0))
    assert DeltaTable(str(tmp_path / layout.METRICS_DIR)).version() == 2
    assert table.dates(store) == ["2026-11-20", "2026-11-21"]
    assert table.read_date(store, "2026-11-20")[("silver", "orders")][("*", "row_count")] == 12.0
    h = table.History(store, "2026-11-21")
    assert h.known == ["2026-11-20"] and h.on("2026-11-20", "silver", "orders")[("*", "row_count")] == 12.0
    assert not [p for p in store.list(layout.METRICS_DIR) if p.endswith("01A.parquet")]


def test_a_failed_delta_append_is_one_line(tmp_path):
    store = LocalStore(tmp_path)
    table.write(store, "2026-11-20", "01A", "polars", _rows(10.0), lake_is_delta=True)
    log = tmp_path / layout.METRICS_DIR / "_delta_log" / "00000000000000000000.json"
    log.write_text("not json\n")
    with pytest.raises(SourceError, match="cannot append to the Delta table"):
        table.write(store, "2026-11-21", "01B", "polars", _rows(11.0))


def test_a_parquet_table_stays_parquet_in_a_delta_lake(tmp_path):
    store = LocalStore(tmp_path)
    table.write(store, "2026-11-20", "01A", "polars", _rows(10.0))
    assert table.write(store, "2026-11-21", "01B", "polars", _rows(11.0), lake_is_delta=True) \
        == layout.metrics_path("2026-11-21", "01B")
    assert not is_delta_table(store, layout.METRICS_DIR)
    assert table.dates(store) == ["2026-11-20", "2026-11-21"]


@pytest.fixture(scope="module")
def delta_lake(tmp_path_factory):
    """A 10-day Delta lake (silver Delta tables): metrics of 8 days from `backfill`, then
    the gate on the last two dates."""
    root = tmp_path_factory.mktemp("dlake")
    folder = _contracts(tmp_path_factory.mktemp("c"))
    result = generate_lake(LocalStore(root), load_contracts(ROOT / "contracts"), days=10,
                           rows=0.02, layers=["silver"], objects=["orders", "users", "order_items"],
                           fmt="delta")
    store = LocalStore(root)
    done = backfill(store, result.dates[0], result.dates[-3], layers=["silver"],
                    contracts_dir=folder)
    assert {r.status for r in done} == {"written"} and done[0].path == layout.METRICS_DIR
    records = [run_gate(store, day, layers=["silver"], contracts_dir=folder)
               for day in result.dates[-2:]]
    return root, result.dates, records


def test_the_gate_on_a_delta_lake_writes_a_delta_metrics_table(delta_lake):
    root, dates, records = delta_lake
    assert all(not r.errors for r in records)
    uri = str(root / layout.METRICS_DIR)
    dt = DeltaTable(uri)
    assert dt.metadata().partition_columns == ["date"]
    assert dt.version() == len(dates) - 1  # 8 backfilled dates + 2 gate runs, one commit each
    df = pl.scan_delta(uri).collect()
    assert sorted({d.isoformat() for d in df["date"]}) == dates
    ran = df.filter(pl.col("run_id") == records[-1].run_id)
    assert set(ran["date"].cast(pl.String)) == {dates[-1]}
    assert set(ran["object"]) == {"orders", "users", "order_items"}
    assert ran.filter(pl.col("metric") == "row_count")["value"].min() > 0
    # one row per (date, layer, object, column, metric) and run
    assert ran.select("layer", "object", "column", "metric").is_duplicated().sum() == 0
    assert not list((root / layout.METRICS_DIR).glob("date=*/*" + records[-1].run_id + "*"))


def test_anomalies_are_judged_from_a_delta_history(delta_lake):
    _, _, records = delta_lake
    summaries = [c for c in records[-1].checks if c.check == "anomaly" and c.column == "*"]
    assert summaries and all(c.status == "pass" for c in summaries), \
        [(c.object, c.status, c.message) for c in summaries]
    # 8 backfilled dates and the gate's own previous run, all read back from the Delta log
    assert all(c.details["history_partitions"] == 9 and c.details["judged"] >= 10 for c in summaries)

