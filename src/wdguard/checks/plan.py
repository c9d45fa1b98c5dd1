"""The plan of a partition, written once for every engine.

Modelled on pandera's polars backend: the validation flow lives here, above the engines;
an engine (`checks/engines/polars/`, `checks/engines/spark/`) only implements coarse
hooks and an expression module `E`. Per partition:

1. the schema from the data files' footers (`engine.schema`, no data read): column
   presence and types (`compile.schema_outcomes`);
2. one projection casting raw columns to the contract's types (bronze values castable,
   silver ones already typed), keeping raw copies and a cast-failure flag per column;
3. ONE aggregation (`engine.aggregate`) over a dict of named aggregate expressions:
   every row check's failing-row count, the row count and the max timestamps - one
   streaming select on Polars, one Spark job. More metrics join the same dict, never a
   new pass; counts two of them need (rows equal to a value) are computed once
   (`value_counts.py`);
4. ONE pass for every duplicate-key check (`engine.key_duplicates`);
5. per *failing* check only: up to N sample keys and offending values (`engine.samples`);
6. on request, the failing rows with their reasons (`engine.quarantine_rows`).
A foreign key is one anti-join (`check_fk` -> `engine.orphans`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from wdguard.checks.compile import (
    ResolvedColumn,
    count_outcome,
    resolve_column,
    row_checks,
    schema_outcomes,
    type_ok,
)
from wdguard.checks.derive import fk_spec, specs_for
from wdguard.checks.elements import check_element_fk, compile_elements, element_ops
from wdguard.checks.kinds import KINDS
from wdguard.checks.outcome import Outcome, jsonable
from wdguard.checks.spec import CheckSpec
from wdguard.checks.value_counts import Ratio, ValueCounts
from wdguard.contracts.model import Contract, ForeignKey
from wdguard.errors import InputError, SourceError

RAW = "__wdguard_raw__"  # a cast column's raw value, kept for quarantine
CAST_FAIL = "__wdguard_castfail__"  # true where a raw value did not cast


@dataclass
class PartitionResult:
    row_count: int
    outcomes: list[Outcome]
    max_timestamps: dict[str, str | None] = field(default_factory=dict)
    scan_ms: float = 0.0
    quarantine: Any = None  # the engine's frame of failing rows + reasons, when asked
    measures: dict[str, Any] = field(default_factory=dict)  # the `measures` asked, by name
    metrics: list = field(default_factory=list)  # [(MetricSpec, value)] (engines/base.py)


# extra aggregates computed in the same pass: (E, typed columns by contract key, their
# types as the checks see them, the pass's shared value counts) -> {name: the engine's
# aggregate expression, or a `Ratio` of two shared counts}; e.g. the column metrics
# (`EngineBase.check_partition`, `wdguard.metrics`)
Measures = Callable[[ModuleType, dict[str, Any], dict[str, Any], ValueCounts], dict[str, Any]]
_MEASURE = "__wdguard_measure__"


def check_partition(
    frame: Any,
    contract: Contract,
    layer: str,
    *,
    engine: Any,
    where: str,
    sample_keys: int = 5,
    quarantine: bool = False,
    specs: list[CheckSpec] | None = None,
    schema_failures: dict[str, str] | None = None,
    measures: Measures | None = None,
) -> PartitionResult:
    """Run the contract's schema and row checks on one partition's frame, on `engine`'s
    hooks (`checks.engines.check_partition` picks it by the frame's type).

    `schema_failures` (silver, Polars): pandera's verdict on presence/dtype, by column.
    `measures`: more aggregates over the typed columns, computed in the same one pass
    and returned in `result.measures`.
    """
    E = engine.x
    started = time.perf_counter()
    specs = specs if specs is not None else specs_for(contract, layer)
    try:
        schema = engine.schema(frame)
    except Exception as exc:
        raise SourceError(f"cannot read partition: {engine.short(exc)}", where=where) from None

    def type_verdict(name: str, column, col: ResolvedColumn) -> tuple[bool, str]:
        expected = E.dtype(column)
        ok = type_ok(E, layer, col.dtype, expected, column.type)
        msg = "" if ok else KINDS["dtype"].message.format(
            actual=E.type_name(col.dtype), expected=E.type_name(expected)
        )
        if schema_failures is not None and not col.nested:  # silver: pandera decides
            ok = name not in schema_failures
            why = schema_failures.get(name, "")
            msg = "" if ok else (f"{msg} ({why})" if msg else why)
        return ok, msg

    def resolve(name: str):
        return resolve_column(
            name, schema, column=E.col, field=E.field, struct_fields=E.struct_fields
        )

    outcomes, resolved = schema_outcomes(contract, specs, resolve, type_verdict)

    # the typed frame: contract types under the column names (rules, keys and samples
    # see typed values); raw copies kept for quarantine, a flag for `castable`
    casts: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    cast_fail: dict[str, Any] = {}
    for name, col in resolved.items():
        expected = E.dtype(contract.columns[name])
        if E.is_nested(col.dtype) and not E.is_nested(expected):
            # a sub-document kept as a struct: its fields are checked through their paths
            typed[name], cast_fail[name] = col.expr, E.lit(False)
        elif col.nested:  # struct fields are checked in place
            typed[name] = E.to_type(col.expr, col.dtype, expected)
            cast_fail[name] = ~E.castable(col.expr, typed[name])
        elif not E.same_type(col.dtype, expected):
            value = E.to_type(col.expr, col.dtype, expected)
            casts[name] = value
            casts[RAW + name] = col.expr
            casts[CAST_FAIL + name] = ~E.castable(col.expr, value)
            typed[name], cast_fail[name] = E.col(name), E.col(CAST_FAIL + name)
        else:
            typed[name], cast_fail[name] = E.col(name), E.lit(False)
    typed_frame = engine.with_columns(frame, casts) if casts else frame
    top_level = set(schema)

    def compile_rule(spec: CheckSpec):
        try:
            expr, roots = E.rule_parts(spec.params["sql"])
        except Exception as exc:
            raise InputError(
                f"rule {spec.name!r} is not a valid SQL expression: {exc}",
                where=f"contract {spec.contract}",
            ) from None
        missing = sorted(roots - top_level)
        if missing:
            return f"rule uses columns absent from the partition: {', '.join(missing)}"
        return expr

    def numeric(spec: CheckSpec, value):
        return E.numeric(value, E.dtype(contract.columns[spec.column]))

    fail, key_checks = row_checks(
        specs, outcomes, top_level=top_level, typed=typed, cast_fail=cast_fail, ops=E,
        compile_rule=compile_rule, numeric=numeric,
    )  # fmt: skip
    # array-element paths and array lengths (`elements.py`): per-document expressions
    ops = element_ops(engine)

    def landed(name: str):  # arrays are checked element by element, not as their cast
        col = resolve(name)
        if isinstance(col, ResolvedColumn) and RAW + name in casts:
            return ResolvedColumn(E.col(RAW + name), col.dtype, col.nested)
        return col

    elements = compile_elements(contract, specs, outcomes, landed, type_verdict, E, ops)
    fail.update(elements.fail)

    ts_cols = [
        n for n, c in contract.columns.items() if n in typed and c.type in ("timestamp", "date")
    ]
    # an in_values check on a short list is counted from the value counts it shares
    # with the column's share metrics (`value_counts.py`); every other check counts its
    # failing rows itself
    counts = ValueCounts(E, typed)
    by_value = {
        i: counts.outside(specs[i].column, specs[i].params["values"])
        for i in fail
        if specs[i].check == "in_values"
        and specs[i].column in typed
        and counts.counts_list(specs[i].params["values"])
    }
    aggregates: dict[str, Any] = {"__rows": E.row_count()}
    aggregates |= {f"f{i}": E.count_true(expr) for i, expr in fail.items() if i not in by_value}
    aggregates |= elements.aggregates(ops)
    aggregates |= {
        f"m{j}": E.max_time(typed[n], E.dtype(contract.columns[n])) for j, n in enumerate(ts_cols)
    }
    extra = measures(E, typed, _types(E, contract, resolved), counts) if measures else {}
    aggregates |= {_MEASURE + n: e for n, e in extra.items() if not isinstance(e, Ratio)}
    aggregates |= counts.aggregates
    try:
        row = engine.aggregate(typed_frame, aggregates)  # ONE pass: every row check at once
        rows = int(row["__rows"])
        found: dict[int, tuple[int, Any]] = {}
        if key_checks:  # ONE more pass: every key at once
            types = {n: E.dtype(contract.columns[n]) for n in key_columns(key_checks)}
            found = engine.key_duplicates(typed_frame, typed, key_checks, types)
    except Exception as exc:
        raise SourceError(f"cannot read partition: {engine.short(exc)}", where=where) from None
    scan_ms = (time.perf_counter() - started) * 1000

    key_cols = [c for c in contract.primary_key if c in top_level]
    for i in [*fail, *key_checks]:
        spec = specs[i]
        if i in by_value:
            failing = counts.failing(row, by_value[i])
        else:
            failing = int((found[i][0] if i in key_checks else row[f"f{i}"]) or 0)
        if i in elements.counts:  # documents and elements; samples name the element
            outcomes[i] = out = elements.outcome(i, spec, row, rows)
            if failing:
                t0 = time.perf_counter()
                out.sample_keys = elements.samples(
                    typed_frame, i, spec, key_cols, sample_keys, failing, ops, E)
                out.duration_ms = (time.perf_counter() - t0) * 1000
            continue
        out = count_outcome(spec, failing, rows)
        if failing:
            t0 = time.perf_counter()
            if i in key_checks:
                sub = engine.duplicate_rows(typed_frame, typed, key_checks[i], found[i][1])
                fails = E.lit(True)
            else:
                sub, fails = typed_frame, fail[i]
            cols = key_cols or list(
                spec.params.get("columns") or ([spec.column] if spec.column else [])
            )
            shown = KINDS[spec.check].shows_values and spec.column in top_level
            out.sample_keys, values = samples(
                engine, sub, fails, cols, sample_keys, spec.column if shown else None
            )
            if values:
                out.message += f"; values: {', '.join(repr(jsonable(v)) for v in values)}"
            out.duration_ms = (time.perf_counter() - t0) * 1000
        outcomes[i] = out

    result = PartitionResult(
        row_count=rows,
        outcomes=[outcomes[i] for i in range(len(specs))],
        max_timestamps={
            n: E.time_text(row[f"m{j}"], contract.columns[n].type) for j, n in enumerate(ts_cols)
        },
        scan_ms=scan_ms,
        measures={
            n: e.resolve(row) if isinstance(e, Ratio) else row[_MEASURE + n]
            for n, e in extra.items()
        },
    )
    failed = sorted(i for i in [*fail, *key_checks] if outcomes[i].failed)  # spec order
    if quarantine and failed:
        reasons = [
            (specs[i].label, fail[i] if i in fail else engine.duplicated_flag(typed, key_checks[i]))
            for i in failed
        ]
        raw = [(n, E.col(RAW + n) if RAW + n in casts else E.col(n)) for n in schema]
        result.quarantine = engine.quarantine_rows(typed_frame, reasons, raw)
    return result


def samples(
    engine: Any, frame: Any, fails: Any, cols: list[str], n: int, value_col: str | None
) -> tuple[list[dict[str, Any]], list[Any]]:
    """(up to n distinct sample keys, up to 5 distinct offending values of `value_col`),
    both from the first failing rows: one small query, never a pass over the partition."""
    if (n <= 0 or not cols) and value_col is None:
        return [], []
    E = engine.x
    picked = {f"k{j}": E.col(c) for j, c in enumerate(cols)} if n > 0 else {}
    if value_col is not None:
        picked["__value"] = E.col(value_col)
    keys: list[dict[str, Any]] = []
    values: list[Any] = []
    for r in engine.first_rows(frame, fails, picked, max(n, 1) * 4 + 5):
        if n > 0 and cols:
            key = {c: jsonable(r[f"k{j}"]) for j, c in enumerate(cols)}
            if key not in keys and len(keys) < n:
                keys.append(key)
        if value_col is not None:
            v = r["__value"]
            if v is not None and v not in values and len(values) < 5:
                values.append(v)
    return keys, values


def _types(E, contract: Contract, resolved: dict[str, ResolvedColumn]) -> dict[str, Any]:
    """Each typed column's type: the contract's, except a sub-document kept as a struct."""
    out = {}
    for name, col in resolved.items():
        expected = E.dtype(contract.columns[name])
        keep = E.is_nested(col.dtype) and not E.is_nested(expected)
        out[name] = col.dtype if keep else expected
    return out


def key_columns(key_checks: dict[int, list[str]]) -> list[str]:
    return list(dict.fromkeys(c for cols in key_checks.values() for c in cols))


def check_fk(
    child: Contract,
    child_frame: Any,
    fk: ForeignKey,
    parent: Contract | None,
    parent_frame: Any,
    *,
    engine: Any,
    sample_keys: int = 5,
) -> Outcome:
    """Orphans of one foreign key: child rows whose non-null key has no parent row in the
    parent's partition of the same date and layer. Both sides are cast to the contract's
    types first, so a bronze string id still matches a typed one. One anti-join."""
    spec = fk_spec(child, fk)
    if parent is None:
        return Outcome(spec, "skipped", f"no contract named {fk.references!r}")
    if child_frame is None or parent_frame is None:
        return Outcome(spec, "skipped", "child or parent partition not readable or absent")
    if any("[]" in c for c in fk.columns):  # an array element's reference
        return check_element_fk(child, child_frame, fk, parent, parent_frame, spec,
                                sample_keys, engine)
    E = engine.x
    child_types, parent_types = engine.schema(child_frame), engine.schema(parent_frame)
    missing = [c for c in fk.columns if c not in child_types] + [
        f"{fk.references}.{c}" for c in fk.ref_columns if c not in parent_types
    ]
    if missing:
        return Outcome(spec, "skipped", f"key column(s) absent: {', '.join(missing)}")
    started = time.perf_counter()

    def keys(contract: Contract, types: dict[str, Any], cols: list[str]) -> list[Any]:
        return [E.to_type(E.col(c), types[c], E.dtype(contract.columns[c])) for c in cols]

    pk = [c for c in child.primary_key if c in child_types and c not in fk.columns]
    failing, rows = engine.orphans(
        child_frame, keys(child, child_types, fk.columns), pk,
        parent_frame, keys(parent, parent_types, fk.ref_columns), sample_keys,
    )  # fmt: skip
    out = Outcome(spec, "fail" if failing else "pass", failing_rows=failing)
    if failing:
        names = {f"k{i}": c for i, c in enumerate(fk.columns)}
        out.sample_keys = [{names.get(k, k): jsonable(v) for k, v in r.items()} for r in rows]
        out.message = KINDS[spec.check].message.format(
            failing=failing, references=f"{fk.references}({', '.join(fk.ref_columns)})"
        )
    out.duration_ms = (time.perf_counter() - started) * 1000
    return out
