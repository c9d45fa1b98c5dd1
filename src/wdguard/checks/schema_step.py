"""The schema step of a partition, the same for every engine: which contract columns are
present, absent or not checkable, and whether their types are acceptable.

An engine supplies two small functions: `resolve(name)` (the engine's column for a
contract key, None when absent, or a reason string when wdguard does not check that kind
of path) and `type_verdict(name, column, resolved)` (ok, message). Everything else -
which spec gets which outcome and its wording - is decided here once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

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
                    Outcome(spec, "fail", f"column {name!r} is absent from the partition")
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
        out.message = f"{failing} of {rows} row(s) fail"
    return out
