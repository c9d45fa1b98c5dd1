"""The Polars hooks of array-element checks (`checks/elements.py`): list expressions.

Each element check is one per-document expression, the number of the document's failing
elements (`list.eval(...).list.sum()`, nested for `a[].b[]`), so it joins the partition's
one streaming select. A field of a JSON-text element is read with `str.json_path_match`.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from wdguard.checks.elements import INTO, ElementPlan

SAMPLE_PREFIX = 16_384  # documents searched for samples before the whole partition
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_path(name: str) -> str:
    """`$.url`, or `$['a b']` for a field name that is not an identifier."""
    return f"$.{name}" if _IDENT.match(name) else "$['" + name.replace("'", "\\'") + "']"


class PolarsElements:
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

    def list_len(self, value):
        return value.list.len()

    def total(self, count):
        return count.sum().cast(pl.Int64)

    def sample_rows(self, frame: pl.LazyFrame, fails, picked, n: int, failing: int):
        """Looked for in the partition's first documents first: a filter does not stop a
        scan early, and re-reading a large array column costs as much as the check."""
        select = [e.alias(k) for k, e in picked.items()]
        df = None
        for part in (frame.head(SAMPLE_PREFIX), frame):
            df = part.filter(fails).select(select).head(n).collect(engine="streaming")
            if df.height >= min(n, failing):
                break
        return list(df.iter_rows(named=True))

    def explode_leaves(self, frame: pl.LazyFrame, plan: ElementPlan, keep: list[str]):
        """One row per leaf value of the path (`__v`), with the document's columns `keep`
        as k0, k1..., its row number `__doc` and the element's index at each array level
        (`__i0`, `__i1`...)."""
        out = frame.select(*[pl.col(c).alias(f"k{j}") for j, c in enumerate(keep)],
                           pl.int_range(pl.len()).alias("__doc"), plan.container.alias("__v"))
        level = 0
        for step in plan.steps:
            if step.field is INTO:
                values = self.json_list(pl.col("__v")) if step.json else pl.col("__v")
                out = out.with_columns(
                    values.alias("__v"), pl.int_ranges(0, values.list.len()).alias(f"__i{level}")
                ).explode(["__v", f"__i{level}"])
                level += 1
            elif step.json:
                out = out.with_columns(self.json_field(pl.col("__v"), step.field).alias("__v"))
            else:
                out = out.with_columns(pl.col("__v").struct.field(step.field).alias("__v"))
        return out.filter(pl.col("__v").is_not_null())

    def leaf_orphans(self, leaves: pl.LazyFrame, key, parent: pl.LazyFrame, parent_key, n: int):
        """(documents, elements, sample rows) of leaves with no parent: one anti-join."""
        kids = leaves.with_columns(key.alias("__key"))
        orphans = kids.join(parent.select(parent_key.alias("__key")).unique(), on="__key",
                            how="anti")
        found = orphans.select(pl.len().alias("e"), pl.col("__doc").n_unique().alias("d"))
        found = found.collect(engine="streaming").row(0, named=True)
        rows: list[dict[str, Any]] = []
        if found["d"] and n > 0:
            first = orphans.group_by("__doc", maintain_order=True).first().head(n)
            rows = list(first.collect(engine="streaming").iter_rows(named=True))
        return int(found["d"]), int(found["e"]), rows


OPS = PolarsElements()
