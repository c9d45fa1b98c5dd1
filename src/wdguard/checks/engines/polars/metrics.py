"""MetricSpecs -> Polars aggregations, joining the plan's one aggregation pass (`aggregate`).

Each metric is one scalar aggregation over the column as the checks see it (cast to the
contract's type), so the partition is still read once. A metric whose column is absent or
not of a kind the metric measures (a list that landed as text) yields no expression and
is recorded as missing, never as a failed read.

The learned top-k is the one exception: it counts the values of the partition's first
SAMPLE_ROWS rows, so it is an `OnHead` aggregate, which the engine's `aggregate` hook runs
in one query on the frame's head (the reader stops there) beside the one pass. Inside the
streaming select a `head` cost 0.2-0.4 s CPU a 10M-row partition (docs/benchmarks.md);
on its head, 0.03 s.
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from wdguard.checks.value_counts import Ratio, ValueCounts
from wdguard.metrics.catalog import PREFIX, ROWS, SAMPLE_ROWS, TOP, TOP_K, MetricSpec  # noqa: F401


class OnHead(NamedTuple):
    """An aggregate over the frame's first SAMPLE_ROWS rows only (not the one pass)."""

    expr: pl.Expr


def _numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() or isinstance(dtype, pl.Decimal)


def _small_decimal(dtype: pl.DataType) -> bool:
    """A decimal whose unscaled integers fit an Int64 (and their sum an Int128)."""
    return isinstance(dtype, pl.Decimal) and dtype.precision is not None and dtype.precision <= 18


def _floats(col: pl.Expr, dtype: pl.DataType) -> tuple[pl.Expr, int]:
    """(the values to average, the power of ten to divide the aggregate by). Integers stay
    integers: Polars' mean, std and quantile of an integer column accumulate in Float64
    themselves (the same figures, tested), while a Float64 copy first cost 0.015-0.025 s
    CPU per aggregate of a 10M-row column. A decimal of up to 18 digits goes through its
    unscaled integers: casting the decimal itself cost 4x as much (0.07 s per aggregate)."""
    if _small_decimal(dtype):
        return col.to_physical().cast(pl.Int64), 10 ** (dtype.scale or 0)
    if dtype.is_integer():
        return col, 1
    return col.cast(pl.Float64), 1


def aggregation(
    spec: MetricSpec, col: pl.Expr | None, dtype: pl.DataType | None,
    counts: ValueCounts | None = None,
) -> pl.Expr | Ratio | None:
    """One metric as a scalar expression (None: the column cannot carry it); a value's
    share as a `Ratio` of the pass's shared counts when `counts` is given."""
    m = spec.metric
    if spec.column == ROWS:
        return pl.len().cast(pl.Float64) if m == "row_count" else None
    if col is None or dtype is None:
        return None
    if m == "null_share":  # from the validity bitmaps: no boolean column materialised
        return col.null_count().cast(pl.Float64) / pl.len().cast(pl.Float64)
    if m == TOP:  # the values and their counts, TOP_K + 1 at most (more: not low-card)
        if dtype != pl.String:
            return None
        # one JSON line per value, joined: one string, whatever the frame it runs on
        counts = col.drop_nulls().value_counts().head(TOP_K + 1)
        return counts.struct.json_encode().str.join("\n")
    if m == "distinct":  # the sketch counts null as a value: take it out again
        nulls = (col.null_count() > 0).cast(pl.Float64)
        return col.approx_n_unique().cast(pl.Float64) - nulls
    if spec.value is not None:  # the in_values check on the column counts the same hits
        if counts is not None:
            return Ratio(counts.equal(spec.column, spec.value), counts.non_null(spec.column))
        return (col.cast(pl.String) == spec.value).sum() / col.count().cast(pl.Float64)
    if m in ("min", "max", "mean", "stddev") or spec.quantile is not None:
        if not _numeric(dtype):
            return None
        if m in ("min", "max"):  # in the column's own type: no cast of every value
            return (col.min() if m == "min" else col.max()).cast(pl.Float64)
        x, scale = _floats(col, dtype)
        if spec.quantile is not None:
            value = x.quantile(spec.quantile, "linear")
        elif m == "mean" and _small_decimal(dtype):  # its exact Int128 sum: no cast at all
            # no values: 0/0, NaN, which `catalog.values` reads as no value
            value = col.to_physical().sum().cast(pl.Float64) / col.count().cast(pl.Float64)
        else:
            value = x.mean() if m == "mean" else x.std()
        return value / scale if scale != 1 else value
    if m.startswith("len_"):
        if isinstance(dtype, pl.List):
            n = col.list.len()
        elif dtype == pl.String:
            n = col.str.len_bytes()  # from the offsets: no scan of the text
        else:
            return None
        return {"len_min": n.min, "len_max": n.max, "len_mean": n.mean}[m]().cast(pl.Float64)
    if m == "true_share":
        return col.mean() if dtype == pl.Boolean else None  # no Float64 copy of the column
    if m == "empty_share":
        if not isinstance(dtype, pl.List):
            return None
        return (col.list.len() == 0).sum() / col.count().cast(pl.Float64)
    return None


def aggregations(
    specs: list[MetricSpec],
    typed: dict[str, pl.Expr],
    dtypes: dict[str, pl.DataType],
    prefix: str = PREFIX,
    counts: ValueCounts | None = None,
) -> dict[str, pl.Expr | OnHead | Ratio]:
    """The metric expressions to add to the one select, named `{prefix}{i}` for spec i
    (top_k's on the head: `OnHead`; a share of the pass's value counts: `Ratio`)."""
    out: dict[str, pl.Expr | OnHead | Ratio] = {}
    for i, spec in enumerate(specs):
        expr = aggregation(spec, typed.get(spec.column), dtypes.get(spec.column), counts)
        if isinstance(expr, Ratio):
            out[f"{prefix}{i}"] = expr
        elif expr is not None:
            out[f"{prefix}{i}"] = OnHead(expr) if spec.metric == TOP else expr.cast(pl.Float64)
    return out
