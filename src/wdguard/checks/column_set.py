"""The partition's set of columns against the contract's, before and beside the engine.

Two schema facts the engines' per-column checks cannot know:

* a contract column that arrived with a migration *after* the partition was extracted
  (`contracts/arrival.py`): its absence is expected, so `column_missing` is skipped with
  the migration named instead of failing; a column that should be there still fails;
* a column in the partition that no contract column describes (`column_unexpected`,
  WDG013): a warning by default, an error where the contract says `extra_columns: forbid`.

Both work on the frame's column names only (Polars or Spark), so they cost no data read
and no engine code.
"""

from __future__ import annotations

from typing import Any

from wdguard.checks.outcome import Outcome
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.arrival import arrives_after
from wdguard.contracts.model import Contract


def frame_columns(frame: Any) -> list[str]:
    """Top-level column names of a Polars LazyFrame/DataFrame or a Spark DataFrame."""
    if hasattr(frame, "collect_schema"):
        return list(frame.collect_schema().names())
    return list(frame.columns)


def _top(key: str) -> str:
    return key.split(".", 1)[0].split("[]", 1)[0]


def head_of(part: Any) -> str | None:
    """The newest migration applied when the partition was extracted: its manifest's
    `migration_head`, or what a Delta commit's metadata recorded; None: judge by date."""
    if getattr(part, "manifest", None) is not None:
        return part.manifest.migration_head
    return getattr(part.predicate, "migration_head", None) if hasattr(part, "predicate") \
        else None


def late_columns(contract: Contract, *, migration_head: str | None, date: str) -> dict[str, str]:
    """Contract column -> the migration that added it after this partition."""
    out = {}
    for name, column in contract.columns.items():
        migration = arrives_after(column, migration_head=migration_head, date=date)
        if migration:
            out[name] = migration
    return out


def unexpected(contract: Contract, columns: list[str]) -> list[Outcome]:
    """One failing outcome per partition column no contract column describes; one pass
    when there is none."""
    described = set(contract.columns) | {_top(k) for k in contract.columns}
    severity = "error" if contract.extra_columns == "forbid" else "warn"
    base = {"contract": contract.contract, "object": contract.object_name, "severity": severity}
    extra = [c for c in columns if c not in described]
    if not extra:
        return [Outcome(CheckSpec("column_unexpected", **base), "pass")]
    return [
        Outcome(CheckSpec("column_unexpected", column=c, **base), "fail",
                f"column {c!r} is in the partition but not in contract {contract.contract}")
        for c in extra
    ]


def review(contract: Contract, frame: Any, outcomes: list[Outcome], *,
           migration_head: str | None, date: str) -> list[Outcome]:
    """The engine's outcomes with late columns' `column_missing` skipped, plus the
    `column_unexpected` outcomes of the frame's columns."""
    late = late_columns(contract, migration_head=migration_head, date=date)
    out = []
    for o in outcomes:
        migration = late.get(o.spec.column or "")
        if migration and o.spec.check == "column_missing" and o.status == "fail":
            o = Outcome(o.spec, "skipped",
                        f"column added by {migration}, after this partition")
        out.append(o)
    return out + unexpected(contract, frame_columns(frame))
