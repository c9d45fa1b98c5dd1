"""Run records read back from the lake, normalised for the report and the alerts.

The gate writes one `RunRecord` JSON per run to `_wdguard/runs/{date}/{run_id}.json`
(see `wdguard.record`). The report only needs a small, stable view of it: verdict,
duration, and per check its contract, kind, status and figures. Reading goes through
this one module so a new record version changes one place; an unreadable record is
skipped with a note rather than sinking the whole report.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import timedelta
from typing import Any

from wdguard.record import RunRecord, load_run_record, read_run_records

FRESHNESS_CHECKS = {"stale", "freshness"}
VOLUME_CHECKS = {"volume", "volume_drop", "volume_change", "min_rows"}


def _seconds(ms: Any) -> float | None:
    return round(float(ms) / 1000, 3) if isinstance(ms, int | float) else None


def _band(details: dict[str, Any]) -> tuple[float | None, float | None]:
    """The expected row-count band a volume check compared against, if it says."""
    for lo, hi in (
        ("expected_min", "expected_max"),
        ("low", "high"),
        ("min", "max"),
        ("lower", "upper"),
    ):
        if lo in details or hi in details:
            return details.get(lo), details.get(hi)
    base, change = details.get("baseline"), details.get("max_change")
    if isinstance(base, int | float) and isinstance(change, int | float):
        return base * (1 - change), base * (1 + change)
    return None, None


def normalise(record: RunRecord | dict[str, Any]) -> dict[str, Any]:
    """The report's view of one run record (read through `record.load_run_record`)."""
    r = load_run_record(record)
    checks = []
    for c in r.checks:
        checks.append(
            {
                "id": c.id,
                "code": c.code,
                "contract": c.contract or c.object,
                "object": c.object,
                "column": c.column,
                "check": c.check,
                "kind": "freshness" if c.check in FRESHNESS_CHECKS else c.check,
                "layer": c.layer,
                "severity": "error" if c.severity == "error" else "warning",
                "status": c.status,
                "failed": c.status == "fail",
                "rows": c.rows_scanned,
                "failing_rows": c.failing_rows,
                "message": c.message or "",
                "duration_s": _seconds(c.duration_ms) or 0.0,
                "details": c.details or {},
            }
        )
    return {
        "run_id": r.run_id,
        "date": r.inputs.date,
        "started_at": r.model_dump(mode="json", include={"started_at"})["started_at"],
        "verdict": r.verdict,
        "exit_code": r.exit_code,
        "duration_s": _seconds(r.duration_ms),
        "error": "; ".join(r.errors) or None,
        "checks": checks,
        "partitions": [p.model_dump(mode="json") for p in r.partitions],
        "layers": list(r.inputs.layers),
    }


def is_gold_only(run: dict[str, Any]) -> bool:
    """A post-build run (`--layer gold`): kept apart from the pre-gold gate's runs."""
    return run.get("layers") == ["gold"]


def window(day: str, days: int) -> list[str]:
    end = Date.fromisoformat(day)
    return [(end - timedelta(days=i)).isoformat() for i in reversed(range(days))]


def read_runs(store: Any, dates: list[str]) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Every run of each date (oldest first) and notes about records that could not be read."""
    runs: dict[str, list[dict[str, Any]]] = {}
    notes: list[str] = []
    for d in dates:
        records, skipped = read_run_records(store, d)
        notes += skipped
        items = [normalise(r) for r in records]
        items.sort(key=lambda r: (str(r.get("started_at") or ""), str(r.get("run_id"))))
        if items:
            runs[d] = items
    return runs, notes


def contract_metrics(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per contract, the day's figures the charts plot."""
    out: dict[str, dict[str, Any]] = {}

    def slot(name: str) -> dict[str, Any]:
        return out.setdefault(
            name,
            {
                "failing_rows": 0,
                "failed_checks": 0,
                "row_count": None,
                "expected_low": None,
                "expected_high": None,
                "freshness_lag_h": None,
                "freshness_max_h": None,
                "duration_s": 0.0,
            },
        )

    for c in run["checks"]:
        if not c["contract"]:
            continue
        m = slot(c["contract"])
        m["duration_s"] = round(m["duration_s"] + (c["duration_s"] or 0.0), 3)
        if c["failed"]:
            m["failed_checks"] += 1
            # the worst check's rows, not their sum: one row can fail several checks, and
            # bronze and silver scan the same rows, so a sum could pass the rows scanned
            m["failing_rows"] = max(m["failing_rows"], c["failing_rows"] or 0)
        d = c["details"]
        if c["kind"] == "freshness" and isinstance(d.get("age_s"), int | float):
            lag = round(d["age_s"] / 3600, 2)
            m["freshness_lag_h"] = max(lag, m["freshness_lag_h"] or lag)
            if isinstance(d.get("max_age_s"), int | float):
                m["freshness_max_h"] = round(d["max_age_s"] / 3600, 2)
        if c["check"] in VOLUME_CHECKS:
            lo, hi = _band(d)
            m["expected_low"], m["expected_high"] = lo, hi
    # row counts: the silver partition when there is one, else bronze
    scanned: dict[str, int] = {}
    for p in sorted(run["partitions"], key=lambda p: p.get("layer") != "silver"):
        name = p.get("contract") or p.get("object")
        if name and p.get("row_count") is not None:
            scanned[name] = max(scanned.get(name, 0), p["row_count"])
            if slot(name)["row_count"] is None:
                out[name]["row_count"] = p["row_count"]
    for name, rows in scanned.items():  # never more failing rows than rows scanned
        out[name]["failing_rows"] = min(out[name]["failing_rows"], rows)
    return out
