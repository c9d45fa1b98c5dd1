"""The Polars compiler and runner: every row check of a partition in ONE lazy select.

Plan per partition:
1. schema from the parquet footers (`collect_schema`, no data read);
2. one `with_columns` casting raw columns to the contract's dtypes (bronze values are
   castable, silver ones already typed) and flagging values that fail the cast;
3. one `select` of failing-row counts (sum of `~check`), the row count and max
   timestamps, run on the streaming engine so partitions larger than memory work; every
   key check's duplicates from one more pass over the key columns only, sorted 8-byte
   keys rather than a hash table (`keys.duplicates_many`);
4. a second, cheap pass per *failing* check only, for up to N sample keys.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl

from wdguard.checks import expressions as X
from wdguard.checks.compile import (
    ResolvedColumn,
    count_outcome,
    resolve_column,
    row_checks,
    schema_outcomes,
)
from wdguard.checks.derive import specs_for
from wdguard.checks.keys import duplicates_many
from wdguard.checks.outcome import Outcome, jsonable
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Contract
from wdguard.contracts.types import polars_dtype
from wdguard.errors import InputError, SourceError
from wdguard.metrics import catalog as metric_catalog
from wdguard.metrics.polars import aggregations as metric_aggregations

ROW_CHECKS = frozenset({"castable", "not_null", "in_values", "between", "regex", "rule"})
_RAW = "__wdguard_raw__"


@dataclass
class PartitionResult:
    row_count: int
    outcomes: list[Outcome]
    max_timestamps: dict[str, str] = field(default_factory=dict)
    scan_ms: float = 0.0
    quarantine: pl.LazyFrame | None = None  # failing rows + reasons, when asked
    metrics: list = field(default_factory=list)  # [(MetricSpec, value)], same pass


def _resolve(name: str, schema: pl.Schema) -> ResolvedColumn | None | str:
    return resolve_column(
        name,
        schema,
        column=pl.col,
        field=lambda expr, part: expr.struct.field(part),
        struct_fields=lambda t: {f.name: f.dtype for f in t.fields}
        if isinstance(t, pl.Struct)
        else None,
    )


_NESTED = (pl.List, pl.Struct, pl.Array)


def _dtype_ok(layer: str, actual: pl.DataType, expected: pl.DataType, logical: str) -> bool:
    if layer == "silver":
        return actual == expected
    if logical in ("object", "json"):  # sub-documents land as structs or as JSON text
        return isinstance(actual, pl.Struct) or actual == pl.String
    return isinstance(actual, _NESTED) == isinstance(expected, _NESTED)


def _rule_expr(spec: CheckSpec, available: set[str]) -> pl.Expr | str:
    try:
        expr = X.rule(spec.params["sql"])
        roots = set(expr.meta.root_names())
    except Exception as exc:  # polars raises SQLInterfaceError / SQLSyntaxError
        raise InputError(
            f"rule {spec.name!r} is not a valid SQL expression: {exc}",
            where=f"contract {spec.contract}",
        ) from None
    missing = sorted(roots - available)
    if missing:
        return f"rule uses columns absent from the partition: {', '.join(missing)}"
    # a rule that reads no column (`1 = 0`) is a scalar: one value per row, or its sum
    # would count 1 failing row whatever the partition's size
    return expr if roots else pl.repeat(expr, pl.len())


def _scalar(value: Any) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return None if value is None else str(value)


def check_partition(
    lf: pl.LazyFrame,
    contract: Contract,
    layer: str,
    *,
    where: str,
    sample_keys: int = 5,
    quarantine: bool = False,
    specs: list[CheckSpec] | None = None,
    schema_failures: dict[str, str] | None = None,
) -> PartitionResult:
    """Run the contract's schema and row checks on one partition's LazyFrame.

    `schema_failures` (silver): pandera's verdict on column presence/dtype, by column.
    """
    started = time.perf_counter()
    specs = specs if specs is not None else specs_for(contract, layer)
    try:
        schema = lf.collect_schema()
    except Exception as exc:
        raise SourceError(f"cannot read partition: {_short(exc)}", where=where) from None

    def type_verdict(name: str, column, col: ResolvedColumn) -> tuple[bool, str]:
        expected = polars_dtype(column)
        ok = _dtype_ok(layer, col.dtype, expected, column.type)
        msg = "" if ok else f"dtype is {col.dtype}, the contract says {expected}"
        if schema_failures is not None and not col.nested:  # silver: pandera decides
            ok = name not in schema_failures
            why = schema_failures.get(name, "")
            msg = "" if ok else (f"{msg} ({why})" if msg else why)
        return ok, msg

    outcomes, resolved = schema_outcomes(
        contract, specs, lambda name: _resolve(name, schema), type_verdict
    )

    # typed frame: contract dtypes under the column names; raw copies kept for quarantine
    casts: list[pl.Expr] = []
    cast_fail: dict[str, pl.Expr] = {}
    typed_cols: dict[str, pl.Expr] = {}
    for name, col in resolved.items():
        expected = polars_dtype(contract.columns[name])
        typed = X.to_dtype(col.expr, col.dtype, expected)
        if isinstance(col.dtype, _NESTED) and not isinstance(expected, _NESTED):
            # a sub-document kept as a struct: its fields are checked through their paths
            cast_fail[name] = pl.lit(False)
            typed_cols[name] = col.expr
        elif col.nested:
            typed_cols[name] = typed  # struct fields are checked in place
            cast_fail[name] = ~X.castable(col.expr, typed)
        elif col.dtype != expected:
            casts.append(typed.alias(name))
            casts.append(col.expr.alias(_RAW + name))
            flag = f"__wdguard_castfail__{name}"
            casts.append((~X.castable(col.expr, typed)).alias(flag))
            cast_fail[name] = pl.col(flag)
            typed_cols[name] = pl.col(name)
        else:
            cast_fail[name] = pl.lit(False)
            typed_cols[name] = pl.col(name)
    typed_lf = lf.with_columns(casts) if casts else lf
    top_level = set(schema.names())

    def numeric(spec: CheckSpec, value: pl.Expr) -> pl.Expr:
        dtype = polars_dtype(contract.columns[spec.column])
        return value if dtype.is_numeric() else value.cast(pl.Float64, strict=False)

    # row-level: true = row fails; duplicate keys get their own key-only pass
    fail_exprs, key_checks = row_checks(
        specs,
        outcomes,
        top_level=top_level,
        typed=typed_cols,
        cast_fail=cast_fail,
        ops=X,
        compile_rule=lambda spec: _rule_expr(spec, top_level),
        numeric=numeric,
    )
    for i, cols in key_checks.items():
        fail_exprs[i] = X.is_duplicated(cols)  # for samples and quarantine only

    ts_cols = [
        n
        for n, c in contract.columns.items()
        if n in typed_cols and c.type in ("timestamp", "date")
    ]
    select = [pl.len().alias("__rows")]
    for i, expr in fail_exprs.items():
        if i not in key_checks:
            select.append(expr.sum().cast(pl.Int64).alias(f"f{i}"))
    select += [typed_cols[n].max().alias(f"m{j}") for j, n in enumerate(ts_cols)]
    # column metrics ride in the same select (metrics/): no second scan
    mspecs = metric_catalog.metric_specs(contract)
    mtypes = {n: _typed_dtype(contract, n, col.dtype) for n, col in resolved.items()}
    select += metric_aggregations(mspecs, typed_cols, mtypes)
    try:
        row = typed_lf.select(select).collect(engine="streaming").row(0, named=True)
    except Exception as exc:
        raise SourceError(f"cannot read partition: {_short(exc)}", where=where) from None
    rows = int(row["__rows"])
    dup_rows: dict[int, pl.LazyFrame | None] = {}
    if key_checks:
        try:
            found = duplicates_many(typed_lf, list(key_checks.values()))
        except Exception as exc:
            raise SourceError(f"cannot read partition: {_short(exc)}", where=where) from None
        for i, (count, hits) in zip(key_checks, found, strict=True):
            row[f"f{i}"], dup_rows[i] = count, hits
    scan_ms = (time.perf_counter() - started) * 1000

    key_cols = [c for c in contract.primary_key if c in top_level]
    for i in fail_exprs:
        spec = specs[i]
        failing = int(row[f"f{i}"] or 0)
        out = count_outcome(spec, failing, rows)
        if failing:
            t0 = time.perf_counter()
            if i in key_checks:
                frame, fails = dup_rows[i], pl.lit(True)
            else:
                frame, fails = typed_lf, fail_exprs[i]
            out.sample_keys = _samples(frame, fails, key_cols, spec, sample_keys)
            if spec.check in _VALUE_CHECKS and spec.column in top_level:
                out.message += _offending_values(frame, fails, spec.column)
            out.duration_ms = (time.perf_counter() - t0) * 1000
        outcomes[i] = out

    result = PartitionResult(
        row_count=rows,
        outcomes=[outcomes[i] for i in range(len(specs))],
        max_timestamps={n: _scalar(row[f"m{j}"]) for j, n in enumerate(ts_cols)},
        scan_ms=scan_ms,
        metrics=list(zip(mspecs, metric_catalog.values(mspecs, row), strict=True)),
    )
    failed = sorted(i for i in fail_exprs if outcomes[i].failed)  # reasons in spec order
    if quarantine and failed:
        result.quarantine = _quarantine(typed_lf, schema, specs, fail_exprs, failed, casts)
    return result


_VALUE_CHECKS = frozenset({"in_values", "between", "regex"})


def _typed_dtype(contract: Contract, name: str, actual: pl.DataType) -> pl.DataType:
    """The dtype of a column as the checks see it: the contract's, except a sub-document
    kept as a struct (metrics measure only what that dtype carries)."""
    expected = polars_dtype(contract.columns[name])
    return actual if isinstance(actual, _NESTED) and not isinstance(expected, _NESTED) else expected


def _offending_values(lf: pl.LazyFrame, fails: pl.Expr, column: str, n: int = 5) -> str:
    """`; values: 'ON_HOLD', 'LOST'` - what a reader needs to fix a mapping or a bound."""
    values = (
        lf.filter(fails).select(pl.col(column).unique(maintain_order=True).head(n))
        .collect(engine="streaming").to_series().to_list()
    )
    shown = ", ".join(repr(jsonable(v)) for v in values if v is not None)
    return f"; values: {shown}" if shown else ""


def _samples(
    lf: pl.LazyFrame, fails: pl.Expr, key_cols: list[str], spec: CheckSpec, n: int
) -> list[dict[str, Any]]:
    if n <= 0:
        return []
    cols = key_cols or list(spec.params.get("columns") or ([spec.column] if spec.column else []))
    if not cols:
        return []
    df = lf.filter(fails).select([pl.col(c) for c in cols]).head(n * 4).collect(engine="streaming")
    df = df.unique(maintain_order=True).head(n)  # duplicate keys would repeat themselves
    return [{k: jsonable(v) for k, v in r.items()} for r in df.iter_rows(named=True)]


def _quarantine(
    typed_lf: pl.LazyFrame,
    schema: pl.Schema,
    specs: list[CheckSpec],
    fail_exprs: dict[int, pl.Expr],
    failed: list[int],
    casts: list[pl.Expr],
) -> pl.LazyFrame:
    """Failing rows in their raw form, with the labels of the checks they fail."""
    reasons = pl.concat_list(
        [pl.when(fail_exprs[i]).then(pl.lit(specs[i].label)) for i in failed]
    ).list.drop_nulls()
    raw_names = set(typed_lf.collect_schema().names())
    out = [
        (pl.col(_RAW + n) if _RAW + n in raw_names else pl.col(n)).alias(n) for n in schema.names()
    ]
    return (
        typed_lf.with_columns(reasons.alias("_wdguard_reasons"))
        .filter(pl.col("_wdguard_reasons").list.len() > 0)
        .select([*out, pl.col("_wdguard_reasons")])
    )


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split("\n")[0].split())[:300]
