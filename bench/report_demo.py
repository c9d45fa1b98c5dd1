"""Build the demo nightly report and measure it.

Generates a 14-day WasteDump sample lake (Postgres contracts), runs the real gate on every
day (one day with a manifest that is off by one row, payments stale on the last two days),
drops a column in a scratch PostgreSQL database for live drift, writes the report for the
last day, takes the README screenshot (docs/report.png) with headless Chromium, and prints
timings. Run: `.venv/bin/python bench/report_demo.py [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import pgutil  # noqa: E402

from wdguard.contracts.io import load_contracts  # noqa: E402
from wdguard.gate import run_gate  # noqa: E402
from wdguard.lake.storage import LocalStore  # noqa: E402
from wdguard.sample.generate import generate_lake  # noqa: E402

DAYS = 14


def shift_extracted_at(store: LocalStore, day: str, obj: str, hours: int) -> None:
    for layer in ("raw", "silver"):
        path = f"{layer}/postgres/{day}/{obj}/_source.json"
        m = json.loads(store.read_text(path))
        at = dt.datetime.fromisoformat(m["extracted_at"]) + dt.timedelta(hours=hours)
        m["extracted_at"] = at.isoformat()
        store.write_text(path, json.dumps(m))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="keep the lake and report in this folder")
    ap.add_argument("--screenshot", type=Path, default=ROOT / "docs" / "report.png")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="wdg-report-demo-"))
    shutil.rmtree(work, ignore_errors=True)
    (work / "lake").mkdir(parents=True)
    (work / "contracts").mkdir()
    for con in load_contracts(ROOT / "contracts"):
        if con.source.kind == "postgres":
            shutil.copy(ROOT / "contracts" / f"{con.contract}.yaml", work / "contracts")
    contracts = load_contracts(work / "contracts")
    store = LocalStore(work / "lake")

    t = time.perf_counter()
    res = generate_lake(store, contracts, days=DAYS, rows=0.3)
    dates = [str(d) for d in res.dates]
    print(f"generate {DAYS} days: {time.perf_counter() - t:.1f}s")

    # faults: a manifest off by one row on one day, payments extracted 30h late at the end
    m_path = f"raw/postgres/{dates[-5]}/orders/_source.json"
    m = json.loads(store.read_text(m_path))
    m["row_count"] += 1
    store.write_text(m_path, json.dumps(m))
    for d in dates[-2:]:
        shift_extracted_at(store, d, "payments", 30)

    t = time.perf_counter()
    for d in dates:
        rec = run_gate(store, d, contracts_dir=work / "contracts")
        print(f"  gate {d}: {rec.verdict} ({rec.summary.checks} checks, "
              f"{(rec.duration_ms or 0) / 1000:.2f}s)")
    print(f"gate on {DAYS} days: {time.perf_counter() - t:.1f}s")

    name, dsn = pgutil.create_database("wdg_reportdemo")
    try:
        pgutil.apply_migrations(dsn, pgutil.MIGRATIONS_DIR)
        from typer.testing import CliRunner

        from wdguard.cli import app

        runner = CliRunner()
        base = ["report", "nightly", "--lake", str(work / "lake"), "--contracts",
                str(work / "contracts"), "--dsn", dsn, "--migrations", str(pgutil.MIGRATIONS_DIR)]
        out0 = runner.invoke(app, [*base, "--date", dates[-2], "--out", str(work / "prev")])
        print(f"report {dates[-2]}: exit {out0.exit_code}")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("ALTER TABLE orders DROP COLUMN paid_at")
            conn.execute("ALTER TABLE users ADD COLUMN nickname text")
            conn.execute("ALTER TYPE \"OrderStatus\" ADD VALUE 'ON_HOLD'")
        t = time.perf_counter()
        out = runner.invoke(app, [*base, "--date", dates[-1], "--out", str(work / "report")])
        elapsed = time.perf_counter() - t
        print(out.stdout.strip())
        print(f"report {dates[-1]} (live drift + {DAYS} days of run records): "
              f"{elapsed:.2f}s, exit {out.exit_code}")
        t = time.perf_counter()
        out = runner.invoke(app, ["report", "nightly", "--lake", str(work / "lake"), "--date",
                                  dates[-1], "--out", str(work / f"r-{uuid.uuid4().hex[:6]}"),
                                  "--contracts", str(work / "contracts")])
        print(f"report without drift: {time.perf_counter() - t:.2f}s")
    finally:
        pgutil.drop_database(name)

    html = work / "report" / "report.html"
    sizes = {p.name: p.stat().st_size for p in (work / "report").iterdir()}
    print("sizes:", sizes)
    chromium = shutil.which("chromium")
    if chromium:
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={work / 'chrome'}",
            f"--screenshot={args.screenshot}", "--window-size=1280,2200", "--hide-scrollbars",
            html.as_uri(),
        ], check=True, capture_output=True, timeout=120)
        print(f"screenshot: {args.screenshot}")
    else:
        print("chromium not installed: no screenshot")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
