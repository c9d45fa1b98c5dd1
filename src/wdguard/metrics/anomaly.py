"""Is today's value of a metric an anomaly, given its history? Robust, explainable bands.

The expected band is the median of the training values plus or minus the widest of

* `sensitivity` x the robust spread (1.4826 x the median absolute deviation, MAD),
* `min_change` x |median| (a relative change always treated as noise), and
* the sampling noise of the metric on a partition this small: `sensitivity` x
  sqrt(p(1-p)/n) for a share of n values, `sensitivity` x sqrt(median) for a count,
  `sensitivity` x sd/sqrt(n) for a mean (sd: the median of the column's past stddev),

so a metric that never moved (MAD 0) does not alarm on its first wobble, and a table of
forty rows does not alarm on one row. The share of a learned value (one `top_k` found in
free text, not a declared one) moves by at least LEARNED_SHARE_FLOOR before it is an
anomaly: a rare value that comes and goes is the nature of free text, a value that
vanishes or arrives dominant is not. A metric computed over fewer than `min_values`
values (default 30) is not judged: a mean of five values is not a signal.

The training values are the last `training` partitions (seasonality `none`), the same
weekday `training` weeks back (`day_of_week`), or the same day of the month `training`
months back (`day_of_month`; the last day of a month stands for the last day of shorter
ones: billing cycles). Fewer than `min_history`
values: the metric is skipped, saying how many it has.

A level shift is accepted as the new normal after `SHIFT_POINTS` partitions in a row
outside the band on the same side: the band is then trained on those partitions only, so
a table that doubled once alarms for three days, not for half a training window.
"""

from __future__ import annotations

import calendar
import math
import statistics
from dataclasses import asdict, dataclass
from datetime import date as Date
from datetime import timedelta

from wdguard.contracts.metrics_config import AnomalyConfig
from wdguard.contracts.model import Contract
from wdguard.metrics.catalog import MetricSpec

MAD_SCALE = 1.4826  # MAD x this estimates the standard deviation of normal data
# per seasonality: (training points, minimum history)
SEASON_DEFAULTS = {"none": (14, 7), "day_of_week": (8, 4), "day_of_month": (6, 3)}
DEFAULT_SENSITIVITY = 4.0
DEFAULT_MIN_CHANGE = 0.2
DEFAULT_MIN_VALUES = 30
_COUNTS = frozenset({"row_count", "distinct"})
SHIFT_POINTS = 3
LEARNED_SHARE_FLOOR = 0.05  # a learned value's share: at least 5 points either way


@dataclass(frozen=True)
class Strategy:
    enabled: bool = True
    seasonality: str = "none"
    training: int = 14
    min_history: int = 7
    sensitivity: float = DEFAULT_SENSITIVITY
    min_change: float = DEFAULT_MIN_CHANGE
    direction: str = "both"
    severity: str = "warn"
    min_values: int = DEFAULT_MIN_VALUES

    def describe(self) -> str:
        what = {
            "none": f"last {self.training} partitions",
            "day_of_week": f"same weekday, last {self.training} weeks",
            "day_of_month": f"same day of month, last {self.training} months",
        }[self.seasonality]
        return f"{what}; median ± max({self.sensitivity:g} MAD, {self.min_change:.0%})"


def strategy(contract: Contract, spec: MetricSpec) -> Strategy:
    """The judging settings of one metric: defaults < contract < column < column metric."""
    merged: dict = {"enabled": spec.judged_by_default}
    m = contract.metrics
    if m is not None:
        col = m.columns.get(spec.column)
        layers: list[AnomalyConfig | None] = [m.anomalies, col and col.anomalies]
        for cfg in layers:
            merged.update(cfg.model_dump(exclude_none=True) if cfg else {})
        if col is not None and spec.metric in col.by_metric:
            # naming a metric's judging asks for it, even under an `enabled: false` above:
            # the particular layer wins, as every other setting does
            merged["enabled"] = True
            merged.update(col.by_metric[spec.metric].model_dump(exclude_none=True))
    season = merged.get("seasonality", "none")
    training, min_history = SEASON_DEFAULTS[season]
    training = merged.get("training", training)
    return Strategy(
        enabled=merged["enabled"],
        seasonality=season,
        training=training,
        min_history=min(merged.get("min_history", min_history), training),
        sensitivity=merged.get("sensitivity", DEFAULT_SENSITIVITY),
        min_change=merged.get("min_change", DEFAULT_MIN_CHANGE),
        direction=merged.get("direction", "both"),
        severity=merged.get("severity", "warn"),
        min_values=merged.get("min_values", DEFAULT_MIN_VALUES),
    )


def _months_back(day: Date, k: int) -> Date:
    """The same day of the month k months before `day`; a month-end stays a month-end."""
    month = day.month - 1 - k
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return Date(year, month, last)
    return Date(year, month, min(day.day, last))


def training_dates(day: Date, s: Strategy, known: list[str]) -> list[str]:
    """The dates whose values train today's band, newest first. `known`: the dates the
    metrics table has (sorted); `none` takes the last `training` of them before today."""
    if s.seasonality == "day_of_week":
        return [(day - timedelta(days=7 * k)).isoformat() for k in range(1, s.training + 1)]
    if s.seasonality == "day_of_month":
        return [_months_back(day, k).isoformat() for k in range(1, s.training + 1)]
    before = [d for d in known if d < day.isoformat()]
    return list(reversed(before[-s.training :]))


@dataclass
class Verdict:
    status: str  # pass | fail | skipped
    message: str
    details: dict


def _noise(
    spec: MetricSpec, center: float, n: float | None, sd: float | None, s: Strategy
) -> float:
    """The band's floor from sampling noise: a share of n values, a count, a mean."""
    if spec.is_share and n:
        p = min(max(center, 1 / n), 1 - 1 / n) if n > 1 else 0.5
        return s.sensitivity * math.sqrt(p * (1 - p) / n)
    if spec.metric in _COUNTS:
        return s.sensitivity * math.sqrt(max(center, 1.0))
    if spec.metric == "mean" and n and sd:
        return s.sensitivity * sd / math.sqrt(n)
    return 0.0


def judge(
    spec: MetricSpec,
    value: float | None,
    history: list[tuple[str, float]],
    s: Strategy,
    n: float | None = None,
    sd: float | None = None,
) -> Verdict:
    """Today's `value` against `history` [(date, value)], oldest first. `n`: how many
    values today's metric is computed over (rows, or non-null values); `sd`: the usual
    standard deviation of the column's values (for a mean's noise)."""
    points = [v for _, v in history]
    base = {
        "metric": spec.metric,
        "value": value,
        "strategy": asdict(s),
        "training": s.describe(),
        "history_points": len(points),
    }
    if value is None:
        return Verdict("skipped", "no value today (column absent, empty or not measurable)", base)
    if n is not None and n < s.min_values and spec.metric != "row_count":
        return Verdict("skipped", f"computed over {n:g} value(s), needs {s.min_values}", base)
    if len(points) < s.min_history:
        return Verdict(
            "skipped",
            f"{len(points)} partition(s) of history, needs {s.min_history} ({s.describe()})",
            base,
        )
    center, mad, spread, lo, hi = _band(spec, points, s, n, sd)
    shifted = _shift(points, lo, hi)
    if shifted:
        center, mad, spread, lo, hi = _band(spec, points[-shifted:], s, n, sd)
    if spec.is_share:
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    elif spec.metric in _COUNTS:
        lo = max(lo, 0.0)
    high, low = value > hi, value < lo
    bad = (high and s.direction in ("up", "both")) or (low and s.direction in ("down", "both"))
    details = base | {
        "level_shift_since": history[-shifted][0] if shifted else None,
        "expected": [_round(lo), _round(hi)],
        "median": _round(center),
        "mad": _round(mad),
        "score": _round((value - center) / spread) if spread else None,
        "history": [{"date": d, "value": _round(v)} for d, v in history],
    }
    if not bad:
        return Verdict("pass", "", details)
    change = f" ({(value - center) / abs(center):+.0%} vs the median)" if center else ""
    return Verdict(
        "fail",
        f"{spec.metric} is {_fmt(value)}, expected {_fmt(lo)} to {_fmt(hi)}{change}; "
        f"{s.describe().split(';')[0]}",
        details,
    )


def _band(spec: MetricSpec, points: list[float], s: Strategy, n, sd):
    center = statistics.median(points)
    mad = statistics.median(abs(v - center) for v in points)
    spread = MAD_SCALE * mad
    width = max(
        s.sensitivity * spread,
        s.min_change * abs(center),
        _noise(spec, center, n, sd, s),
        LEARNED_SHARE_FLOOR if spec.learned else 0.0,
        1e-9 * max(1.0, abs(center)),
    )
    return center, mad, spread, center - width, center + width


def _shift(points: list[float], lo: float, hi: float) -> int:
    """How many of the newest points sit outside the band on one side, when at least
    SHIFT_POINTS do and older points remain (a level shift); else 0."""
    side = [1 if v > hi else -1 if v < lo else 0 for v in points]
    run = 0
    for x in reversed(side):
        if x == 0 or x != side[-1]:
            break
        run += 1
    return run if SHIFT_POINTS <= run < len(points) else 0


def _round(v: float) -> float:
    return float(f"{v:.6g}")


def _fmt(v: float) -> str:
    return f"{v:.4g}"
