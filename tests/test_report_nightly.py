"""The nightly report on a lake of real-shaped run records, manifests and drift."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.alert_server import Recorder
from tests.report_lake import END, build_lake, make_record, write_drift_json
from wdguard.audit import read_entries
from wdguard.cli import app
from wdguard.lake.storage import LocalStore
from wdguard.report import charts

CONTRACTS = str(Path(__file__).resolve().parent.parent / "contracts")
DAY = END.isoformat()


def _run(args, env=None):
    return CliRunner().invoke(app, ["report", "nightly", *args], env=env)


@pytest.fixture()
def lake(tmp_path):
    build_lake(tmp_path / "lake")
    return tmp_path / "lake"


@pytest.fixture()
def report(lake, tmp_path):
    drift = write_drift_json(tmp_path / "drift.json")
    res = _run(["--lake", str(lake), "--date", DAY, "--out", str(tmp_path / "out"),
                "--drift-json", str(drift), "--contracts", CONTRACTS])
    assert res.exit_code == 1, res.output  # written, and something is failing
    out = tmp_path / "out"
    return json.loads((out / "report.json").read_text()), out


def test_gate_status_per_day(report):
    r, _ = report
    days = {d["date"]: d["verdict"] for d in r["gate"]["days"]}
    assert len(days) == 30 and r["window"] == {"from": "2026-10-28", "to": DAY, "days": 30}
    ago = lambda n: (END - timedelta(days=n)).isoformat()  # noqa: E731
    assert [days[ago(n)] for n in (9, 6, 5, 3, 2, 1, 0)] == [
        "pass", "no run", "undecided", "fail", "pass", "fail", "fail"]
    assert days[ago(20)] == "no run"
    today = r["gate"]["today"]
    assert today["verdict"] == "fail" and today["run_id"] == f"01RUN{DAY}"
    assert [(c["contract"], c["check"], c["column"]) for c in today["failing"]] == [
        ("Payment", "stale", "updated_at")]
    assert r["status"] == "failed"
    assert r["headline"].startswith(f"Gate FAILED for {DAY}")


def test_changes_impact_and_sla(report):
    r, _ = report
    by_source = {s["source"]: s for s in r["changes"]["sources"]}
    assert by_source["postgres"]["counts"] == {"breaking": 1, "warning": 0, "compatible": 1}
    assert by_source["migrations"]["findings"][0]["code"] == "PGD201"
    assert all(f["new"] and f["since"] == DAY for s in by_source.values() for f in s["findings"])
    lake_changes = {(c["object"], c["change"]) for c in r["changes"]["lake"]}
    assert lake_changes == {("orders", "schema changed"), ("orders", "migration head moved"),
                            ("users", "migration head moved")}
    impact = {h["contract"]: h for h in r["impact"]}
    assert set(impact) == {"Order", "Payment"}  # a migration name is not a contract
    assert impact["Order"]["consumers"] == ["DimTime", "FactOrders"]
    assert impact["Order"]["reasons"] == ["postgres PGD102 column.dropped.paid_at"]
    assert impact["Payment"]["reasons"] == ["gate stale.updated_at"]
    assert r["gold_at_risk"] == ["DimTime", "FactOrders", "FactSubscriptions"]
    [sla] = r["sla_breaches"]
    assert (sla["contract"], sla["since"], sla["days_open"], sla["lag_h"], sla["max_h"]) == (
        "Payment", (END - timedelta(days=1)).isoformat(), 2, 40.0, 26.0)


def test_metrics_per_contract_over_time(report):
    r, _ = report
    m = r["metrics"]
    assert m["dates"][0] == (END - timedelta(days=9)).isoformat() and m["dates"][-1] == DAY
    order = m["contracts"]["Order"]
    i3 = m["dates"].index((END - timedelta(days=3)).isoformat())
    assert order["failing_rows"][i3] == 12
    assert order["failing_rows"][-1] == 0
    assert order["failing_rows"][m["dates"].index((END - timedelta(days=6)).isoformat())] is None
    assert order["row_count"][-1] == 1000 + 20 * 30 + 300  # END is a Thursday
    assert order["expected_high"][-1] == pytest.approx(1900 * 0.97 * 1.5)
    assert m["contracts"]["Payment"]["freshness_lag_h"][-1] == 40.0
    assert m["contracts"]["Payment"]["freshness_max_h"] == 26.0
    assert order["duration_s"][-1] == pytest.approx(0.125)
    assert m["contracts"]["Payment"]["failed_checks_today"] == 1


def test_markdown_and_html_content(report):
    _, out = report
    md = (out / "report.md").read_text()
    for heading in ("## Gate", "## What it breaks", "## Open SLA breaches",
                    "## What changed in the sources", "## Data quality per contract"):
        assert heading in md
    assert "| 🔴 breaking | `Order` | DimTime, FactOrders |" in md
    html = (out / "report.html").read_text()
    assert html.count("<svg") >= 3 * 4 + 1  # four charts per contract and the gate strip
    assert "<script" not in html
    # self-contained: no URL fetched at view time (only the SVG namespace and CSP text)
    urls = set(re.findall(r'(?:src|href)\s*=\s*"([^"]+)"', html))
    assert urls == set()
    assert "@import" not in html and "url(" not in html
    for text in ("Payment.updated_at", "PGD102", "FactSubscriptions", "What it breaks"):
        assert text in html


def test_no_secret_anywhere(report, lake):
    _, out = report
    for p in out.iterdir():
        assert "hunter2" not in p.read_text()
    assert "hunter2" not in json.dumps(read_entries(LocalStore(lake)))


def test_todays_error_line_is_shown_redacted(lake, tmp_path):
    """The run the report shows in full is TODAY's: its error line must be redacted (the
    five-day-old undecided run above is only a dot on the gate strip)."""
    store = LocalStore(lake)
    today = make_record(END, stale_payment=True, undecided=True)
    today.errors.append("silver/postgres/users: lake https://acct.blob.core.windows.net/c"
                        "?sv=2024&sig=SasToday-h17 via postgresql://app:UrlToday-h17@db/wd")
    today.verdict, today.exit_code = "undecided", 2
    store.write_text(f"_wdguard/runs/{DAY}/{today.run_id}.json", today.to_json())
    res = _run(["--lake", str(lake), "--date", DAY, "--out", str(tmp_path / "out"),
                "--contracts", CONTRACTS])
    assert res.exit_code in (1, 2), res.output
    r = json.loads((tmp_path / "out" / "report.json").read_text())
    error = r["gate"]["today"]["error"]
    assert "corrupt parquet (password=***" in error and "sig=***" in error
    assert "postgresql://app:***@db/wd" in error
    md = (tmp_path / "out" / "report.md").read_text()
    assert "Could not decide: silver/postgres/orders: corrupt parquet (password=***" in md
    for p in (tmp_path / "out").iterdir():
        text = p.read_text()
        for secret in ("hunter2", "SasToday-h17", "UrlToday-h17"):
            assert secret not in text, (p.name, secret)
    assert "SasToday-h17" not in res.output and "hunter2" not in res.output


def test_next_day_marks_known_drift_and_run_is_audited(report, lake, tmp_path):
    store = LocalStore(lake)
    nxt = END + timedelta(days=1)
    rec = make_record(nxt)
    store.write_text(f"_wdguard/runs/{nxt.isoformat()}/{rec.run_id}.json", rec.to_json())
    res = _run(["--lake", str(lake), "--date", nxt.isoformat(), "--out", str(tmp_path / "o2"),
                "--drift-json", str(tmp_path / "drift.json"), "--contracts", CONTRACTS,
                "--format", "json"])
    assert res.exit_code == 1  # the breaking drift is still open
    r = json.loads((tmp_path / "o2" / "report.json").read_text())
    assert r["changes"]["since"] == DAY
    assert all(not f["new"] and f["since"] == DAY
               for s in r["changes"]["sources"] for f in s["findings"])
    assert r["gate"]["today"]["verdict"] == "pass" and r["sla_breaches"] == []
    entries = [e for e in read_entries(store) if e["command"] == "report nightly"]
    assert [(e["inputs"]["date"], e["exit_code"]) for e in entries] == [(DAY, 1), (nxt.isoformat(), 1)]


def test_clean_lake_exits_0(tmp_path):
    store = LocalStore(tmp_path / "lake")
    for k in range(3):
        day = END - timedelta(days=k)
        rec = make_record(day)
        store.write_text(f"_wdguard/runs/{day.isoformat()}/{rec.run_id}.json", rec.to_json())
    res = _run(["--lake", str(tmp_path / "lake"), "--date", DAY, "--out", str(tmp_path / "out"),
                "--contracts", CONTRACTS])
    assert res.exit_code == 0, res.output
    r = json.loads((tmp_path / "out" / "report.json").read_text())
    assert r["status"] == "ok" and r["impact"] == [] and r["sla_breaches"] == []
    assert "Every check passed (12 checks)." in (tmp_path / "out" / "report.md").read_text()


def test_bad_inputs_exit_2_and_write_nothing(lake, tmp_path):
    out = tmp_path / "out"
    bad = tmp_path / "bad.json"
    bad.write_text('{"summary": {}}')
    cases = [
        (["--lake", str(lake), "--date", "2026-13-01"], "--date: bad date"),
        (["--lake", str(tmp_path / "nope"), "--date", DAY], "lake folder not found"),
        (["--lake", str(lake), "--date", DAY, "--drift-json", str(bad)], f"{bad}: not a drift"),
        (["--lake", str(lake), "--date", DAY, "--drift-json", str(tmp_path / "x.json")],
         "no such drift JSON file"),
    ]
    for args, words in cases:
        res = _run([*args, "--out", str(out)])
        assert res.exit_code == 2, res.output
        assert words in res.stderr and len(res.stderr.strip().splitlines()) == 1
        assert not out.exists()
    undecided = [e for e in read_entries(LocalStore(lake)) if e["exit_code"] == 2]
    assert len(undecided) == 2  # the two drift-file cases: the lake was open by then


def test_report_alerts_once_and_a_failing_alert_changes_nothing(lake, tmp_path):
    cfg = tmp_path / "wdguard.toml"
    cfg.write_text('[alerts]\nretries = 0\ntimeout = 2\n'
                   '[alerts.targets.chat]\nkind = "slack"\nurl_env = "WDG_R_SLACK"\n'
                   '[alerts.targets.down]\nkind = "webhook"\nurl_env = "WDG_R_DOWN"\n')
    drift = write_drift_json(tmp_path / "drift.json")
    with Recorder() as server:
        res = _run(["--lake", str(lake), "--date", DAY, "--out", str(tmp_path / "out"),
                    "--drift-json", str(drift), "--contracts", CONTRACTS, "--config", str(cfg)],
                   env={"WDG_R_SLACK": server.url, "WDG_R_DOWN": ""})
    assert res.exit_code == 1
    assert len(server.received) == 1
    text = json.dumps(server.received[0]["body"])
    assert "PGD102" in text and "Freshness SLA breached since" in text
    assert "sEcReT" not in text
    r = json.loads((tmp_path / "out" / "report.json").read_text())
    assert [(a["target"], a["ok"]) for a in r["alerts"]] == [("chat", True), ("down", False)]
    assert "alert to down failed" in res.stderr


def test_charts_mark_out_of_bounds_and_gaps():
    dates = ["2026-11-20", "2026-11-21", "2026-11-22"]
    svg = charts.line([10, None, 30], dates, "rows", band=([8, 8, 8], [12, 12, 12]))
    assert svg.count("<polyline") == 2  # the missing day breaks the line
    assert svg.count(charts.COLORS["bad"]) == 1  # 30 is above the band
    svg = charts.bars([0, 5, None], dates, "failing", bad_above=0)
    assert svg.count("<rect") == 2 and "2026-11-21: 5" in svg
    assert "no data" in charts.line([None, None, None], dates, "x")


def test_html_loads_in_headless_chromium(report, tmp_path, chromium_bin):
    _, out = report
    shot = tmp_path / "report.png"
    cmd = [chromium_bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={tmp_path / 'chrome'}", f"--screenshot={shot}",
           "--window-size=1280,2000", (out / "report.html").as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=90, check=True)
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    dom = subprocess.run([*cmd[:-3], "--dump-dom", (out / "report.html").as_uri()],
                         capture_output=True, text=True, timeout=90, check=True).stdout
    assert "wdguard nightly report" in dom and dom.count("<svg") >= 13


def test_live_mongo_drift_in_the_report(lake, tmp_path, mongo_db, monkeypatch):
    from tests.fixtures_mongo import fixture_docs

    contracts = tmp_path / "mongo_contracts"
    contracts.mkdir()
    for name in ("PickupTracking", "Review", "UserActivity"):
        shutil.copy(Path(CONTRACTS) / f"{name}.yaml", contracts)
    docs = fixture_docs("reviews")
    for d in docs:
        d.pop("userId")
    mongo_db.load("reviews", docs)
    monkeypatch.setattr("wdguard.sources.mongo.connect", lambda uri: mongo_db.client)
    res = _run(["--lake", str(lake), "--date", DAY, "--out", str(tmp_path / "out"),
                "--contracts", str(contracts), "--mongo-uri", "mongodb://u:Pw-123@mongo/",
                "--mongo-db", mongo_db.name, "--format", "json"])
    assert res.exit_code == 1, res.output
    assert json.loads(res.stdout)["status"] == "failed"
    r = json.loads((tmp_path / "out" / "report.json").read_text())
    [src] = r["changes"]["sources"]
    assert src["source"] == "mongodb"
    assert [(f["code"], f["column"], f["compat"]) for f in src["findings"]] == [
        ("MGD102", "userId", "breaking")]
    assert [h["contract"] for h in r["impact"]] == ["Review"]
    entry = [e for e in read_entries(LocalStore(lake)) if e["command"] == "report nightly"][-1]
    assert "Pw-123" not in json.dumps(entry) and entry["exit_code"] == 1
