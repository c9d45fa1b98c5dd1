"""The Spark hooks of the gold plan (`checks/gold/plan.py`): the same checks as Spark
jobs, where gold lives.

Jobs of a gold run (AQE off, as the gate's session conf sets it):
* ONE aggregation job per gold table (every count, distinct, sum and bound it needs);
* ONE per silver scope a fact reconciles with (counts and sums of the filtered rows);
* one anti-join job per dimension reference, one per SCD2 check;
* one small job per *failing* check for its sample keys.
The batch is submitted concurrently through the engine's `map` (like partitions).
Aggregates keep Polars' meaning: a sum of nothing is 0, a distinct count counts null.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from wdguard.checks.engines.spark import expressions as S
from wdguard.checks.engines.spark.rule_sql import to_spark_sql
from wdguard.checks.gold.plan import Agg, Row, Scope
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Column as ContractColumn


def _zero_if_null(c: Column) -> Column:
    return F.coalesce(c, F.lit(0))


def _agg(a: Agg) -> Column:
    if a.kind == "rows":
        return F.count(F.lit(1))
    counted = S.col(a.own[0]) != F.lit(a.own[1]) if a.own else F.lit(True)
    if a.kind == "counted":
        return F.count_if(counted)
    c = S.col(a.column) if a.columns else None
    if a.kind == "distinct":
        if len(a.columns) > 1:  # a struct is never null: a tuple with nulls is a key
            return F.count_distinct(F.struct(*[S.col(x) for x in a.columns]))
        # Polars' n_unique counts null as one more value; count(DISTINCT) skips it
        return F.count_distinct(c) + _zero_if_null(F.max(c.isNull().cast("int")))
    return {
        "nulls": lambda: F.count_if(c.isNull()),
        "unknown": lambda: F.count_if((c == F.lit(a.value)) & counted),
        "sum": lambda: _zero_if_null(F.sum(c)),
        "nonnull": lambda: F.count(c),
        "distinct_nonnull": lambda: F.count_distinct(c),
        "min": lambda: F.min(c),
        "max": lambda: F.max(c),
    }[a.kind]()


class SparkGold:
    name = "spark"

    def __init__(self, spark, map_: Callable | None = None) -> None:
        self.spark = spark
        self.map = map_ or (lambda fn, items: [fn(x) for x in items])

    def schema(self, frame: DataFrame) -> dict[str, Any]:
        return {f.name: f.dataType for f in frame.schema.fields}

    def dtype(self, actual: T.DataType, params: dict[str, Any]) -> tuple[bool, str, str]:
        p = params
        want = S.spark_type(
            ContractColumn(type=p["type"], precision=p["precision"], scale=p["scale"])
        )
        return S.same_type(actual, want), actual.simpleString(), want.simpleString()

    def aggregate(self, frame: DataFrame, aggs: dict[str, Agg], scope: Scope | None = None):
        if scope is not None:
            keep = F.to_date(S.col(scope.date_column)) == F.lit(scope.day)
            if scope.filter:
                keep = keep & F.coalesce(F.expr(to_spark_sql(scope.filter)), F.lit(False))
            frame = frame.filter(keep)
        return frame.agg(*[_agg(a).alias(alias) for alias, a in aggs.items()])

    def _orphan_rows(self, frame, column, dim, key) -> DataFrame:
        values = frame.select(S.col(column).alias("__v")).where(F.col("__v").isNotNull())
        keys = dim.select(S.col(key).alias("__k"))
        return values.join(keys, F.col("__v") == F.col("__k"), "left_anti")

    def orphans(self, frame, column, dim, key):
        return self._orphan_rows(frame, column, dim, key).agg(F.count(F.lit(1)).alias("n"))

    def _scd2_failing(self, frame: DataFrame, spec: CheckSpec) -> DataFrame:
        """The same rows as the Polars hook: natural keys with other than one current row
        (`__c`), or versions that overlap, leave a gap or are empty (flags)."""
        p = spec.params
        nk = [S.col(c) for c in p["natural_key"]]
        versions = frame
        for c in nk:
            versions = versions.where(c.isNotNull())
        if spec.check == "scd2_current":
            current = F.sum(S.col(p["is_current"]).cast("long"))
            return (
                versions.groupBy(*nk)
                .agg(_zero_if_null(current).alias("__c"))
                .where(F.col("__c") != 1)
            )
        vf, vt = S.col(p["valid_from"]), S.col(p["valid_to"])
        ordered = Window.partitionBy(*nk).orderBy(vf.asc_nulls_first())
        pos = F.row_number().over(ordered) - 1
        later = pos > 0
        last = pos == F.count(F.lit(1)).over(Window.partitionBy(*nk)) - 1
        prev = F.lag(vt).over(ordered)
        flagged = versions.select(
            *nk,
            (later & (prev.isNull() | (prev > vf))).alias("__overlap"),
            (F.coalesce(later & (prev < vf), F.lit(False)) | (last & vt.isNotNull())).alias(
                "__gap"
            ),
            (vt.isNotNull() & (vt <= vf)).alias("__empty"),
        )
        return flagged.where(F.col("__overlap") | F.col("__gap") | F.col("__empty"))

    def scd2(self, frame, spec):
        if spec.check == "scd2_current":
            counts = [
                F.count_if(F.col("__c") > 1).alias("many"),
                F.count_if(F.col("__c") == 0).alias("none"),
            ]
        else:
            counts = [F.count_if(F.col(f"__{x}")).alias(x) for x in ("overlap", "gap", "empty")]
        return self._scd2_failing(frame, spec).agg(F.count(F.lit(1)).alias("n"), *counts)

    def run(self, queries: Sequence[DataFrame]) -> list[Row | Exception]:
        """Each query is one job; they are submitted together (the engine's threads)."""

        def one(q: DataFrame) -> Row | Exception:
            try:
                return q.collect()[0].asDict()
            except Exception as exc:
                return exc

        return self.map(one, list(queries))

    # -- samples of failing checks: one small job each
    def duplicate_keys(self, frame, columns, k):
        cols = [S.col(c) for c in columns]
        dup = frame.groupBy(*cols).count().where(F.col("count") > 1)
        return [r.asDict() for r in dup.select(*columns).orderBy(*columns).limit(k).collect()]

    def orphan_keys(self, frame, column, dim, key, k):
        rows = self._orphan_rows(frame, column, dim, key).select("__v").distinct()
        return [r["__v"] for r in rows.orderBy("__v").limit(k).collect()]

    def scd2_keys(self, frame, spec, k):
        nk = spec.params["natural_key"]
        got = self._scd2_failing(frame, spec).select(*[S.col(c) for c in nk]).distinct()
        rows = got.orderBy(*nk).limit(k).collect()
        return [r.asDict() if len(nk) > 1 else r[0] for r in rows]

    def distinct_values(self, frame, column):
        return [r[0] for r in frame.select(S.col(column)).distinct().dropna().collect()]
