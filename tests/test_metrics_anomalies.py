"""Anomalies on a generated 35-day lake gated day by day: a clean month stays quiet, and
each fault no static rule catches (100x amount, null-share jump, vanished enum value,
distinct-count collapse) injected on the last day is flagged on its column and metric,
while every static check still passes.

Kept small for the suite: the Order, OrderItem and User tables of a 35-day lake at 2 %
volume, silver only (`bench/anomaly_month.py` runs every contract and both layers).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from wdguard.contracts.io import load_contracts
from wdguard.gate import run_gate
from wdguard.lake import layout
from wdguard.lake.storage import LocalStore
from wdguard.metrics import table
from wdguard.sample.faults_metrics import METRIC_FAULTS
from wdguard.sample.generate import generate_lake

ROOT = Path(__file__).resolve().parents[1]
DAYS, ROWS = 35, 0.02
TRAINING = 14  # the default training window, in partitions
LAYERS = ["silver"]


def _contracts(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("Order", "User", "OrderItem"):
        shutil.copy(ROOT / "contracts" / f"{name}.yaml", dest / f"{name}.yaml")
    return dest


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """The lake gated day by day up to the day before the last: (lake, contracts, dates,
    anomalies raised on the clean days after the training window)."""
    root = tmp_path_factory.mktemp("lake35")
    folder = _contracts(tmp_path_factory.mktemp("c"))
    everything = load_contracts(ROOT / "contracts")  # the parents are built, not written
    result = generate_lake(LocalStore(root), everything, days=DAYS, rows=ROWS,
                           layers=LAYERS, objects=["orders", "users", "order_items"])
    store = LocalStore(root)
    raised = []
    for i, day in enumerate(result.dates[:-1]):
        record = run_gate(store, day, layers=LAYERS, contracts_dir=folder)
        assert record.exit_code in (0, 1) and not record.errors
        if i >= TRAINING:
            raised += [c for c in record.checks if c.check == "anomaly" and c.status == "fail"]
    return root, folder, result.dates, raised


def test_a_clean_month_after_the_training_window_is_quiet(month):
    root, _, dates, raised = month
    clean_days = len(dates) - 1 - TRAINING
    assert clean_days >= 14
    assert len(raised) <= clean_days // 14, [(c.id, c.message) for c in raised]
    # every gate run appended its metrics, one create-only object per run
    assert table.dates(LocalStore(root)) == dates[:-1]


def test_the_metrics_table_is_one_row_per_date_layer_object_column_metric(month):
    root, _, dates, _ = month
    df = pl.read_parquet(Path(root) / layout.METRICS_DIR, hive_partitioning=True)
    key = ["date", "layer", "object", "column", "metric"]
    assert df.select(key).is_duplicated().sum() == 0
    day = df.filter(pl.col("date") == pl.lit(dates[-2]).str.to_date(), pl.col("object") == "orders")
    got = {(r["column"], r["metric"]): r["value"] for r in day.iter_rows(named=True)}
    assert got[("*", "row_count")] > 100 and 0 <= got[("notes", "null_share")] <= 1
    assert got[("user_id", "distinct")] > 10 and got[("total_amount", "mean")] > 0
    shares = [v for (col, m), v in got.items() if col == "status" and m.startswith("share:")]
    assert len(shares) == 6 and sum(shares) == pytest.approx(1.0)


@pytest.mark.parametrize("fault", sorted(METRIC_FAULTS))
def test_each_injected_fault_is_flagged_on_its_column_and_metric(month, fault, tmp_path):
    root, folder, dates, _ = month
    lake = tmp_path / "lake"
    shutil.copytree(root, lake)
    store = LocalStore(lake)
    injected = METRIC_FAULTS[fault](store, dates[-1], load_contracts(folder), layers=LAYERS)
    record = run_gate(store, dates[-1], layers=LAYERS, contracts_dir=folder)
    flagged = {(c.object, c.column, c.name) for c in record.checks
               if c.check == "anomaly" and c.status == "fail"}
    assert (injected.object, injected.column, injected.metric) in flagged, flagged
    hit = next(c for c in record.checks if c.check == "anomaly" and c.status == "fail"
               and (c.column, c.name) == (injected.column, injected.metric))
    assert hit.family == "anomaly" and hit.severity == "warn" and hit.code == "WDG080"
    lo, hi = hit.details["expected"]
    assert not lo <= hit.details["value"] <= hi and len(hit.details["history"]) == TRAINING
    # no static rule caught it: the gate still passes, the anomaly is a warning
    assert [c.id for c in record.checks if c.status == "fail" and c.severity == "error"] == []
    assert record.exit_code == 0


def test_the_nightly_report_and_alerts_show_the_anomaly_with_its_band(month, tmp_path):
    from wdguard.contracts.metrics_config import MetricsConfig
    from wdguard.report.alerts import AlertConfig, events_from_run
    from wdguard.report.nightly import build_report
    from wdguard.report.render_html import render_html
    from wdguard.report.render_md import render_markdown
    from wdguard.report.runs import normalise

    root, folder, dates, _ = month
    shutil.copytree(root, tmp_path / "lake")
    store = LocalStore(tmp_path / "lake")
    contracts = load_contracts(folder)
    METRIC_FAULTS["amount_100x"](store, dates[-1], contracts, layers=LAYERS)
    record = run_gate(store, dates[-1], layers=LAYERS, contracts_dir=folder)
    keyed = [c.model_copy(update={"metrics": MetricsConfig(key=["status", "notes"])})
             if c.contract == "Order" else c for c in contracts]
    report = build_report(store, dates[-1], contracts=keyed)
    (hit,) = [a for a in report["anomalies"]["today"] if a["column"] == "total_amount"]
    assert hit["metric"] == "mean" and len(hit["values"]) == TRAINING + 1
    assert hit["values"][-1] > 50 * hit["values"][0]
    keys = {(k["column"], k["metric"]) for k in report["anomalies"]["key_metrics"]}
    values = next(c for c in contracts if c.contract == "Order").columns["status"].values
    status = {k for k in keys if k[0] == "status"}
    assert status == {("status", "null_share")} | {("status", f"share:{v}") for v in values}
    # free text: its judged metrics and the shares of the values top-k learned there,
    # exactly those the metrics table holds for the window (no top_k row itself)
    window = report["anomalies"]["key_metrics"][0]["dates"]
    silver = {m for d in window for (c, m) in
              table.read_date(store, d).get(("silver", "orders"), {}) if c == "notes"}
    learned = {m for m in silver if m.startswith("share:")}
    notes = {k for k in keys if k[0] == "notes"}
    assert len(learned) >= 2 and notes == {("notes", m) for m in {"null_share", "len_mean"} | learned}
    shares = [k for k in report["anomalies"]["key_metrics"] if k["metric"] in learned]
    assert all(v is not None for k in shares for v in k["values"])  # absent: share 0
    html = render_html(report)
    section = html[html.index("Anomalies and key metrics"):]
    assert "total_amount" in section and section.count("expected band") >= 1 + len(keys)
    assert "`Order.total_amount`" in render_markdown(report)
    events = events_from_run(normalise(record.model_dump(mode="json")), AlertConfig())
    assert [e.kind for e in events] == ["anomaly"] and "total_amount" in events[0].text


def _cli(*argv: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "wdguard.cli", *argv], capture_output=True,
                          text=True, timeout=300)


def test_metrics_backfill_cli_measures_again_only_when_asked(month, tmp_path):
    import json

    root, folder, dates, _ = month
    lake = tmp_path / "lake"
    shutil.copytree(root, lake)
    common = ["--lake", str(lake), "--from", dates[0], "--to", dates[1], "--layer", "silver",
              "--contracts", str(folder), "--format", "json"]
    held = _cli("metrics", "backfill", *common)
    assert held.returncode == 0 and [r["status"] for r in json.loads(held.stdout)] == [
        "skipped", "skipped"]
    again = _cli("metrics", "backfill", *common, "--replace")
    written = json.loads(again.stdout)
    assert again.returncode == 0 and [r["partitions"] for r in written] == [3, 3]
    got = table.read_date(LocalStore(lake), dates[0])[("silver", "orders")]
    assert got[("*", "row_count")] > 100
    bad = _cli("metrics", "backfill", "--lake", str(lake), "--from", "2026-13-01", "--to",
               dates[1])
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--from" in bad.stderr
