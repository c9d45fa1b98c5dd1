"""Contract -> the metrics of a partition, as engine-neutral specs.

Defaults per logical type are chosen to cost little in the gate's single pass (measured on
the 10M-row benchmark partition, see docs/benchmarks.md): null share everywhere; the
mean and stddev (the mean's judge reads its noise from it) for numbers that are
quantities (not keys); value shares for enums and text with declared values; mean length
for other text (declared values: their shares say more); approximate distinct counts
(HyperLogLog) only where a collapse means something - foreign keys and uuid columns
outside the primary key. Exact quantiles (a sort per column on Polars) and length
extremes are opt-in per column (`metrics.columns.<col>.metrics`).

Text without declared values gets `top_k`: its values counted in the same pass, and the
share of each one recorded (`share:VALUE`, learned) when the column is low-cardinality -
at most TOP_K distinct non-null values among those counted, so a value that is not there
has share 0. Polars counts the values of the first SAMPLE_ROWS rows (a `head` in the one
select: hashing every value of a 10M-row column cost ~0.35 s CPU, a third of the whole
metrics budget; measured in docs/benchmarks.md), Spark all of them (`approx_top_k`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from wdguard.contracts.metrics_config import SAMPLE_ROWS, TOP_K  # noqa: F401 - the engines read them here
from wdguard.contracts.model import Column, Contract

ROWS = "*"  # the column of table-level metrics (row_count)
TOP = "top_k"  # the metric: how many distinct values (TOP_K + 1: more than TOP_K)
NUMBERS = frozenset({"integer", "bigint", "float", "decimal"})
TEXT = frozenset({"string"})

# min and max are not judged by default (one row moves them), so they are not computed by
# default either: `metrics: [mean, stddev, min, max]` on a column adds them
_DEFAULTS: dict[str, tuple[str, ...]] = {
    "integer": ("mean", "stddev"),
    "bigint": ("mean", "stddev"),
    "float": ("mean", "stddev"),
    "decimal": ("mean", "stddev"),
    "string": ("len_mean",),
    "boolean": ("true_share",),
    "list": ("empty_share", "len_mean"),
}
# what a metric means for each kind of column it applies to
_APPLIES: dict[str, frozenset[str]] = {
    "min": NUMBERS,
    "max": NUMBERS,
    "mean": NUMBERS,
    "stddev": NUMBERS,
    "len_min": TEXT | {"uuid"},
    "len_max": TEXT | {"uuid"},
    "len_mean": TEXT | {"uuid", "list"},
    "true_share": frozenset({"boolean"}),
    "empty_share": frozenset({"list"}),
    TOP: TEXT,
}
# judged by default: the robust location-like metrics. Extremes (min, max, len_min, len_max)
# and stddev follow single rows, so they are recorded and charted but judged only on request
JUDGED = frozenset(
    {"row_count", "null_share", "distinct", "mean", "len_mean", "true_share", "empty_share"}
)


@dataclass(frozen=True)
class MetricSpec:
    column: str  # contract column, or ROWS
    metric: str  # a name of contracts.metrics_config.METRICS (share:VALUE, pNN spelt out)
    logical: str  # the column's logical type ("" for ROWS)
    learned: bool = False  # a share:VALUE of a value top_k found (not a declared one)

    @property
    def quantile(self) -> float | None:
        return int(self.metric[1:]) / 100 if _is_quantile(self.metric) else None

    @property
    def value(self) -> str | None:
        """The value of a `share:VALUE` metric."""
        return self.metric.split(":", 1)[1] if self.metric.startswith("share:") else None

    @property
    def is_share(self) -> bool:
        return self.metric in ("null_share", "true_share", "empty_share") or (
            self.value is not None
        )

    @property
    def judged_by_default(self) -> bool:
        return self.metric in JUDGED or self.value is not None or _is_quantile(self.metric)


def _is_quantile(name: str) -> bool:
    return len(name) == 3 and name[0] == "p" and name[1:].isdigit()


def _values(column: Column, overrides) -> list[str]:
    if overrides is not None and overrides.values:
        return list(overrides.values)
    if column.accepted_values:
        return list(column.accepted_values)
    return list(column.values or []) if column.type == "enum" else []


def _distinct_by_default(contract: Contract, name: str, column: Column) -> bool:
    if name in contract.primary_key:  # equal to the row count, or duplicate_pk fails
        return False
    return _is_identifier(contract, name) or column.type == "uuid"


def _is_identifier(contract: Contract, name: str) -> bool:
    fk_cols = {c for fk in contract.references() for c in fk.columns}
    return name in contract.primary_key or name in fk_cols


def _applies(metric: str, logical: str) -> bool:
    if metric == "null_share":
        return True
    if metric == "distinct" or metric.startswith("share:"):
        return logical != "list"  # a list is no value: neither counted nor compared
    if _is_quantile(metric):
        return logical in NUMBERS
    return logical in _APPLIES.get(metric, frozenset())


def column_metrics(contract: Contract, name: str, column: Column) -> list[str]:
    """The metric names of one column: its configured list, else its type's defaults
    (`top_k` for text without declared values that is no key)."""
    cfg = contract.metrics.columns.get(name) if contract.metrics else None
    if cfg is not None and not cfg.enabled:
        return []
    values = _values(column, cfg)
    if cfg is not None and cfg.metrics is not None:
        names = list(cfg.metrics)
        if values and not any(m.startswith("share:") for m in names):
            names += [f"share:{v}" for v in values]
        return [m for m in names if _applies(m, column.type)]
    names = ["null_share"]
    if _distinct_by_default(contract, name, column):
        names.append("distinct")
    if not (column.type in NUMBERS and _is_identifier(contract, name)):  # an id is no amount
        # declared values: their shares say more than a mean length
        names += [m for m in _DEFAULTS.get(column.type, ()) if not (values and m == "len_mean")]
    names += [f"share:{v}" for v in values]
    if column.type in TEXT and not values and not _is_identifier(contract, name):
        names.append(TOP)
    return names


def metric_specs(contract: Contract) -> list[MetricSpec]:
    """Every metric of one contract's partition: `row_count`, then column by column.

    Columns inside arrays (`items[].sku`) are left out: a value there is one of many per
    row, so a share or a mean of them is another question (see docs/limitations.md)."""
    if contract.metrics is not None and not contract.metrics.enabled:
        return []
    specs = [MetricSpec(ROWS, "row_count", "")]
    for name, column in contract.columns.items():
        if "[]" in name or column.type == "unsupported":
            continue
        specs += [MetricSpec(name, m, column.type) for m in column_metrics(contract, name, column)]
    return specs


PREFIX = "__metric"  # metric i's column in the engine's one aggregation row


def values(specs: list[MetricSpec], row: dict, prefix: str = PREFIX) -> list[float | None]:
    """Spec i's value from the collected row (None: not computed, or no value to take)."""
    return [_number(row.get(f"{prefix}{i}")) for i in range(len(specs))]


def _number(v) -> float | None:
    return None if v is None or v != v else float(v)  # NaN (0/0) is no value


def measured(
    specs: list[MetricSpec], row: dict, prefix: str = PREFIX
) -> list[tuple[MetricSpec, float | None]]:
    """(spec, value) of every metric in the collected row, each `top_k` followed by the
    shares of the values it counted (`share:VALUE`, learned)."""
    out: list[tuple[MetricSpec, float | None]] = []
    for i, spec in enumerate(specs):
        if spec.metric == TOP:
            out += learned(spec, row.get(f"{prefix}{i}"))
        else:
            out.append((spec, _number(row.get(f"{prefix}{i}"))))
    return out


def _entries(counted) -> list:
    """The counted values: Spark's list of Rows, or Polars' JSON lines (one per value)."""
    if isinstance(counted, str):
        return [json.loads(line) for line in counted.split("\n") if line]
    return list(counted)


def _pair(entry) -> tuple:
    """(value, count) of one counted value: a Polars struct dict or a Spark Row."""
    item, count = entry.values() if isinstance(entry, dict) else entry
    return item, count


def learned(spec: MetricSpec, counted) -> list[tuple[MetricSpec, float | None]]:
    """A `top_k` result -> its row and the shares: the number of distinct values, TOP_K + 1
    for more than TOP_K (no shares: not low-cardinality), None when the column could not
    be counted (absent, or not text)."""
    if counted is None:
        return [(spec, None)]
    pairs = [(str(item), int(n)) for item, n in map(_pair, _entries(counted))
             if item is not None and n]
    if len(pairs) > TOP_K:
        return [(spec, float(TOP_K + 1))]
    total = sum(n for _, n in pairs)
    out: list[tuple[MetricSpec, float | None]] = [(spec, float(len(pairs)))]
    for item, n in sorted(pairs):
        share = MetricSpec(spec.column, f"share:{item}", spec.logical, learned=True)
        out.append((share, n / total))
    return out


def counted_whole(top: float | None) -> bool:
    """A `top_k` value that counted every value of the column (low-cardinality)."""
    return top is not None and top <= TOP_K


def on_date(values: dict, spec: MetricSpec) -> float | None:
    """A metric's value among one date's recorded values ({(column, metric): value}): a
    learned share not recorded where its column's `top_k` counted every value was 0."""
    v = values.get((spec.column, spec.metric))
    if v is None and spec.learned and counted_whole(values.get((spec.column, TOP))):
        return 0.0
    return v
