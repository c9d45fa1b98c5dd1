"""The report's anomalies section, as data: today's anomalies and the contracts' key metrics.

Each anomaly carries the history it was judged on (from its check's details) and its
expected band; each key metric (`metrics.key` in a contract) carries its values over the
report window from the metrics table, with the band each day's value was expected in; a
key column of free text charts the shares of the values top-k learned there.
The renderers draw every series as a sparkline with its band (`charts.line`).
"""

from __future__ import annotations

from datetime import date as Date
from typing import Any

from wdguard.contracts.model import Contract
from wdguard.metrics import table
from wdguard.metrics.anomaly import judge, strategy, training_dates
from wdguard.metrics.catalog import ROWS, TOP, MetricSpec, metric_specs, on_date

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


def _key_specs(contract: Contract) -> tuple[list[MetricSpec], list[MetricSpec]]:
    """(the key metrics the contract's specs name, the `top_k` specs of key columns: their
    learned shares are charted too, found in the metrics table)."""
    keys = contract.metrics.key if contract.metrics else []
    if not keys:
        return [], []
    charted, learning = [], []
    for key in keys:
        for spec in metric_specs(contract):
            named = key == f"{spec.column}.{spec.metric}"
            if spec.column == key and spec.metric == TOP:
                learning.append(spec)
            elif named or (spec.column == key and strategy(contract, spec).enabled):
                charted.append(spec)  # a whole column: its judged metrics
    return charted, learning


def _learned(learning: list[MetricSpec], seen: set[tuple[str, str]]) -> list[MetricSpec]:
    """The learned `share:VALUE` specs of `learning`'s columns among the metrics `seen` in
    the report window (a value absent some days is charted at share 0 on the days its
    column was counted: `catalog.learned`)."""
    out = []
    for top in learning:
        values = sorted(m for c, m in seen if c == top.column and m.startswith("share:"))
        out += [MetricSpec(top.column, m, top.logical, learned=True) for m in values]
    return out


def _key_metrics(store, dates: list[str], contracts: list[Contract]) -> list[dict[str, Any]]:
    wanted = [(c, _key_specs(c)) for c in contracts]
    wanted = [(c, charted, learning) for c, (charted, learning) in wanted if charted or learning]
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
    for contract, charted, learning in wanted:
        obj = contract.object_name
        layer = next((x for x in LAYER_ORDER if any((x, obj) in on(d) for d in dates)), None)
        if layer is None:
            continue
        seen = {k for d in dates for k in on(d).get((layer, obj), {})}
        declared = {(s.column, s.metric) for s in charted}
        learned = [s for s in _learned(learning, seen) if (s.column, s.metric) not in declared]
        for spec in charted + learned:
            out.append(_series(contract, spec, layer, dates, known, on))
    return out


def _series(contract: Contract, spec: MetricSpec, layer: str, dates: list[str],
            known: list[str], on) -> dict[str, Any]:
    """One key metric's values over the report window, with each day's expected band."""
    obj = contract.object_name
    s = strategy(contract, spec)

    def value(day: str) -> float | None:
        return on_date(on(day).get((layer, obj), {}), spec)

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
    return {"contract": contract.contract, "layer": layer, "column": spec.column,
            "metric": spec.metric, "dates": dates, "values": vals, "low": lows, "high": highs}


def anomalies_section(store, dates: list[str], run: dict[str, Any] | None,
                      contracts: list[Contract]) -> dict[str, Any]:
    """{"today": [anomalies of the day's run], "key_metrics": [series]} for the report."""
    try:
        keys = _key_metrics(store, dates, contracts)
    except Exception:  # an unreadable metrics table costs the charts, not the report
        keys = []
    return {"today": _today_anomalies(run), "key_metrics": keys}
