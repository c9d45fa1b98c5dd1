"""A small lake of run records, manifests and drift for the report tests (synthetic, built
with the gate's own RunRecord model so the shapes are the real ones)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from wdguard.findings import Finding
from wdguard.lake.storage import LocalStore
from wdguard.record import CheckRecord, Inputs, PartitionRecord, RunRecord, decide, summarise
from wdguard.report.findings import findings_json

END = date(2026, 11, 26)
CONTRACTS = {"Order": "orders", "User": "users", "Payment": "payments"}


def _check(contract, check, status="pass", column=None, failing=None, rows=1000, severity="error",
           details=None, message="", layer="silver", ms=40.0):
    obj = CONTRACTS[contract]
    return CheckRecord(
        id=f"{layer}:{obj}:{column or ''}:{check}", code="WDG000", check=check, family="x",
        layer=layer, contract=contract, object=obj, column=column, severity=severity,
        status=status, message=message, rows_scanned=rows, failing_rows=failing,
        duration_ms=ms, details=details or {},
    )


def make_record(day: date, *, status_fault=False, stale_payment=False, undecided=False):
    started = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
    n = (day - END).days + 30
    checks, parts = [], []
    for i, contract in enumerate(CONTRACTS):
        rows = 1000 * (i + 1) + 20 * n + (300 if day.weekday() < 5 else 0)
        checks.append(_check(contract, "not_null", column="id", failing=0, rows=rows))
        fail = status_fault and contract == "Order"
        checks.append(_check(contract, "in_values", "fail" if fail else "pass", column="status",
                             failing=12 if fail else 0, rows=rows,
                             message="12 row(s) not in [PENDING, PAID, CANCELLED]" if fail else ""))
        stale = stale_payment and contract == "Payment"
        age = 40 * 3600 if stale else 3 * 3600 + 600 * i
        checks.append(_check(contract, "stale", "fail" if stale else "pass", column="updated_at",
                             details={"age_s": age, "max_age_s": 26 * 3600},
                             message="newest updated_at is 40.0h older than extraction" if stale else ""))
        base = rows * 0.97
        checks.append(_check(contract, "volume_change", rows=rows,
                             details={"baseline": base, "max_change": 0.5}, ms=5))
        parts.append(PartitionRecord(layer="silver", source="postgres", object=CONTRACTS[contract],
                                     contract=contract, path="x", exists=True, row_count=rows))
    rec = RunRecord(
        run_id=f"01RUN{day.isoformat()}", started_at=started, user="ci", host="runner",
        versions={"wdguard": "0.1.0"},
        inputs=Inputs(lake="/lake", date=day.isoformat(), layers=["silver"], contracts_dir="contracts"),
        checks=checks, partitions=parts,
    )
    if undecided:
        rec.errors.append("silver/postgres/orders: corrupt parquet (password=hunter2)")
    rec.finished_at = started + timedelta(seconds=30)
    rec.duration_ms = 30_000.0 + 500 * n
    rec.summary = summarise(rec)
    rec.verdict, rec.exit_code = decide(rec)
    return rec


def build_lake(root: Path, days: int = 10) -> LocalStore:
    """`days` days of runs ending END: a status fault 3 days ago, an undecided run 5 days
    ago, no run 6 days ago, payments stale for the last 2 days; manifests of the last two
    days where the orders schema and the migration head moved."""
    store = LocalStore(root)
    for k in range(days):
        day = END - timedelta(days=days - 1 - k)
        ago = (END - day).days
        if ago == 6:
            continue
        rec = make_record(day, status_fault=ago == 3, stale_payment=ago <= 1, undecided=ago == 5)
        store.write_text(f"_wdguard/runs/{day.isoformat()}/{rec.run_id}.json", rec.to_json())
    for ago, fp, head in ((1, "sha256:aaaaaaaaaaaa", "20261120_init"),
                          (0, "sha256:bbbbbbbbbbbb", "20261125_drop_paid_at")):
        day = (END - timedelta(days=ago)).isoformat()
        for obj in ("orders", "users"):
            manifest = {"source": "postgres", "layer": "bronze", "object": obj, "date": day,
                        "row_count": 10, "schema_fingerprint": fp if obj == "orders" else "sha256:u",
                        "migration_head": head, "files": []}
            store.write_text(f"raw/postgres/{day}/{obj}/_source.json", json.dumps(manifest))
    return store


def drift_findings() -> list[Finding]:
    return [
        Finding(code="PGD102", name="column.dropped", severity="error", compat="breaking",
                object="orders", column="paid_at", message="column paid_at dropped (was timestamp(3))"),
        Finding(code="PGD101", name="column.added", severity="info", compat="compatible",
                object="users", column="nickname", message="nullable column nickname added"),
        Finding(code="PGD201", name="migration.edited", severity="error", compat="breaking",
                object="20261120_init", message="migration edited after it was applied"),
    ]


def write_drift_json(path: Path) -> Path:
    path.write_text(json.dumps(findings_json(drift_findings(), command="drift postgres",
                                             target="app@db:5432/wastedump")))
    return path
