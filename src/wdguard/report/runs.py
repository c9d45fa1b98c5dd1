"""Run records read back from the lake, normalised for the report and the alerts.

The gate writes one `RunRecord` JSON per run to `_wdguard/runs/{date}/{run_id}.json`
(see `wdguard.record`). The report only needs a small, stable view of it: verdict,
duration, and per check its contract, kind, status and figures. Reading goes through
this one module so a new record version changes one place; an unreadable record is
skipped with a note rather than sinking the whole report.
"""

from __future__ import annotations

import json
from datetime import date as Date
from datetime import timedelta
from typing import Any

from wdguard.lake import layout

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


def normalise(record: dict[str, Any]) -> dict[str, Any]:
    """The report's view of one run record."""
    checks = []
    for c in record.get("checks", []):
        status = c.get("status")
        checks.append(
            {
                "id": c.get("id"),
                "code": c.get("code"),
                "contract": c.get("contract") or c.get("object"),
                "object": c.get("object"),
                "column": c.get("column"),
                "check": c.get("check"),
                "kind": "freshness" if c.get("check") in FRESHNESS_CHECKS else c.get("check"),
                "layer": c.get("layer"),
                "severity": "error" if c.get("severity", "error") == "error" else "warning",
                "status": status,
                "failed": status == "fail",
                "rows": c.get("rows_scanned"),
                "failing_rows": c.get("failing_rows"),
                "message": c.get("message") or "",
                "duration_s": _seconds(c.get("duration_ms")) or 0.0,
                "details": c.get("details") or {},
            }
        )
    inputs = record.get("inputs") or {}
    return {
        "run_id": record.get("run_id"),
        "date": inputs.get("date") or record.get("date"),
        "started_at": record.get("started_at"),
        "verdict": record.get("verdict", "undecided"),
        "exit_code": record.get("exit_code", 2),
        "duration_s": _seconds(record.get("duration_ms")),
        "error": "; ".join(record.get("errors") or []) or None,
        "checks": checks,
        "partitions": record.get("partitions") or [],
        "layers": list(inputs.get("layers") or []),
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
        items = []
        for path in store.list(layout.runs_dir(d)):
            if not path.endswith(".json"):
                continue
            try:
                items.append(normalise(json.loads(store.read_bytes(path))))
            except (ValueError, AttributeError, TypeError) as exc:
                notes.append(f"{path}: unreadable run record skipped ({type(exc).__name__})")
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
