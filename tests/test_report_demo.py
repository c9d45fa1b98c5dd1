"""The report on the generated sample lake: real gate runs per day (one day with a fault),
live drift against real PostgreSQL with a dropped column, alerts from `wdguard check`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from tests import pgutil
from tests.alert_server import Recorder
from wdguard.audit import read_entries
from wdguard.cli import app
from wdguard.contracts.io import load_contracts
from wdguard.lake.storage import LocalStore
from wdguard.sample.generate import generate_lake

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgres


def _pg_contracts(tmp_path: Path) -> Path:
    """The WasteDump Postgres contracts (the sample lake holds Postgres partitions)."""
    out = tmp_path / "contracts"
    out.mkdir()
    for c in load_contracts(ROOT / "contracts"):
        if c.source.kind == "postgres":
            name = next(p for p in (ROOT / "contracts").glob("*.yaml") if p.stem == c.contract)
            shutil.copy(name, out / name.name)
    return out


def test_demo_lake_report(tmp_path, wastedump_db, monkeypatch):
    contracts = _pg_contracts(tmp_path)
    store = LocalStore(tmp_path / "lake")
    (tmp_path / "lake").mkdir()
    result = generate_lake(store, load_contracts(contracts), days=4, rows=0.2)  # small factors starve freshness
    dates = [str(d) for d in result.dates]
    fault_day = dates[2]
    manifest = f"raw/postgres/{fault_day}/orders/_source.json"
    data = json.loads(store.read_text(manifest))
    data["row_count"] += 1  # the extractor's manifest disagrees with the data by one row
    store.write_text(manifest, json.dumps(data))

    cfg = tmp_path / "wdguard.toml"
    cfg.write_text('[alerts]\nretries = 0\n[alerts.targets.ops]\nkind = "webhook"\n'
                   'url_env = "WDG_DEMO_HOOK"\nevents = ["gate_failed", "gate_undecided"]\n')
    monkeypatch.setenv("WDGUARD_CONFIG", str(cfg))
    runner = CliRunner()
    verdicts = {}
    with Recorder() as server:
        monkeypatch.setenv("WDG_DEMO_HOOK", server.url)
        for d in dates:
            res = runner.invoke(app, ["check", "--lake", str(tmp_path / "lake"), "--date", d,
                                      "--contracts", str(contracts), "--format", "json"])
            verdicts[d] = json.loads(res.stdout)["verdict"]
            assert res.exit_code == {"pass": 0, "fail": 1}[verdicts[d]], res.output
    assert verdicts[fault_day] == "fail"
    assert [verdicts[d] for d in dates if d != fault_day] == ["pass"] * 3
    # the gate alerted once, for the failing day only, naming the failing check
    assert len(server.received) == 1
    body = server.received[0]["body"]
    assert body["facts"]["date"] == fault_day and body["status"] == "failed"
    assert "Order" in json.dumps(body)

    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute("ALTER TABLE orders DROP COLUMN paid_at")
    out = tmp_path / "report"
    res = runner.invoke(app, ["report", "nightly", "--lake", str(tmp_path / "lake"),
                              "--date", dates[-1], "--out", str(out), "--dsn", wastedump_db,
                              "--contracts", str(contracts), "--migrations",
                              str(pgutil.MIGRATIONS_DIR)])
    assert res.exit_code == 1, res.output  # breaking drift
    r = json.loads((out / "report.json").read_text())
    got = {d["date"]: d["verdict"] for d in r["gate"]["days"]}
    assert {d: got[d] for d in dates} == verdicts
    assert r["gate"]["today"]["verdict"] == "pass"
    [pg] = [s for s in r["changes"]["sources"] if s["source"] == "postgres"]
    assert [(f["code"], f["object"], f["column"], f["compat"]) for f in pg["findings"]] == [
        ("PGD111", "orders", "paid_at", "breaking")]
    [hit] = r["impact"]
    assert hit["contract"] == "Order" and set(hit["consumers"]) >= {"FactOrders"}
    series = r["metrics"]["contracts"]
    assert set(series) >= {"Order", "User", "Payment"}
    i = r["metrics"]["dates"].index(fault_day)
    assert series["Order"]["failed_checks_today"] == 0
    assert all(v is not None for v in series["Order"]["row_count"])
    assert series["Order"]["freshness_lag_h"][i] is not None
    html = (out / "report.html").read_text()
    assert "PGD111" in html and html.count("<svg") > 4 * len(series)
    assert "password" not in (out / "report.md").read_text().lower()
    # every run is in the audit trail: four gate runs and the report
    commands = sorted(e["command"] for e in read_entries(store))
    assert commands == ["check"] * 4 + ["report nightly"]
