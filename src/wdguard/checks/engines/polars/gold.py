"""The Polars hooks of the gold plan (`checks/gold/plan.py`): lazy queries, all collected
in one `collect_all`.

Polars plans the batch together (shared scans are cached), so a gold table's aggregates,
its anti-joins and SCD2 passes read its files once. Sample keys are a second query, run
for failing checks only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from wdguard.checks.engines.polars.expressions import sql_expr
from wdguard.checks.gold.plan import Agg, Row, Scope
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Column
from wdguard.contracts.types import polars_dtype


def _key(cols: Sequence[str]) -> pl.Expr:
    return pl.struct(cols) if len(cols) > 1 else pl.col(cols[0])


def _agg(a: Agg) -> pl.Expr:
    if a.kind == "rows":
        return pl.len()
    counted = pl.col(a.own[0]) != a.own[1] if a.own else pl.lit(True)
    if a.kind == "counted":
        return counted.sum() if a.own else pl.len()
    c = pl.col(a.column)
    return {
        "nulls": lambda: c.null_count(),
        "distinct": lambda: _key(a.columns).n_unique(),
        "unknown": lambda: ((c == a.value) & counted).sum(),
        "sum": lambda: c.sum(),
        "nonnull": lambda: c.drop_nulls().len(),
        "distinct_nonnull": lambda: c.drop_nulls().n_unique(),
        "min": lambda: c.min(),
        "max": lambda: c.max(),
    }[a.kind]()


class PolarsGold:
    name = "polars"

    def schema(self, frame: pl.LazyFrame) -> dict[str, Any]:
        return dict(frame.collect_schema())

    def dtype(self, actual: pl.DataType, params: dict[str, Any]) -> tuple[bool, str, str]:
        p = params
        want = polars_dtype(Column(type=p["type"], precision=p["precision"], scale=p["scale"]))
        return actual == want, str(actual), str(want)

    def aggregate(self, frame: pl.LazyFrame, aggs: dict[str, Agg], scope: Scope | None = None):
        if scope is not None:
            keep = pl.col(scope.date_column).dt.date() == pl.lit(scope.day)
            if scope.filter:
                keep = keep & sql_expr(scope.filter).fill_null(False)
            frame = frame.filter(keep)
        return frame.select(**{alias: _agg(a) for alias, a in aggs.items()})

    def _orphan_rows(self, frame, column, dim, key) -> pl.LazyFrame:
        return (
            frame.select(pl.col(column))
            .drop_nulls()
            .join(dim.select(pl.col(key).alias("__k")), left_on=column, right_on="__k", how="anti")
        )

    def orphans(self, frame, column, dim, key):
        return self._orphan_rows(frame, column, dim, key).select(pl.len().alias("n"))

    def _scd2_failing(self, frame: pl.LazyFrame, spec: CheckSpec) -> pl.LazyFrame:
        """scd2_current: natural keys with other than one current row (`__c`);
        scd2_interval: versions that overlap, leave a gap or are empty (flags)."""
        p = spec.params
        nk = p["natural_key"]
        versions = frame.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in nk))
        if spec.check == "scd2_current":
            return (
                versions.group_by(nk)
                .agg(pl.col(p["is_current"]).cast(pl.Int64).sum().alias("__c"))
                .filter(pl.col("__c") != 1)
                .sort(nk)
            )
        vf, vt = pl.col(p["valid_from"]), pl.col(p["valid_to"])
        pos = pl.int_range(pl.len()).over(nk)
        return (
            versions.select(*nk, p["valid_from"], p["valid_to"])
            .sort([*nk, p["valid_from"]])
            .with_columns(
                (pos > 0).alias("__later"),
                (pos == pl.len().over(nk) - 1).alias("__last"),
                vt.shift(1).over(nk).alias("__prev"),
            )
            .with_columns(
                (pl.col("__later") & (pl.col("__prev").is_null() | (pl.col("__prev") > vf))).alias(
                    "__overlap"
                ),
                (
                    (pl.col("__later") & (pl.col("__prev") < vf)).fill_null(False)
                    | (pl.col("__last") & vt.is_not_null())
                ).alias("__gap"),
                (vt.is_not_null() & (vt <= vf)).alias("__empty"),
            )
            .filter(pl.col("__overlap") | pl.col("__gap") | pl.col("__empty"))
        )

    def scd2(self, frame, spec):
        if spec.check == "scd2_current":
            counts = [
                (pl.col("__c") > 1).sum().alias("many"),
                (pl.col("__c") == 0).sum().alias("none"),
            ]
        else:
            counts = [pl.col(f"__{x}").sum().alias(x) for x in ("overlap", "gap", "empty")]
        return self._scd2_failing(frame, spec).select(pl.len().alias("n"), *counts)

    def run(self, queries: Sequence[pl.LazyFrame]) -> list[Row | Exception]:
        try:
            frames: list[pl.DataFrame | Exception] = list(pl.collect_all(queries))
        except Exception:  # find which query cannot run; the others still answer
            frames = []
            for q in queries:
                try:
                    frames.append(q.collect())
                except Exception as exc:
                    frames.append(exc)
        return [f if isinstance(f, Exception) else f.row(0, named=True) for f in frames]

    # -- samples of failing checks
    def duplicate_keys(self, frame, columns, k):
        return (
            frame.group_by(columns)
            .len()
            .filter(pl.col("len") > 1)
            .sort(columns)
            .head(k)
            .drop("len")
            .collect()
            .to_dicts()
        )

    def orphan_keys(self, frame, column, dim, key, k):
        rows = self._orphan_rows(frame, column, dim, key)
        return rows.select(pl.col(column).unique().sort().head(k)).collect()[column].to_list()

    def scd2_keys(self, frame, spec, k):
        nk = spec.params["natural_key"]
        got = self._scd2_failing(frame, spec).select(_key(nk).unique(maintain_order=True).head(k))
        return got.collect().to_series().to_list()

    def distinct_values(self, frame, column):
        return frame.select(pl.col(column).drop_nulls().unique()).collect()[column].to_list()
