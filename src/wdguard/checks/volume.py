"""Volume: today's row count against a weekday-aware baseline of trailing partitions.

Baseline = median of the same weekday over the last 4 weeks (when at least 2 of them
are known), else median of the last 7 days (at least 3 known), else no baseline and
the change check is skipped, not failed. Past counts come from the run records of those
dates (the latest run per date), falling back to the trailing `_source.json` row counts.
"""

from __future__ import annotations

import statistics
from datetime import date as Date
from datetime import timedelta

from wdguard.checks.outcome import Outcome
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Contract
from wdguard.lake import layout
from wdguard.lake.manifest import load_manifest
from wdguard.record import read_run_records

WEEKS = 4
MIN_WEEKDAY_POINTS = 2
MIN_DAILY_POINTS = 3


class History:
    """Row counts of past partitions, read lazily and cached for one gate run."""

    def __init__(self, store, date: str):
        self.store = store
        self.date = Date.fromisoformat(date)
        self._records: dict[str, dict[tuple[str, str], int]] = {}
        self._dates: dict[tuple[str, str], set[str]] = {}  # date folders present, per layer

    def _record_counts(self, day: str) -> dict[tuple[str, str], int]:
        if day not in self._records:
            counts: dict[tuple[str, str], int] = {}
            try:
                records, _ = read_run_records(self.store, day)
                for p in records[-1].partitions if records else []:  # the day's latest run
                    if p.exists and p.row_count is not None:
                        counts[(p.layer, p.object)] = p.row_count
            except Exception:  # an unreadable old record only loses a baseline point
                counts = {}
            self._records[day] = counts
        return self._records[day]

    def count(self, layer: str, source: str, obj: str, day: Date) -> int | None:
        key = day.isoformat()
        known = self._record_counts(key).get((layer, obj))
        if known is not None:
            return known
        if (layer, source) not in self._dates:  # one listing instead of a probe per day
            self._dates[(layer, source)] = set(layout.list_dates(self.store, layer, source))
        if key not in self._dates[(layer, source)]:
            return None
        path = layout.partition_dir(layer, source, key, obj)
        try:
            if not self.store.exists(layout.manifest_path(path)):
                return None
            return load_manifest(self.store, path).row_count
        except Exception:
            return None

    def baseline(self, layer: str, source: str, obj: str) -> tuple[float | None, str, list[int]]:
        weekly = [
            c
            for w in range(1, WEEKS + 1)
            if (c := self.count(layer, source, obj, self.date - timedelta(days=7 * w))) is not None
        ]
        if len(weekly) >= MIN_WEEKDAY_POINTS:
            return statistics.median(weekly), "same weekday, last 4 weeks", weekly
        daily = [
            c
            for d in range(1, 8)
            if (c := self.count(layer, source, obj, self.date - timedelta(days=d))) is not None
        ]
        if len(daily) >= MIN_DAILY_POINTS:
            return statistics.median(daily), "last 7 days", daily
        return None, "no baseline", daily


def check_volume(contract: Contract, layer: str, rows: int, history: History) -> list[Outcome]:
    v = contract.volume
    if v is None:
        return []
    base = {"contract": contract.contract, "object": contract.object_name, "severity": v.severity}
    outs: list[Outcome] = []
    if v.min_rows is not None:
        spec = CheckSpec("min_rows", **base)
        ok = rows >= v.min_rows
        msg = "" if ok else f"{rows} row(s), the contract wants at least {v.min_rows}"
        outs.append(Outcome(spec, "pass" if ok else "fail", msg, rows_scanned=rows))
    if v.max_change is not None:
        spec = CheckSpec("volume_change", **base)
        baseline, how, points = history.baseline(layer, contract.source.kind, contract.object_name)
        details = {
            "baseline": baseline,
            "baseline_kind": how,
            "points": points,
            "max_change": v.max_change,
        }
        if baseline is None:
            outs.append(
                Outcome(
                    spec,
                    "skipped",
                    "no baseline yet (too few past partitions)",
                    rows_scanned=rows,
                    details=details,
                )
            )
        else:
            change = (rows - baseline) / baseline if baseline else (0.0 if rows == 0 else 1.0)
            details["change"] = round(change, 4)
            ok = abs(change) <= v.max_change
            msg = (
                ""
                if ok
                else (
                    f"{rows} row(s) vs baseline {baseline:g} ({how}): {change:+.0%}, "
                    f"allowed ±{v.max_change:.0%}"
                )
            )
            outs.append(
                Outcome(spec, "pass" if ok else "fail", msg, rows_scanned=rows, details=details)
            )
    return outs
