"""What the gate does with a partition's metrics: rows for the table, `anomaly` checks.

Per partition the run record gets one `anomaly` check per anomalous metric (family
`anomaly`, the column, the metric, the value, the expected band and the history it was
judged on) and one summary check for the partition (column `*`): passed when metrics
were judged and none is anomalous, skipped - with how many partitions of history there
are - when none could be judged yet. Severity is `warn` unless the contract says `error`.
"""

from __future__ import annotations

import statistics
import threading
from datetime import date as Date

from wdguard.checks.outcome import Outcome
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Contract
from wdguard.metrics import table
from wdguard.metrics.anomaly import SEASON_DEFAULTS, Strategy, judge, strategy, training_dates
from wdguard.metrics.catalog import ROWS, TOP, MetricSpec, counted_whole, on_date
from wdguard.metrics.table import History, MetricRow


class Monitor:
    """Collects one run's metric rows and judges them against the table's history."""

    def __init__(self, store, date: str, *, judge_anomalies: bool = True):
        self.store = store
        self.date = date
        self.day = Date.fromisoformat(date)
        self.history = History(store, date)
        self.rows: list[MetricRow] = []
        self.judge_anomalies = judge_anomalies
        self.lake_is_delta = False  # a partition measured was a Delta table's date
        self._lock = threading.Lock()  # the Spark engine checks partitions in threads

    def partition(
        self, contract: Contract, layer: str, measured: list[tuple[MetricSpec, float | None]],
        *, source_format: str | None = None,
    ) -> list[Outcome]:
        """Record a partition's metrics (`source_format`: the format it was read in; a
        `delta` one makes a new metrics table Delta); return its anomaly checks."""
        obj = contract.object_name
        with self._lock:
            self.lake_is_delta = self.lake_is_delta or source_format == table.DELTA
            self.rows += [
                MetricRow(layer, contract.contract, obj, s.column, s.metric, v) for s, v in measured
            ]
        if not measured or not self.judge_anomalies:
            return []
        today = {(s.column, s.metric): v for s, v in measured}
        rows = today.get((ROWS, "row_count"))
        outs: list[Outcome] = []
        judged = skipped = 0
        most_history, needs = 0, 0
        for spec, value in measured + self._vanished(layer, obj, measured):
            s = strategy(contract, spec)
            if not s.enabled:
                continue
            history = self._history(layer, obj, spec.column, spec.metric, s, spec.learned)
            verdict = judge(
                spec,
                value,
                history,
                s,
                n=_count(spec, today, rows),
                sd=self._sd(layer, obj, spec, s),
            )
            most_history = max(most_history, len(history))
            needs = max(needs, s.min_history)
            if verdict.status == "skipped":
                skipped += 1
                continue
            judged += 1
            if verdict.status == "fail":
                outs.append(_anomaly(contract, spec, s, verdict, rows))
        outs.insert(0, _summary(contract, judged, skipped, len(outs), most_history, needs, rows))
        return outs

    def _vanished(self, layer: str, obj: str, measured) -> list[tuple[MetricSpec, float]]:
        """Learned values of a column counted whole today that the last training window
        saw and today did not: share 0, judged (not recorded: the `top_k` row says it)."""
        complete = {s.column: s for s, v in measured if s.metric == TOP and counted_whole(v)}
        if not complete:
            return []
        today = {(s.column, s.metric) for s, _ in measured}
        seen: dict[tuple[str, str], MetricSpec] = {}
        for d in self.history.known[-SEASON_DEFAULTS["none"][0]:]:
            for (col, metric), v in self.history.on(d, layer, obj).items():
                if col in complete and metric.startswith("share:") and v:
                    top = complete[col]
                    seen[(col, metric)] = MetricSpec(col, metric, top.logical, learned=True)
        return [(spec, 0.0) for key, spec in sorted(seen.items()) if key not in today]

    def _history(self, layer: str, obj: str, column: str, metric: str, s: Strategy,
                 learned: bool = False):
        """[(date, value)] oldest first; a learned value absent on a date whose `top_k`
        counted the column whole had share 0 there."""
        points = []
        spec = MetricSpec(column, metric, "", learned=learned)
        for d in training_dates(self.day, s, self.history.known):
            v = on_date(self.history.on(d, layer, obj), spec)
            if v is not None:
                points.append((d, v))
        return list(reversed(points))  # oldest first

    def _sd(self, layer: str, obj: str, spec: MetricSpec, s: Strategy) -> float | None:
        """The column's usual standard deviation (a mean's sampling noise)."""
        if spec.metric != "mean":
            return None
        past = [v for _, v in self._history(layer, obj, spec.column, "stddev", s)]
        return statistics.median(past) if past else None

    def write(self, run_id: str, engine: str) -> str | None:
        rows = sorted(self.rows, key=lambda r: (r.layer, r.contract))  # stable, whatever order
        return table.write(
            self.store, self.date, run_id, engine, rows, lake_is_delta=self.lake_is_delta
        )


def _count(spec: MetricSpec, today: dict, rows: float | None) -> float | None:
    """How many values a metric is computed over: the rows, or the column's non-null ones."""
    if rows is None or spec.column == ROWS or spec.metric == "null_share":
        return rows
    nulls = today.get((spec.column, "null_share"))
    return rows * (1 - nulls) if nulls is not None else rows


def _anomaly(contract: Contract, spec: MetricSpec, s: Strategy, verdict, rows) -> Outcome:
    check = CheckSpec(
        "anomaly",
        contract=contract.contract,
        object=contract.object_name,
        column=spec.column,
        severity=s.severity,
        name=spec.metric,  # type: ignore[arg-type]
    )
    return Outcome(
        check, "fail", verdict.message, rows_scanned=rows and int(rows), details=verdict.details
    )


def _summary(contract, judged, skipped, anomalies, most_history, needs, rows) -> Outcome:
    check = CheckSpec(
        "anomaly",
        contract=contract.contract,
        object=contract.object_name,
        column=ROWS,
        severity="warn",
    )
    details = {
        "judged": judged,
        "skipped": skipped,
        "anomalies": anomalies,
        "history_partitions": most_history,
    }
    n = rows and int(rows)
    if not judged:
        why = (
            f"{most_history} partition(s) of metrics history, needs {needs}"
            if most_history < needs
            else "no metric could be judged"
        )
        return Outcome(check, "skipped", why, rows_scanned=n, details=details)
    msg = f"{judged} metric(s) judged, {anomalies} anomalous"
    if skipped:
        msg += f", {skipped} skipped"
    return Outcome(check, "pass", msg, rows_scanned=n, details=details)
