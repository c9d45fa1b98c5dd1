"""Array-element checks on Polars: list expressions that join the partition's one select.

Each element check is one per-document expression, the number of the document's failing
elements (`list.eval(...).list.sum()`, nested for `a[].b[]`); the select sums it (elements)
and counts the documents where it is > 0. Elements land as structs (bronze) or as JSON
text (silver's arrays of sub-documents): a field of a JSON element is read with
`str.json_path_match` and cast like any bronze text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from wdguard.checks import elements as E
from wdguard.checks import expressions as X
from wdguard.checks.compile import ResolvedColumn
from wdguard.checks.outcome import Outcome, jsonable
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Contract
from wdguard.contracts.types import polars_dtype

_NESTED = (pl.List, pl.Struct, pl.Array)
SAMPLE_PREFIX = 16_384  # documents searched for samples before the whole partition
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_path(name: str) -> str:
    return f"$.{name}" if _IDENT.match(name) else "$['" + name.replace("'", "\\'") + "']"


class PolarsOps:
    """`elements.ElementOps` in Polars list expressions."""

    text_type = pl.String()

    def list_inner(self, dtype):
        return dtype.inner if isinstance(dtype, pl.List | pl.Array) else None

    def struct_fields(self, dtype):
        return {f.name: f.dtype for f in dtype.fields} if isinstance(dtype, pl.Struct) else None

    def is_text(self, dtype) -> bool:
        return dtype == pl.String

    def struct_field(self, value, name):
        return value.struct.field(name)

    def json_field(self, value, name):
        return value.str.json_path_match(json_path(name))

    def json_list(self, value):
        return value.str.json_decode(pl.List(pl.String))

    def is_missing(self, value, json):
        return (value.is_null() | (value == "null")) if json else value.is_null()

    def sum_over(self, values, per_element):
        return values.list.eval(per_element(pl.element())).list.sum().fill_null(0)

    def first_index(self, values, per_element):
        return values.list.eval(per_element(pl.element()) > 0).list.arg_max()

    def get(self, values, index):
        return values.list.get(index, null_on_oob=True)

    def when_missing_zero(self, missing, count):
        return pl.when(missing).then(pl.lit(0, pl.Int64)).otherwise(count)

    def as_count(self, fails):
        return fails.fill_null(False).cast(pl.Int64)


OPS = PolarsOps()


def _never() -> tuple[pl.Expr, pl.Expr]:
    """(0 failing elements, document passes): a check no element can fail."""
    return pl.lit(0, pl.Int64), pl.lit(False)


def leaf_fails(spec: CheckSpec, column, source: pl.DataType, json_object: bool) -> Callable | None:
    """value -> true when this element fails the spec (null passes the value checks);
    None when no element can fail it."""
    expected = polars_dtype(column)
    as_is = isinstance(source, _NESTED) or source == expected

    def typed(v: pl.Expr) -> pl.Expr:
        return v if as_is else X.to_dtype(v, source, expected)

    check = spec.check
    if check == "castable":
        if as_is:
            return None  # a typed element always casts
        return lambda v: ~X.castable(v, typed(v))
    if check == "not_null":
        return lambda v: OPS.is_missing(v, json_object)
    if check == "in_values":
        return lambda v: ~X.in_values(typed(v), spec.params["values"])
    if check == "between":
        def num(v):
            t = typed(v)
            return t if expected.is_numeric() else t.cast(pl.Float64, strict=False)

        return lambda v: ~X.between(num(v), spec.params["min"], spec.params["max"])
    if check == "regex":
        return lambda v: ~X.matches(typed(v), spec.params["pattern"])
    raise ValueError(f"not an element check: {check}")


@dataclass
class ElementChecks:
    """The element checks of one partition: per-document fail flags and counts."""

    fail: dict[int, pl.Expr] = field(default_factory=dict)  # spec index -> document fails
    counts: dict[int, pl.Expr] = field(default_factory=dict)  # -> failing elements
    locate: dict[int, tuple[E.ElementPlan, Callable]] = field(default_factory=dict)

    def aggregates(self) -> list[pl.Expr]:
        return [c.sum().cast(pl.Int64).alias(f"e{i}") for i, c in self.counts.items()]

    def outcome(self, i: int, spec: CheckSpec, row: Mapping[str, Any], rows: int) -> Outcome:
        return E.element_outcome(spec, int(row[f"f{i}"] or 0), int(row[f"e{i}"] or 0), rows)

    def samples(
        self, lf: pl.LazyFrame, i: int, spec: CheckSpec, key_cols: list[str], n: int, failing: int
    ):
        """Up to n failing documents: their key and where the first failing element is.

        Looked for in the partition's first documents first: a filter does not stop the
        scan early, and re-reading a large array column costs as much as the check."""
        if n <= 0:
            return []
        plan, fails = self.locate[i]
        indices, value = E.locate(plan, fails, OPS)
        picked = [pl.col(c) for c in key_cols]
        picked += [ix.alias(f"__i{j}") for j, ix in enumerate(indices)]
        picked.append(value.alias("__v"))
        for frame in (lf.head(SAMPLE_PREFIX), lf):
            df = frame.filter(self.fail[i]).select(picked).head(n).collect(engine="streaming")
            if df.height >= min(n, failing):
                break
        out = []
        for r in df.iter_rows(named=True):
            at = E.label(plan.path, [r[f"__i{j}"] for j in range(len(indices))])
            sample = {c: jsonable(r[c]) for c in key_cols}
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
            lo, hi = spec.params["min"], spec.params["max"]
            out.fail[i] = ~X.between(col.expr.list.len(), lo, hi)
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


def explode_leaves(lf: pl.LazyFrame, plan: E.ElementPlan, keep: list[str]) -> pl.LazyFrame:
    """One row per leaf value of the path (`__v`), with the document's columns `keep`, its
    row number `__doc` and the element's index at each array level (`__i0`, `__i1`...)."""
    frame = lf.select(*[pl.col(c) for c in keep], pl.int_range(pl.len()).alias("__doc"),
                      plan.container.alias("__v"))
    level = 0
    for step in plan.steps:
        if step.field is E.INTO:
            values = OPS.json_list(pl.col("__v")) if step.json else pl.col("__v")
            frame = frame.with_columns(
                values.alias("__v"), pl.int_ranges(0, values.list.len()).alias(f"__i{level}")
            ).explode(["__v", f"__i{level}"])
            level += 1
        elif step.json:
            frame = frame.with_columns(OPS.json_field(pl.col("__v"), step.field).alias("__v"))
        else:
            frame = frame.with_columns(pl.col("__v").struct.field(step.field).alias("__v"))
    return frame.filter(pl.col("__v").is_not_null())


def check_element_fk(child, child_lf, fk, parent, parent_lf, *, sample_keys, spec) -> Outcome:
    """Elements whose id has no parent row: one anti-join over the exploded ids."""
    from wdguard.checks.engine import _resolve
    from wdguard.checks.referential import _typed

    (name,) = fk.columns
    path = E.parse(name)
    box = _resolve(path.container, child_lf.collect_schema())
    plan = box
    if isinstance(box, ResolvedColumn):
        plan = E.element_plan(path, box.expr, box.dtype, OPS)
    if plan is None or isinstance(plan, str):
        return Outcome(spec, "skipped", plan or f"key path absent: {name}")
    missing = [c for c in fk.ref_columns if c not in parent_lf.collect_schema().names()]
    if missing:
        return Outcome(spec, "skipped", f"key column(s) absent: {fk.references}.{missing[0]}")
    keys = [c for c in child.primary_key if c in child_lf.collect_schema().names()]
    leaves = explode_leaves(child_lf, plan, keys).with_columns(
        X.to_dtype(pl.col("__v"), plan.leaf_dtype, polars_dtype(child.columns[name])).alias("k0")
    )
    parents = parent_lf.select(_typed(parent_lf, parent, fk.ref_columns)).unique()
    orphans = leaves.join(parents, on="k0", how="anti")
    counts = orphans.select(pl.len().alias("e"), pl.col("__doc").n_unique().alias("d"))
    found = counts.collect(engine="streaming").row(0, named=True)
    out = E.fk_outcome(spec, int(found["d"]), int(found["e"]), E.fk_target(spec))
    if found["d"] and sample_keys > 0:
        levels = sum(1 for s in plan.steps if s.field is E.INTO)
        first = orphans.group_by("__doc", maintain_order=True).first().head(sample_keys)
        for r in first.collect(engine="streaming").iter_rows(named=True):
            at = E.label(path, [r[f"__i{j}"] for j in range(levels)])
            sample = {c: jsonable(r[c]) for c in keys}
            sample["element"] = f"{at} = {jsonable(r['__v'])!r}"
            out.sample_keys.append(sample)
    return out
