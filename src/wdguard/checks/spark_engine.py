"""The Spark compiler and runner: the same CheckSpecs as the Polars engine, as Spark jobs.

Plan per partition (jobs counted by the benchmark through a job group):
1. the schema from the parquet footers (Spark may run one small job to read them);
2. ONE aggregation job: every row check's failing-row count (`count_if(fails)`), the
   row count and the max timestamps - partial aggregates per task, one small final merge;
3. ONE more job for every duplicate-key check of the partition: a single integer key by
   exact bitmap counting, any other key by a native group-by, unioned into one collect;
4. one small job per *failing* check for its sample keys and offending values.
Foreign keys are one left-anti join each (`check_fk`).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from wdguard.checks import spark_expressions as S
from wdguard.checks.compile import (
    ResolvedColumn,
    count_outcome,
    resolve_column,
    row_checks,
    schema_outcomes,
)
from wdguard.checks.derive import specs_for
from wdguard.checks.engine import PartitionResult
from wdguard.checks.outcome import Outcome, jsonable
from wdguard.checks.rule_sql import rule_columns
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Contract, ForeignKey
from wdguard.errors import InputError, SourceError
from wdguard.metrics import catalog as metric_catalog
from wdguard.metrics.spark import aggregations as metric_aggregations

_VALUE_CHECKS = frozenset({"in_values", "between", "regex"})
_RAW = "__wdguard_raw__"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAY0 = date(1970, 1, 1)


def _resolve(name: str, schema: T.StructType) -> ResolvedColumn | None | str:
    return resolve_column(
        name,
        {f.name: f.dataType for f in schema.fields},
        column=S.col,
        field=lambda expr, part: expr.getField(part),
        struct_fields=lambda t: {f.name: f.dataType for f in t.fields}
        if isinstance(t, T.StructType)
        else None,
    )


def _type_ok(layer: str, actual: T.DataType, expected: T.DataType, logical: str) -> bool:
    if layer == "silver":
        return S.same_type(actual, expected)
    if logical in ("object", "json"):
        return isinstance(actual, T.StructType | T.StringType)
    return isinstance(actual, S.NESTED) == isinstance(expected, S.NESTED)


def _rule(spec: CheckSpec, available: set[str]) -> Column | str:
    try:
        roots = rule_columns(spec.params["sql"])
        expr = S.rule(spec.params["sql"])
    except Exception as exc:
        raise InputError(
            f"rule {spec.name!r} is not a valid SQL expression: {exc}",
            where=f"contract {spec.contract}",
        ) from None
    missing = sorted(roots - available)
    if missing:
        return f"rule uses columns absent from the partition: {', '.join(missing)}"
    return expr


def _epoch_value(col: Column, dtype: T.DataType) -> Column:
    """A timestamp as microseconds since the epoch, a date as days: collected as numbers,
    never as Python datetimes (PySpark converts those to the driver's local time)."""
    if isinstance(dtype, T.DateType):
        return F.unix_date(col)
    if isinstance(dtype, T.TimestampNTZType):
        return F.unix_micros(col.cast("timestamp"))
    return F.unix_micros(col)


def _iso(value: int | None, logical: str) -> str | None:
    """Polars' rendering of the contract's type: dates as days, timestamps in ms, UTC."""
    if value is None:
        return None
    if logical == "date":
        return (_DAY0 + timedelta(days=int(value))).isoformat()
    ms = int(value) // 1000  # the contract's unit is milliseconds (floor, like a cast)
    return (_EPOCH + timedelta(milliseconds=ms)).isoformat()


def check_partition(
    df: DataFrame,
    contract: Contract,
    layer: str,
    *,
    where: str,
    sample_keys: int = 5,
    quarantine: bool = False,
    specs: list[CheckSpec] | None = None,
) -> PartitionResult:
    """Run the contract's schema and row checks on one partition's DataFrame."""
    started = time.perf_counter()
    specs = specs if specs is not None else specs_for(contract, layer)
    try:
        schema = df.schema
    except Exception as exc:
        raise SourceError(f"cannot read partition: {_short(exc)}", where=where) from None

    def type_verdict(name: str, column, col: ResolvedColumn) -> tuple[bool, str]:
        expected = S.spark_type(column)
        ok = _type_ok(layer, col.dtype, expected, column.type)
        actual, want = col.dtype.simpleString(), expected.simpleString()
        return ok, "" if ok else f"dtype is {actual}, the contract says {want}"

    outcomes, resolved = schema_outcomes(
        contract, specs, lambda name: _resolve(name, schema), type_verdict
    )

    # the typed frame: contract types under the column names (rules, keys and samples
    # see typed values, as on Polars); raw copies kept for castable and quarantine
    casts: dict[str, Column] = {}
    typed: dict[str, Column] = {}
    cast_fail: dict[str, Column] = {}
    for name, col in resolved.items():
        expected = S.spark_type(contract.columns[name])
        if isinstance(col.dtype, S.NESTED) and not isinstance(expected, S.NESTED):
            typed[name], cast_fail[name] = col.expr, F.lit(False)  # checked via its paths
        elif col.nested:
            typed[name] = S.to_type(col.expr, col.dtype, expected)
            cast_fail[name] = ~S.castable(col.expr, typed[name])
        elif not S.same_type(col.dtype, expected):
            casts[_RAW + name] = col.expr
            casts[name] = S.to_type(col.expr, col.dtype, expected)
            typed[name] = S.col(name)
            cast_fail[name] = ~S.castable(S.col(_RAW + name), typed[name])
        else:
            typed[name], cast_fail[name] = col.expr, F.lit(False)
    raw_names = schema.fieldNames()
    df = df.withColumns(casts) if casts else df
    top_level = set(schema.fieldNames())

    def numeric(spec: CheckSpec, value: Column) -> Column:
        dtype = S.spark_type(contract.columns[spec.column])
        return value if isinstance(dtype, T.NumericType) else value.try_cast("double")

    fail, key_checks = row_checks(
        specs,
        outcomes,
        top_level=top_level,
        typed=typed,
        cast_fail=cast_fail,
        ops=S,
        compile_rule=lambda spec: _rule(spec, top_level),
        numeric=numeric,
    )

    ts_cols = [
        n for n, c in contract.columns.items() if n in typed and c.type in ("timestamp", "date")
    ]
    aggs = [F.count(F.lit(1)).alias("__rows")]
    aggs += [F.count_if(e).alias(f"f{i}") for i, e in fail.items()]
    aggs += [
        F.max(_epoch_value(typed[n], S.spark_type(contract.columns[n]))).alias(f"m{j}")
        for j, n in enumerate(ts_cols)
    ]
    # column metrics ride in the same aggregation job (metrics/): no extra Spark job
    mspecs = metric_catalog.metric_specs(contract)
    aggs += metric_aggregations(mspecs, typed, {n: _typed_type(contract, n, c.dtype)
                                                 for n, c in resolved.items()})
    try:
        row = df.agg(*aggs).collect()[0].asDict()  # job: every row check at once
        rows = int(row["__rows"])
        if key_checks:
            types = {n: S.spark_type(contract.columns[n]) for n in top_level if n in typed}
            row.update(_duplicates(df, typed, key_checks, types))  # job: every key at once
    except Exception as exc:
        raise SourceError(f"cannot read partition: {_short(exc)}", where=where) from None
    scan_ms = (time.perf_counter() - started) * 1000

    key_cols = [c for c in contract.primary_key if c in top_level]
    for i in [*fail, *key_checks]:
        spec = specs[i]
        failing = int(row.get(f"f{i}") or 0)
        out = count_outcome(spec, failing, rows)
        if failing:
            t0 = time.perf_counter()
            if i in key_checks:
                frame, fails = _duplicate_rows(df, typed, key_checks[i]), F.lit(True)
            else:
                frame, fails = df, fail[i]
            value_col = spec.column if spec.check in _VALUE_CHECKS else None
            if value_col not in top_level:
                value_col = None
            out.sample_keys, values = _samples(
                frame, fails, key_cols, spec, sample_keys, typed, value_col
            )
            if values:
                out.message += f"; values: {', '.join(repr(jsonable(v)) for v in values)}"
            out.duration_ms = (time.perf_counter() - t0) * 1000
        outcomes[i] = out

    result = PartitionResult(
        row_count=rows,
        outcomes=[outcomes[i] for i in range(len(specs))],
        max_timestamps={
            n: _iso(row[f"m{j}"], contract.columns[n].type) for j, n in enumerate(ts_cols)
        },
        scan_ms=scan_ms,
        metrics=list(zip(mspecs, metric_catalog.values(mspecs, row), strict=True)),
    )
    failed = sorted(i for i in [*fail, *key_checks] if outcomes[i].failed)
    if quarantine and failed:
        reasons = dict(fail)
        for i in key_checks:
            reasons[i] = _is_duplicated(df, typed, key_checks[i])
        result.quarantine = _quarantine(df, specs, reasons, failed, raw_names, casts)
    return result


def _typed_type(contract: Contract, name: str, actual: T.DataType) -> T.DataType:
    """The type of a column as the checks see it (see engine._typed_dtype)."""
    expected = S.spark_type(contract.columns[name])
    keep = isinstance(actual, S.NESTED) and not isinstance(expected, S.NESTED)
    return actual if keep else expected


def _key_text(typed: dict[str, Column], cols: list[str]) -> Column:
    """One exact, comparable text per key value; null when any key column is null (SQL
    UNIQUE semantics, like the Polars engine)."""
    present = F.lit(True)
    for c in cols:
        present = present & typed[c].isNotNull()
    return F.when(present, F.to_json(F.struct(*[typed[c].alias(c) for c in cols])))


_INTEGRAL = (T.LongType, T.IntegerType, T.ShortType, T.ByteType)


def _duplicates(
    df: DataFrame,
    typed: dict[str, Column],
    key_checks: dict[int, list[str]],
    types: dict[str, T.DataType],
) -> dict[str, int]:
    """`f{i}` -> rows beyond the first of each repeated key, for every key in ONE job (the
    per-key one-row results unioned and collected together). Rows with a null key are
    left out (SQL UNIQUE).

    A single integer key is counted as rows - exact distinct values with Spark's bitmap
    aggregates: grouped by 32,768-value bucket, so the shuffle carries a few hundred
    bitmaps instead of every key. Other keys: a native group-by, counted > 1."""
    counts = []
    for i, cols in key_checks.items():
        keys = [typed[c].alias(f"k{j}") for j, c in enumerate(cols)]
        present = F.lit(True)
        for j in range(len(cols)):
            present = present & F.col(f"k{j}").isNotNull()
        rows = df.select(*keys).where(present)
        if len(cols) == 1 and isinstance(types[cols[0]], _INTEGRAL):
            k = F.col("k0").cast("long")
            extra = (
                rows.groupBy(F.bitmap_bucket_number(k).alias("bucket"))
                .agg(
                    F.count(F.lit(1)).alias("n"),
                    F.bitmap_construct_agg(F.bitmap_bit_position(k)).alias("seen"),
                )
                .agg((F.sum("n") - F.sum(F.bitmap_count("seen"))).alias("extra"))
            )
        else:
            extra = (
                rows.groupBy(*[f"k{j}" for j in range(len(cols))])
                .count()
                .where(F.col("count") > 1)
                .agg(F.sum(F.col("count") - 1).alias("extra"))
            )
        counts.append(extra.select(F.lit(i).alias("k"), "extra"))
    found = reduce(lambda a, b: a.unionByName(b), counts).collect()
    return {f"f{r['k']}": int(r["extra"] or 0) for r in found}


def _repeated_keys(df: DataFrame, typed: dict[str, Column], cols: list[str]) -> DataFrame:
    key = _key_text(typed, cols).alias("__key")
    return df.select(key).where("__key IS NOT NULL").groupBy("__key").count().where("count > 1")


def _duplicate_rows(df: DataFrame, typed: dict[str, Column], cols: list[str]) -> DataFrame:
    """The rows whose key repeats (for samples)."""
    repeated = _repeated_keys(df, typed, cols).select("__key")
    keyed = df.withColumn("__key", _key_text(typed, cols))
    return keyed.join(repeated, on="__key", how="left_semi").drop("__key")


def _is_duplicated(df: DataFrame, typed: dict[str, Column], cols: list[str]) -> Column:
    """Row-level flag for quarantine: a window count over the key (only computed when the
    key check failed and quarantine was asked)."""
    from pyspark.sql import Window

    key = _key_text(typed, cols)
    return key.isNotNull() & (F.count(F.lit(1)).over(Window.partitionBy(key)) > 1)


def _samples(
    frame: DataFrame,
    fails: Column,
    key_cols: list[str],
    spec: CheckSpec,
    n: int,
    typed: dict[str, Column],
    value_col: str | None,
) -> tuple[list[dict[str, Any]], list[Any]]:
    """(up to n distinct sample keys, up to 5 offending values): one job, few rows."""
    cols = key_cols or list(spec.params.get("columns") or ([spec.column] if spec.column else []))
    if (n <= 0 or not cols) and value_col is None:
        return [], []
    picked = [S.col(c).alias(f"k{j}") for j, c in enumerate(cols)] if n > 0 else []
    if value_col is not None:
        picked.append(typed[value_col].alias("__value"))
    got = _first_rows(frame.where(fails).select(*picked), max(n, 1) * 4 + 5)
    keys: list[dict[str, Any]] = []
    values: list[Any] = []
    for r in got:
        if n > 0 and cols:
            key = {c: jsonable(r[f"k{j}"]) for j, c in enumerate(cols)}
            if key not in keys and len(keys) < n:
                keys.append(key)
        if value_col is not None:
            v = r["__value"]
            if v is not None and v not in values and len(values) < 5:
                values.append(v)
    return keys, values


def _first_rows(df: DataFrame, n: int) -> list:
    """Up to n rows in ONE job. `limit(n).collect()` scans partition after partition in
    as many jobs until it has n rows; a limit under an aggregate is one job
    (local limits per task, one global limit)."""
    names = df.columns
    packed = df.limit(n).agg(F.collect_list(F.struct(*[S.col(c) for c in names])).alias("r"))
    return packed.collect()[0]["r"]


def _quarantine(
    df: DataFrame,
    specs: list[CheckSpec],
    fail: dict[int, Column],
    failed: list[int],
    raw_names: list[str],
    casts: dict[str, Column],
) -> DataFrame:
    """Failing rows in their raw form, with the labels of the checks they fail."""
    labels = F.array(*[F.when(fail[i], F.lit(specs[i].label)) for i in failed])
    reasons = F.filter(labels, lambda x: x.isNotNull())
    raw = [S.col(_RAW + n if _RAW + n in casts else n).alias(n) for n in raw_names]
    return (
        df.withColumn("_wdguard_reasons", reasons)
        .where(F.size("_wdguard_reasons") > 0)
        .select(*raw, "_wdguard_reasons")
    )


def check_fk(
    child: Contract,
    child_df: DataFrame | None,
    fk: ForeignKey,
    parent: Contract | None,
    parent_df: DataFrame | None,
    *,
    sample_keys: int = 5,
    spec: CheckSpec,
) -> Outcome:
    """Orphans of one foreign key: one left-anti join (plus one small job for samples)."""
    if parent is None:
        return Outcome(spec, "skipped", f"no contract named {fk.references!r}")
    if child_df is None or parent_df is None:
        return Outcome(spec, "skipped", "child or parent partition not readable or absent")
    child_fields = {f.name: f.dataType for f in child_df.schema.fields}
    parent_fields = {f.name: f.dataType for f in parent_df.schema.fields}
    missing = [c for c in fk.columns if c not in child_fields] + [
        f"{fk.references}.{c}" for c in fk.ref_columns if c not in parent_fields
    ]
    if missing:
        return Outcome(spec, "skipped", f"key column(s) absent: {', '.join(missing)}")
    started = time.perf_counter()

    def typed(contract: Contract, fields: dict, cols: list[str]) -> list[Column]:
        return [
            S.to_type(S.col(c), fields[c], S.spark_type(contract.columns[c])).alias(f"k{i}")
            for i, c in enumerate(cols)
        ]

    keys = [f"k{i}" for i in range(len(fk.columns))]
    pk = [c for c in child.primary_key if c in child_fields and c not in fk.columns]
    kids = child_df.select(*typed(child, child_fields, fk.columns), *[S.col(c) for c in pk])
    kids = kids.dropna(subset=keys)
    parents = parent_df.select(*typed(parent, parent_fields, fk.ref_columns)).distinct()
    orphans = kids.join(parents, on=keys, how="left_anti")
    failing = orphans.count()
    out = Outcome(spec, "fail" if failing else "pass", failing_rows=failing)
    if failing:
        rows = _first_rows(orphans, sample_keys) if sample_keys > 0 else []
        names = {f"k{i}": c for i, c in enumerate(fk.columns)}
        out.sample_keys = [
            {names.get(k, k): jsonable(v) for k, v in r.asDict().items()} for r in rows
        ]
        out.message = (
            f"{failing} row(s) reference a missing {fk.references}({', '.join(fk.ref_columns)})"
        )
    out.duration_ms = (time.perf_counter() - started) * 1000
    return out


def _short(exc: Exception) -> str:
    text = getattr(exc, "getMessage", lambda: str(exc))()
    return " ".join(str(text).split("\n")[0].split())[:300]
