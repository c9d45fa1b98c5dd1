"""The cache snapshot: one `wdguard cache stats` run as data, kept create-only in the lake.

`_wdguard/cache/{date}/{run_id}.json` (ULID run ids sort by time), written once like the
gate's run records: a second writer can never overwrite it, a reader never sees half of
one. The nightly report reads them back per day (`read_snapshots`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from wdguard.errors import InputError
from wdguard.findings import Finding, severity_counts, worst_exit
from wdguard.lake import layout
from wdguard.record import new_run_id
from wdguard.redact import redact

from .stats import SNAPSHOT_VERSION


def build_snapshot(figures: dict[str, Any], findings: list[Finding], *, target: str,
                   thresholds: dict[str, Any], taken_at: datetime | None = None,
                   run_id: str | None = None, date: str | None = None) -> dict[str, Any]:
    """`date`: the pipeline date it is filed under (default: the day it was taken, UTC),
    so a report for an earlier date finds the snapshot taken for it."""
    taken_at = taken_at or datetime.now(UTC)
    code = worst_exit(findings)
    return redact({
        "snapshot_version": SNAPSHOT_VERSION,
        "run_id": run_id or new_run_id(taken_at.timestamp()),
        "taken_at": taken_at.isoformat(timespec="seconds"),
        "date": date or taken_at.date().isoformat(),
        "target": target,
        **figures,
        "thresholds": thresholds,
        "summary": severity_counts(findings),
        "findings": [f.to_dict() for f in findings],
        "exit_code": code,
    })


def write_snapshot(store: Any, snapshot: dict[str, Any]) -> str:
    """Write create-only; returns the path in the lake."""
    path = layout.cache_snapshot_path(snapshot["date"], snapshot["run_id"])
    store.write_bytes(path, (json.dumps(snapshot, indent=2) + "\n").encode(), overwrite=False)
    return path


def read_snapshots(store: Any, dates: list[str]) -> tuple[dict[str, list[dict[str, Any]]],
                                                          list[str]]:
    """Snapshots per date (oldest first within a day) and notes on unreadable ones."""
    out: dict[str, list[dict[str, Any]]] = {}
    notes: list[str] = []
    root = layout.cache_dir()
    present = set(store.list_dirs(root))
    for d in dates:
        if d not in present:
            continue
        for path in sorted(store.list(layout.cache_dir(d))):
            if not path.endswith(".json"):
                continue
            try:
                snap = json.loads(store.read_bytes(path))
                if not isinstance(snap, dict) or "window" not in snap:
                    raise ValueError("not a cache snapshot")
            except (OSError, ValueError, InputError) as exc:
                notes.append(f"cache snapshot {path} skipped: {type(exc).__name__}")
                continue
            out.setdefault(d, []).append(snap)
    return out, notes
