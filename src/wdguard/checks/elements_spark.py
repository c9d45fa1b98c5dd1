"""Array-element checks on Spark: higher-order functions that join the partition's one
aggregation job.

The same per-document count as on Polars (`elements_polars.py`), as `aggregate` over the
elements (nested for `a[].b[]`); the job sums it (elements) and counts the documents where
it is > 0. A field of a JSON-text element is read with `get_json_object`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from wdguard.checks import elements as E
from wdguard.checks import spark_expressions as S
from wdguard.checks.compile import ResolvedColumn
from wdguard.checks.elements_polars import json_path
from wdguard.checks.outcome import Outcome, jsonable
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Contract


def _zero() -> Column:
    return F.lit(0).cast("long")  # a function: a Column needs an active session


class SparkOps:
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


OPS = SparkOps()


def _never() -> tuple[Column, Column]:
    """(0 failing elements, document passes): a check no element can fail."""
    return _zero(), F.lit(False)


def leaf_fails(spec: CheckSpec, column, source: T.DataType, json_object: bool) -> Callable | None:
    """value -> true when this element fails the spec (null passes the value checks);
    None when no element can fail it."""
    expected = S.spark_type(column)
    as_is = isinstance(source, S.NESTED) or S.same_type(source, expected)

    def typed(v: Column) -> Column:
        return v if as_is else S.to_type(v, source, expected)

    check = spec.check
    if check == "castable":
        if as_is:
            return None  # a typed element always casts
        return lambda v: ~S.castable(v, typed(v))
    if check == "not_null":
        return lambda v: OPS.is_missing(v, json_object)
    if check == "in_values":
        return lambda v: ~S.in_values(typed(v), spec.params["values"])
    if check == "between":
        def num(v):
            t = typed(v)
            return t if isinstance(expected, T.NumericType) else t.try_cast("double")

        return lambda v: ~S.between(num(v), spec.params["min"], spec.params["max"])
    if check == "regex":
        return lambda v: ~S.matches(typed(v), spec.params["pattern"])
    raise ValueError(f"not an element check: {check}")


@dataclass
class ElementChecks:
    """The element checks of one partition: per-document fail flags and counts."""

    fail: dict[int, Column] = field(default_factory=dict)
    counts: dict[int, Column] = field(default_factory=dict)
    locate: dict[int, tuple[E.ElementPlan, Callable]] = field(default_factory=dict)

    def aggregates(self) -> list[Column]:
        return [F.sum(c).cast("long").alias(f"e{i}") for i, c in self.counts.items()]

    def outcome(self, i: int, spec: CheckSpec, row: Mapping[str, Any], rows: int) -> Outcome:
        return E.element_outcome(spec, int(row[f"f{i}"] or 0), int(row[f"e{i}"] or 0), rows)

    def samples(self, df: DataFrame, i: int, spec: CheckSpec, key_cols: list[str], n: int):
        """Up to n failing documents: their key and where the first failing element is."""
        from wdguard.checks.spark_engine import _first_rows

        if n <= 0:
            return []
        plan, fails = self.locate[i]
        indices, value = E.locate(plan, fails, OPS)
        picked = [S.col(c).alias(f"k{j}") for j, c in enumerate(key_cols)]
        picked += [ix.alias(f"__i{j}") for j, ix in enumerate(indices)]
        picked.append(value.alias("__v"))
        out = []
        for r in _first_rows(df.where(self.fail[i]).select(*picked), n):
            at = E.label(plan.path, [r[f"__i{j}"] for j in range(len(indices))])
            sample = {c: jsonable(r[f"k{j}"]) for j, c in enumerate(key_cols)}
            sample["element"] = E.describe(spec, at, jsonable(r["__v"]))
            out.append(sample)
        return out


def compile_elements(
    contract: Contract,
    specs: list[CheckSpec],
    outcomes: dict[int, Outcome],
    resolve: Callable[[str], ResolvedColumn | None | str],
    type_verdict: Callable[[str, Any, ResolvedColumn], tuple[bool, str]],
) -> ElementChecks:
    """Outcomes of the element paths' schema checks (into `outcomes`) and the expressions
    of their value checks and of the arrays' length limits."""
    out = ElementChecks()
    for i, spec in enumerate(specs):
        if spec.check == "array_length":
            col = resolve(spec.column)
            if col is None or isinstance(col, str) or OPS.list_inner(col.dtype) is None:
                outcomes[i] = Outcome(spec, "skipped", "array absent or not an array")
                continue
            size = F.when(col.expr.isNotNull(), F.size(col.expr))
            out.fail[i] = F.coalesce(~S.between(size, spec.params["min"], spec.params["max"]),
                                     F.lit(False))
    for i, outcome, plan, column in E.schema_outcomes(contract, specs, resolve, OPS, type_verdict):
        if outcome is not None:
            outcomes[i] = outcome
            continue
        json_object = column.type == "object" and OPS.is_text(plan.leaf_dtype)
        fails = leaf_fails(specs[i], column, plan.leaf_dtype, json_object)
        if fails is None:  # cannot fail: no expression to evaluate
            out.counts[i], out.fail[i] = _never()
            continue
        count = E.count_failing(plan, fails, OPS)
        out.counts[i] = count
        out.fail[i] = count > 0
        out.locate[i] = (plan, fails)
    return out


def explode_leaves(df: DataFrame, plan: E.ElementPlan, keep: list[str]) -> DataFrame:
    """One row per leaf value of the path (`__v`), with the document's columns `keep`, a
    document id `__doc` and the element's index at each array level (`__i0`, `__i1`...)."""
    cols = [S.col(c).alias(f"k{j}") for j, c in enumerate(keep)]
    frame = df.select(*cols, F.monotonically_increasing_id().alias("__doc"),
                      plan.container.alias("__v"))
    level = 0
    for step in plan.steps:
        others = [c for c in frame.columns if c != "__v"]
        if step.field is E.INTO:
            values = OPS.json_list(F.col("__v")) if step.json else F.col("__v")
            frame = frame.select(*others, F.posexplode(values).alias(f"__i{level}", "__v"))
            level += 1
        elif step.json:
            frame = frame.select(*others, OPS.json_field(F.col("__v"), step.field).alias("__v"))
        else:
            frame = frame.select(*others, F.col("__v").getField(step.field).alias("__v"))
    return frame.where(F.col("__v").isNotNull())


def check_element_fk(child, child_df, fk, parent, parent_df, *, sample_keys, spec) -> Outcome:
    """Elements whose id has no parent row: one anti-join over the exploded ids."""
    from wdguard.checks.spark_engine import _first_rows, _resolve

    (name,) = fk.columns
    path = E.parse(name)
    box = _resolve(path.container, child_df.schema)
    plan = box
    if isinstance(box, ResolvedColumn):
        plan = E.element_plan(path, box.expr, box.dtype, OPS)
    if plan is None or isinstance(plan, str):
        return Outcome(spec, "skipped", plan or f"key path absent: {name}")
    parent_fields = {f.name: f.dataType for f in parent_df.schema.fields}
    missing = [c for c in fk.ref_columns if c not in parent_fields]
    if missing:
        return Outcome(spec, "skipped", f"key column(s) absent: {fk.references}.{missing[0]}")
    keys = [c for c in child.primary_key if c in child_df.columns]
    want = S.spark_type(child.columns[name])
    leaves = explode_leaves(child_df, plan, keys).withColumn(
        "__key", S.to_type(F.col("__v"), plan.leaf_dtype, want)
    )
    (ref,) = fk.ref_columns
    parents = parent_df.select(
        S.to_type(S.col(ref), parent_fields[ref], S.spark_type(parent.columns[ref])).alias("__key")
    ).distinct()
    orphans = leaves.join(parents, on="__key", how="left_anti")
    found = orphans.agg(F.count(F.lit(1)).alias("e"), F.countDistinct("__doc").alias("d"))
    found = found.collect()[0]
    out = E.fk_outcome(spec, int(found["d"]), int(found["e"]), E.fk_target(spec))
    if found["d"] and sample_keys > 0:
        levels = sum(1 for s in plan.steps if s.field is E.INTO)
        seen: set = set()
        for r in _first_rows(orphans, sample_keys * 4):
            if r["__doc"] in seen or len(seen) >= sample_keys:
                continue
            seen.add(r["__doc"])
            at = E.label(path, [r[f"__i{j}"] for j in range(levels)])
            sample = {c: jsonable(r[f"k{j}"]) for j, c in enumerate(keys)}
            sample["element"] = f"{at} = {jsonable(r['__v'])!r}"
            out.sample_keys.append(sample)
    return out
