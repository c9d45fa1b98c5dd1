"""The Spark hooks of array-element checks (`checks/elements.py`): higher-order functions.

The same per-document count as on Polars, as `aggregate` over the elements (nested for
`a[].b[]`), so it joins the partition's one aggregation job. A field of a JSON-text
element is read with `get_json_object`; an element reference explodes the path once
(`posexplode`) for one left-anti join.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from wdguard.checks.elements import INTO, ElementPlan
from wdguard.checks.engines.polars.elements import json_path
from wdguard.checks.engines.spark import expressions as S


def _zero() -> Column:
    return F.lit(0).cast("long")  # a function: a Column needs an active session


class SparkElements:
    """`elements.ElementOps` in Spark's higher-order functions."""

    text_type = T.StringType()

    def list_inner(self, dtype):
        return dtype.elementType if isinstance(dtype, T.ArrayType) else None

    def struct_fields(self, dtype):
        if not isinstance(dtype, T.StructType):
            return None
        return {f.name: f.dataType for f in dtype.fields}

    def is_text(self, dtype) -> bool:
        return isinstance(dtype, T.StringType)

    def struct_field(self, value, name):
        return value.getField(name)

    def json_field(self, value, name):
        return F.get_json_object(value, json_path(name))

    def json_list(self, value):
        return F.from_json(value, T.ArrayType(T.StringType()))

    def is_missing(self, value, json):
        return (value.isNull() | (value == F.lit("null"))) if json else value.isNull()

    def sum_over(self, values, per_element):
        total = F.aggregate(values, _zero(), lambda acc, x: acc + per_element(x))
        return F.coalesce(total, _zero())

    def first_index(self, values, per_element):
        return F.array_position(F.transform(values, lambda x: per_element(x) > 0), True) - 1

    def get(self, values, index):
        return F.get(values, index.cast("int"))

    def when_missing_zero(self, missing, count):
        return F.when(missing, _zero()).otherwise(count)

    def as_count(self, fails):
        return F.when(fails, F.lit(1)).otherwise(F.lit(0)).cast("long")

    def list_len(self, value):
        return F.when(value.isNotNull(), F.size(value))  # size(null) is -1, not null

    def total(self, count):
        return F.sum(count).cast("long")

    def sample_rows(self, frame: DataFrame, fails, picked, n: int, failing: int):
        from wdguard.checks.engines.spark.hooks import _first_rows

        cols = [e.alias(k) for k, e in picked.items()]
        return [r.asDict() for r in _first_rows(frame.where(fails).select(*cols), n)]

    def explode_leaves(self, frame: DataFrame, plan: ElementPlan, keep: list[str]):
        """One row per leaf value of the path (`__v`), with the document's columns `keep`
        as k0, k1..., a document id `__doc` and the element's index at each array level
        (`__i0`, `__i1`...)."""
        out = frame.select(*[S.col(c).alias(f"k{j}") for j, c in enumerate(keep)],
                           F.monotonically_increasing_id().alias("__doc"),
                           plan.container.alias("__v"))
        level = 0
        for step in plan.steps:
            others = [c for c in out.columns if c != "__v"]
            if step.field is INTO:
                values = self.json_list(F.col("__v")) if step.json else F.col("__v")
                out = out.select(*others, F.posexplode(values).alias(f"__i{level}", "__v"))
                level += 1
            elif step.json:
                out = out.select(*others, self.json_field(F.col("__v"), step.field).alias("__v"))
            else:
                out = out.select(*others, F.col("__v").getField(step.field).alias("__v"))
        return out.where(F.col("__v").isNotNull())

    def leaf_orphans(self, leaves: DataFrame, key, parent: DataFrame, parent_key, n: int):
        """(documents, elements, sample rows) of leaves with no parent: one left-anti join
        (plus one small job for samples, one row per document)."""
        from wdguard.checks.engines.spark.hooks import _first_rows

        kids = leaves.withColumn("__key", key)
        parents = parent.select(parent_key.alias("__key")).distinct()
        orphans = kids.join(parents, on="__key", how="left_anti")
        found = orphans.agg(F.count(F.lit(1)).alias("e"), F.countDistinct("__doc").alias("d"))
        found = found.collect()[0]
        rows: list[dict[str, Any]] = []
        if found["d"] and n > 0:
            seen: set = set()
            for r in _first_rows(orphans, n * 4):
                if r["__doc"] not in seen and len(seen) < n:
                    seen.add(r["__doc"])
                    rows.append(r.asDict())
        return int(found["d"]), int(found["e"]), rows


OPS = SparkElements()
