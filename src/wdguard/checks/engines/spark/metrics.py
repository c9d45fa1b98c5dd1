"""MetricSpecs -> Spark aggregations, joining the plan's one aggregation job (`aggregate`).

The Spark twin of `engines/polars/metrics.py`, metric by metric: the same meaning, partial
aggregates per task and one final merge, so metrics add no Spark job. Distinct counts are
`approx_count_distinct` (HyperLogLog++), quantiles `percentile_approx`; both engines'
approximations differ slightly, which the anomaly bands (built from each lake's own
history) absorb. Learned values (`top_k`) are `approx_top_k`, a SQL aggregate of Spark
4.1+ that pyspark.sql.functions 4.3 does not wrap (`call_function`): a frequent-items
sketch of TRACKED items per task, merged in the same job, exact while a column has far
fewer distinct values than that - and `top_k` only records shares for at most TOP_K.
Spark counts every value (Polars the first SAMPLE_ROWS): a bounded sketch per task.
"""

from __future__ import annotations

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from wdguard.metrics.catalog import PREFIX, ROWS, TOP, TOP_K, MetricSpec

TRACKED = 1000  # approx_top_k's sketch size: exact counts far beyond TOP_K values
_HAS_TOP_K: dict[int, bool] = {}


def _has_top_k() -> bool:
    """Whether the session's Spark has `approx_top_k` (Spark 4.1+; a catalog lookup on the
    driver, no job). Without it Spark records the shares of declared values only."""
    # the gate checks partitions in threads, where no session is active: the default one
    spark = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
    key = id(spark)
    if key not in _HAS_TOP_K:
        _HAS_TOP_K[key] = bool(spark.catalog.functionExists("approx_top_k"))
    return _HAS_TOP_K[key]


def _share(hits: Column, col: Column) -> Column:
    return F.count_if(hits).cast("double") / F.count(col).cast("double")


def aggregation(spec: MetricSpec, col: Column | None, dtype: T.DataType | None) -> Column | None:
    """One metric as an aggregate Column (None: the column cannot carry it)."""
    m = spec.metric
    if spec.column == ROWS:
        return F.count(F.lit(1)).cast("double") if m == "row_count" else None
    if col is None or dtype is None:
        return None
    if m == "null_share":
        return F.count_if(col.isNull()).cast("double") / F.count(F.lit(1)).cast("double")
    if m == TOP:  # Spark 4.1's approx_top_k (SQL only): array<struct<item, count>>
        if not isinstance(dtype, T.StringType) or not _has_top_k():
            return None
        # null is one of approx_top_k's items: ask for one more, so that TOP_K + 1 values
        # beside the nulls still say "more than TOP_K" (catalog.learned drops the null)
        return F.call_function("approx_top_k", col, F.lit(TOP_K + 2), F.lit(TRACKED))
    if m == "distinct":
        return F.approx_count_distinct(col, rsd=0.01).cast("double")  # ~Polars precision
    if spec.value is not None:
        return _share(col.cast("string") == F.lit(spec.value), col)
    if m in ("min", "max", "mean", "stddev") or spec.quantile is not None:
        if not isinstance(dtype, T.NumericType):
            return None
        x = col.cast("double")
        if spec.quantile is not None:
            return F.percentile_approx(x, spec.quantile, 10000)
        return {"min": F.min, "max": F.max, "mean": F.mean, "stddev": F.stddev}[m](x)
    if m.startswith("len_"):
        if isinstance(dtype, T.ArrayType):
            n = F.when(col.isNotNull(), F.size(col))  # size(null) is -1 without ANSI
        elif isinstance(dtype, T.StringType):
            n = F.octet_length(col)  # bytes, as on Polars (`len_bytes`: no text scan)
        else:
            return None
        return {"len_min": F.min, "len_max": F.max, "len_mean": F.mean}[m](n).cast("double")
    if m == "true_share":
        return F.mean(col.cast("double")) if isinstance(dtype, T.BooleanType) else None
    if m == "empty_share":
        return _share(F.size(col) == 0, col) if isinstance(dtype, T.ArrayType) else None
    return None


def aggregations(
    specs: list[MetricSpec],
    typed: dict[str, Column],
    dtypes: dict[str, T.DataType],
    prefix: str = PREFIX,
    counts=None,
) -> dict[str, Column]:
    """The metric aggregates to add to the one job, named `{prefix}{i}` for spec i.
    `counts` (the pass's shared value counts) is not used: Spark's `in_values` is one
    `isin`, so a share compares its value itself, in the same one job."""
    out = {}
    for i, spec in enumerate(specs):
        agg = aggregation(spec, typed.get(spec.column), dtypes.get(spec.column))
        if agg is not None:
            out[f"{prefix}{i}"] = agg if spec.metric == TOP else agg.cast("double")
    return out
