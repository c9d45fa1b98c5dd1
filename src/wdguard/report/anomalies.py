"""The report's anomalies section, as data: today's anomalies and the contracts' key metrics.

Each anomaly carries the history it was judged on (from its check's details) and its
expected band; each key metric (`metrics.key` in a contract) carries its values over the
report window from the metrics table, with the band each day's value was expected in.
The renderers draw every series as a sparkline with its band (`charts.line`).
"""

from __future__ import annotations

from datetime import date as Date
from typing import Any

from wdguard.contracts.model import Contract
from wdguard.metrics import table
from wdguard.metrics.anomaly import judge, strategy, training_dates
from wdguard.metrics.catalog import ROWS, metric_specs

LAYER_ORDER = ("silver", "bronze")  # a key metric is charted from silver when it has one


def _today_anomalies(run: dict[str, Any] | None) -> list[dict[str, Any]]:
    out = []
    for c in (run or {}).get("checks", []):
        if c.get("check") != "anomaly" or not c.get("failed"):
            continue
        d = c["details"]
        hist = d.get("history") or []
        out.append({
            "contract": c["contract"], "layer": c["layer"], "column": c["column"],
            "metric": d.get("metric"), "severity": c["severity"], "message": c["message"],
            "value": d.get("value"), "expected": d.get("expected"),
            "dates": [h["date"] for h in hist] + ["today"],
            "values": [h["value"] for h in hist] + [d.get("value")],
        })
    return out


def _key_specs(contract: Contract):
    keys = contract.metrics.key if contract.metrics else []
    if not keys:
        return []
    specs = metric_specs(contract)
    out = []
    for key in keys:
        for spec in specs:
            whole = spec.column == key and strategy(contract, spec).enabled  # its judged ones
            if whole or key == f"{spec.column}.{spec.metric}":
                out.append(spec)
    return out


def _key_metrics(store, dates: list[str], contracts: list[Contract]) -> list[dict[str, Any]]:
    wanted = [(c, s) for c in contracts for s in _key_specs(c)]
    if not wanted:
        return []
    metrics = table.open_table(store)  # opened once: a Delta table's log is read once
    known = metrics.dates()
    cache: dict[str, dict] = {}

    def on(day: str) -> dict:
        if day not in cache:
            cache[day] = metrics.read_date(day) if day in known else {}
        return cache[day]

    out = []
    for contract, spec in wanted:
        obj = contract.object_name
        layer = next((x for x in LAYER_ORDER if any((x, obj) in on(d) for d in dates)), None)
        if layer is None:
            continue
        s = strategy(contract, spec)

        def value(day: str) -> float | None:
            return on(day).get((layer, obj), {}).get((spec.column, spec.metric))  # noqa: B023

        vals, lows, highs = [], [], []
        for day in dates:
            v = value(day)
            past = [(d, x) for d in reversed(training_dates(Date.fromisoformat(day), s, known))
                    if (x := value(d)) is not None]
            rows = on(day).get((layer, obj), {}).get((ROWS, "row_count"))
            verdict = judge(spec, v, past, s, n=rows) if v is not None else None
            band = (verdict.details.get("expected") if verdict else None) or [None, None]
            vals.append(v)
            lows.append(band[0])
            highs.append(band[1])
        out.append({"contract": contract.contract, "layer": layer, "column": spec.column,
                    "metric": spec.metric, "dates": dates, "values": vals,
                    "low": lows, "high": highs})
    return out


def anomalies_section(store, dates: list[str], run: dict[str, Any] | None,
                      contracts: list[Contract]) -> dict[str, Any]:
    """{"today": [anomalies of the day's run], "key_metrics": [series]} for the report."""
    try:
        keys = _key_metrics(store, dates, contracts)
    except Exception:  # an unreadable metrics table costs the charts, not the report
        keys = []
    return {"today": _today_anomalies(run), "key_metrics": keys}
