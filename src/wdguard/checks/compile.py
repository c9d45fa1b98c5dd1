"""What every engine shares: which spec becomes which outcome or which expression.

A check's meaning is defined once, here, in `derive.py` and in the kind registry
(`kinds.py`); `plan.py` runs these steps and an engine only supplies the pieces in its
dataframe library: its expression module `E` (`col`, `field`, `struct_fields`, the type
tests, and the row-check builders the registry names: not_null, in_values, between,
matches) and a rule compiler.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

from wdguard.checks.kinds import KINDS
from wdguard.checks.outcome import Outcome
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Column, Contract

R = TypeVar("R")
ARRAY_ELEMENTS = "array element paths are not checked"
NESTED_IN_SCALAR = "nested path inside a non-struct column is not checked"


def schema_outcomes(
    contract: Contract,
    specs: list[CheckSpec],
    resolve: Callable[[str], R | None | str],
    type_verdict: Callable[[str, Column, R], tuple[bool, str]],
) -> tuple[dict[int, Outcome], dict[str, R]]:
    """(outcomes of the column_missing / dtype specs by spec index, resolved columns)."""
    outcomes: dict[int, Outcome] = {}
    resolved: dict[str, Any] = {}
    for name, column in contract.columns.items():
        if "[]" in name:  # element paths: see elements.py
            continue
        col = resolve(name)
        if col is not None and not isinstance(col, str):
            resolved[name] = col
        for i, spec in enumerate(specs):
            if spec.column != name or spec.check not in ("column_missing", "dtype"):
                continue
            if isinstance(col, str):
                outcomes[i] = Outcome(spec, "skipped", col)
            elif col is None:
                outcomes[i] = (
                    Outcome(spec, "fail", KINDS[spec.check].message.format(column=name))
                    if spec.check == "column_missing"
                    else Outcome(spec, "skipped", "column absent")
                )
            elif spec.check == "column_missing":
                outcomes[i] = Outcome(spec, "pass")
            else:
                ok, msg = type_verdict(name, column, col)
                outcomes[i] = Outcome(spec, "pass" if ok else "fail", "" if ok else msg)
    return outcomes, resolved


def count_outcome(spec: CheckSpec, failing: int, rows: int) -> Outcome:
    """A row or key check's outcome from its failing-row count."""
    out = Outcome(spec, "fail" if failing else "pass", rows_scanned=rows, failing_rows=failing)
    if failing:
        out.message = KINDS[spec.check].message.format(failing=failing, rows=rows)
    return out


def type_ok(E: ModuleType, layer: str, actual: Any, expected: Any, logical: str) -> bool:
    """Silver holds exactly the contract's type; bronze only needs castable values, so
    only a nested value where a scalar is expected (or the reverse) is wrong there."""
    if layer == "silver":
        return E.same_type(actual, expected)
    if logical in ("object", "json"):  # sub-documents land as structs or as JSON text
        return E.is_struct(actual) or E.is_text(actual)
    return E.is_nested(actual) == E.is_nested(expected)


@dataclass
class ResolvedColumn:
    expr: Any  # the raw value, as the engine's column expression
    dtype: Any  # the engine's type of it
    nested: bool  # a struct field, not a top-level column


def resolve_column(
    name: str,
    top_level: Mapping[str, Any],
    *,
    column: Callable[[str], Any],
    field: Callable[[Any, str], Any],
    struct_fields: Callable[[Any], Mapping[str, Any] | None],
) -> ResolvedColumn | None | str:
    """A contract column key -> the raw column; None when absent; a reason string when
    wdguard does not check that kind of path. `struct_fields(dtype)` is the engine's
    {field: type} of a struct type, None for any other type."""
    if name in top_level:
        return ResolvedColumn(column(name), top_level[name], False)
    if "[]" in name:
        return ARRAY_ELEMENTS
    if "." not in name:
        return None
    top, *rest = name.split(".")
    if top not in top_level:
        return None
    expr, dtype = column(top), top_level[top]
    for part in rest:
        inner = struct_fields(dtype)
        if inner is None:
            return NESTED_IN_SCALAR
        if part not in inner:
            return None
        expr, dtype = field(expr, part), inner[part]
    return ResolvedColumn(expr, dtype, True)


def row_checks(
    specs: list[CheckSpec],
    outcomes: dict[int, Outcome],
    *,
    top_level: set[str],
    typed: Mapping[str, Any],
    cast_fail: Mapping[str, Any],
    ops: ModuleType,
    compile_rule: Callable[[CheckSpec], Any],
    numeric: Callable[[CheckSpec, Any], Any],
) -> tuple[dict[int, Any], dict[int, list[str]]]:
    """(fail expression by spec index - true = the row fails, key columns by spec index).

    Each spec runs as its kind's `step` says (`kinds.KINDS`). Specs that cannot run get
    their `skipped` outcome in `outcomes`. `compile_rule` returns the rule's expression or
    a reason string; `numeric` the value a `numeric` kind compares."""
    fail: dict[int, Any] = {}
    keys: dict[int, list[str]] = {}
    for i, spec in enumerate(specs):
        kind = KINDS[spec.check]
        if i in outcomes or kind.step == "elements" or "[]" in (spec.column or ""):
            continue  # element paths and array lengths: `elements.py`
        if kind.step == "key":
            cols = spec.params["columns"]
            absent = [c for c in cols if c not in top_level]
            if absent:
                outcomes[i] = Outcome(spec, "skipped", f"key column absent: {', '.join(absent)}")
            else:
                keys[i] = cols
            continue
        if kind.step == "rule":
            expr = compile_rule(spec)
            if isinstance(expr, str):
                outcomes[i] = Outcome(spec, "skipped", expr)
            else:
                fail[i] = ~expr
            continue
        value = typed.get(spec.column or "")
        if value is None:
            outcomes[i] = Outcome(spec, "skipped", "column absent or not checked")
            continue
        if kind.step == "cast":
            fail[i] = cast_fail[spec.column]
        elif kind.passes is not None:
            value = numeric(spec, value) if kind.numeric else value
            fail[i] = ~kind.passes(ops, value, spec.params)
    return fail, keys
