"""Referential integrity between the partitions of one date: lazy anti-joins.

For every foreign key of a contract (contract-level `foreign_keys` and column
`references`), child rows whose non-null key has no parent row in the parent's
partition of the same date and layer are orphans. Both sides are cast to the contract's
dtypes first, so a bronze string id still matches a typed one.
"""

from __future__ import annotations

import time

import polars as pl

from wdguard.checks import expressions as X
from wdguard.checks.outcome import Outcome, jsonable
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Contract, ForeignKey
from wdguard.contracts.types import polars_dtype


def _typed(lf: pl.LazyFrame, contract: Contract, cols: list[str]) -> list[pl.Expr]:
    schema = lf.collect_schema()
    return [
        X.to_dtype(pl.col(c), schema[c], polars_dtype(contract.columns[c])).alias(f"k{i}")
        for i, c in enumerate(cols)
    ]


def _severity(child: Contract, fk: ForeignKey) -> str:
    """warn only when every key column is declared warn-level."""
    sevs = [child.columns[c].severity for c in fk.columns if c in child.columns]
    return "warn" if sevs and all(s == "warn" for s in sevs) else "error"


def fk_spec(child: Contract, fk: ForeignKey) -> CheckSpec:
    """The orphan check of one foreign key (the same spec for every engine)."""
    return CheckSpec(
        "orphan_fk",
        contract=child.contract,
        object=child.object_name,
        column=",".join(fk.columns),
        name=fk.name,
        severity=_severity(child, fk),
        params={"references": f"{fk.references}({','.join(fk.ref_columns)})"},
    )


def check_fk(
    child: Contract,
    child_lf: pl.LazyFrame | None,
    fk: ForeignKey,
    parent: Contract | None,
    parent_lf: pl.LazyFrame | None,
    *,
    sample_keys: int = 5,
) -> Outcome:
    spec = fk_spec(child, fk)
    if parent is None:
        return Outcome(spec, "skipped", f"no contract named {fk.references!r}")
    if child_lf is None or parent_lf is None:
        return Outcome(spec, "skipped", "child or parent partition not readable or absent")
    if any("[]" in c for c in fk.columns):  # an array element's reference
        from wdguard.checks.elements_polars import check_element_fk

        return check_element_fk(
            child, child_lf, fk, parent, parent_lf, sample_keys=sample_keys, spec=spec
        )
    child_cols = child_lf.collect_schema().names()
    parent_cols = parent_lf.collect_schema().names()
    missing = [c for c in fk.columns if c not in child_cols] + [
        f"{fk.references}.{c}" for c in fk.ref_columns if c not in parent_cols
    ]
    if missing:
        return Outcome(spec, "skipped", f"key column(s) absent: {', '.join(missing)}")
    started = time.perf_counter()
    keys = [f"k{i}" for i in range(len(fk.columns))]
    pk = [c for c in child.primary_key if c in child_cols and c not in fk.columns]
    kids = child_lf.select(*_typed(child_lf, child, fk.columns), *[pl.col(c) for c in pk])
    kids = kids.drop_nulls(keys)
    parents = parent_lf.select(_typed(parent_lf, parent, fk.ref_columns)).unique()
    orphans = kids.join(parents, on=keys, how="anti")
    failing = int(orphans.select(pl.len()).collect(engine="streaming").item())
    out = Outcome(spec, "fail" if failing else "pass", failing_rows=failing)
    if failing:
        rename = {f"k{i}": c for i, c in enumerate(fk.columns)}
        sample = orphans.head(sample_keys).rename(rename).collect() if sample_keys > 0 else None
        out.sample_keys = (
            [{k: jsonable(v) for k, v in r.items()} for r in sample.iter_rows(named=True)]
            if sample is not None
            else []
        )
        out.message = (
            f"{failing} row(s) reference a missing {fk.references}({', '.join(fk.ref_columns)})"
        )
    out.duration_ms = (time.perf_counter() - started) * 1000
    return out
