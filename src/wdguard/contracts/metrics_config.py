"""The `metrics:` block of a contract: which column metrics to track and how to judge them.

Every key is optional: a contract without the block gets the defaults of
`wdguard.metrics.catalog` (which metrics per column type) and `wdguard.metrics.anomaly`
(how a metric's history is judged). Settings layer from the general to the particular:
defaults < contract `anomalies` < column `anomalies` < column `by_metric.<metric>`.

    metrics:
      key: [total_amount, status]        # drawn in the nightly report every night
      anomalies: {sensitivity: 5, min_change: 0.3}
      columns:
        total_amount: {metrics: [mean, max, p50], anomalies: {direction: up}}
        notes: {enabled: false}
        currency: {values: [KES, UGX, TZS]}
        user_id: {by_metric: {distinct: {severity: error}}}
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

TOP_K = 20  # low-cardinality text: at most this many distinct non-null values (top_k)
SAMPLE_ROWS = 100_000  # the rows whose values Polars counts for top_k (a `head`)

# every metric wdguard can compute, and what it measures (the reference lists this dict;
# `wdguard.metrics.catalog` says which ones a column type gets by default)
METRICS: dict[str, str] = {
    "row_count": "rows in the partition (column `*`)",
    "null_share": "share of rows where the column is null (0-1)",
    "distinct": "approximate count of distinct non-null values (HyperLogLog on both engines)",
    "min": "smallest value (numbers)",
    "max": "largest value (numbers)",
    "mean": "mean of the non-null values (numbers)",
    "stddev": "sample standard deviation of the non-null values (numbers)",
    "pNN": "quantile NN/100 of the non-null values, e.g. p50 the median (numbers; exact on "
    "Polars, percentile_approx on Spark)",
    "len_min": "shortest text, in UTF-8 bytes",
    "len_max": "longest text, in UTF-8 bytes",
    "len_mean": "mean text length in UTF-8 bytes (characters for ASCII; read from the "
    "offsets, no scan of the text); for a list, its mean number of elements",
    "share:VALUE": "share of the non-null values equal to VALUE (enum values, accepted_values "
    "or the column's `values`; or learned: each value `top_k` found in low-cardinality text)",
    "true_share": "share of the non-null booleans that are true",
    "empty_share": "share of the non-null lists that are empty",
    "top_k": f"text without declared values: how many distinct non-null values ({TOP_K + 1}: "
    f"more than {TOP_K}, high-cardinality); when at most {TOP_K}, the share of each one is "
    "recorded as a learned `share:VALUE` (a value absent that day has share 0). Polars "
    f"counts the values of the first {SAMPLE_ROWS:,} rows, Spark all (approx_top_k, 4.1+)",
}
_METRIC_NAME = re.compile(
    r"^(row_count|null_share|distinct|min|max|mean|stddev|p\d\d|len_min"
    r"|len_max|len_mean|true_share|empty_share|top_k|share:.+)$"
)


def check_metric_name(name: str) -> str:
    if not _METRIC_NAME.match(name):
        raise ValueError(f"unknown metric {name!r}; known: {', '.join(METRICS)}")
    return name


Seasonality = Literal["none", "day_of_week", "day_of_month"]
Direction = Literal["up", "down", "both"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnomalyConfig(_Strict):
    """How one metric's history is judged; unset keys inherit (see the module docstring)."""

    enabled: bool | None = None  # judge the metric at all (extremes and stddev: opt-in)
    # training values - none: the last `training` partitions; day_of_week: the same weekday,
    # `training` weeks back; day_of_month: the same day of the month, `training` months back
    seasonality: Seasonality | None = None  # none | day_of_week | day_of_month
    training: int | None = Field(default=None, ge=1)  # 14 partitions / 8 weeks / 6 months
    min_history: int | None = Field(default=None, ge=1)  # fewer: skipped (7 / 4 / 3)
    sensitivity: float | None = Field(default=None, gt=0)  # robust z (MADs) that is anomalous
    min_change: float | None = Field(default=None, ge=0)  # relative change always ignored
    direction: Direction | None = None  # up: only rises are anomalies; down: only falls
    severity: Literal["error", "warn"] | None = None  # warn unless the contract says error
    min_values: int | None = Field(default=None, ge=1)  # fewer values today: not judged (30)


class ColumnMetrics(_Strict):
    """One column's metrics: a replacement metric list, tracked values, judging overrides."""

    enabled: bool = True
    metrics: list[str] | None = None  # replaces the column type's default metrics
    values: list[str] | None = None  # text values whose share is tracked (low cardinality)
    anomalies: AnomalyConfig | None = None
    by_metric: dict[str, AnomalyConfig] = Field(default_factory=dict)

    @field_validator("metrics")
    @classmethod
    def _known(cls, v: list[str] | None) -> list[str] | None:
        return [check_metric_name(m) for m in v] if v is not None else None

    @field_validator("by_metric")
    @classmethod
    def _known_keys(cls, v: dict[str, AnomalyConfig]) -> dict[str, AnomalyConfig]:
        for name in v:
            check_metric_name(name)
        return v


class MetricsConfig(_Strict):
    """A contract's metrics: on by default; `key` columns are charted in the report."""

    enabled: bool = True
    key: list[str] = Field(default_factory=list)  # "column" or "column.metric"
    anomalies: AnomalyConfig | None = None
    columns: dict[str, ColumnMetrics] = Field(default_factory=dict)

    @field_validator("key")
    @classmethod
    def _key_shape(cls, v: list[str]) -> list[str]:
        for item in v:
            if not item or item.count(" ") or item.startswith("."):
                raise ValueError(f"bad key metric {item!r}: expected column or column.metric")
        return v

    def unknown_columns(self, columns: set[str]) -> list[str]:
        """Columns this block names that the contract does not have (typos)."""
        named = set(self.columns) | {k if k in columns else k.rsplit(".", 1)[0] for k in self.key}
        return sorted(n for n in named if n not in columns and n != "*")
