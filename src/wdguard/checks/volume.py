"""Volume: today's row count against a weekday-aware baseline of trailing partitions.

Baseline = median of the same weekday over the last 4 weeks (when at least 2 of them
are known), else median of the last 7 days (at least 3 known), else no baseline and
the change check is skipped, not failed. Past counts come from the run records of those
dates (the latest run per date), falling back to the row counts the trailing partitions'
manifests (or ADF outputs) expect, wherever the lake's layout puts them.
"""

from __future__ import annotations

import statistics
from datetime import date as Date
from datetime import timedelta

from wdguard.checks.outcome import Outcome
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Contract
from wdguard.lake import layout
from wdguard.lake.dates import contract_dates
from wdguard.lake.resolve import resolve
from wdguard.record import read_run_records

WEEKS = 4
MIN_WEEKDAY_POINTS = 2
MIN_DAILY_POINTS = 3


class History:
    """Row counts of past partitions, read lazily and cached for one gate run. Without a
    run record for a day, the count is what the partition's manifest (or ADF output)
    expects, found where the lake's layout (`lake`; default: wdguard's own) puts it."""

    def __init__(self, store, date: str, lake: layout.LakeLayout | None = None):
        self.store = store
        self.date = Date.fromisoformat(date)
        self.lake = lake or layout.LakeLayout.default()
        self._records: dict[str, dict[tuple[str, str], int]] = {}
        self._dates: dict[tuple[str, str], set[str]] = {}  # dates present, per layer+contract

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

    def count(self, layer: str, contract: Contract, day: Date) -> int | None:
        key = day.isoformat()
        known = self._record_counts(key).get((layer, contract.object_name))
        if known is not None:
            return known
        present = self._dates.get((layer, contract.contract))
        if present is None:  # one walk of the layout instead of a probe per day
            present = self._dates[(layer, contract.contract)] = set(
                contract_dates(self.store, self.lake, contract, layer))
        if key not in present:
            return None
        try:
            part = resolve(self.store, self.lake, contract, layer, key)
        except Exception:  # an unreadable old partition only loses a baseline point
            return None
        return None if part.problem is not None else part.expected.row_count

    def baseline(self, layer: str, contract: Contract) -> tuple[float | None, str, list[int]]:
        weekly = [
            c
            for w in range(1, WEEKS + 1)
            if (c := self.count(layer, contract, self.date - timedelta(days=7 * w))) is not None
        ]
        if len(weekly) >= MIN_WEEKDAY_POINTS:
            return statistics.median(weekly), "same weekday, last 4 weeks", weekly
        daily = [
            c
            for d in range(1, 8)
            if (c := self.count(layer, contract, self.date - timedelta(days=d))) is not None
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
        baseline, how, points = history.baseline(layer, contract)
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
