"""LKD113 column.type_mismatch (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnTypeMismatch(RuleKind):
    """A silver or Delta column's type is not the type the contract's column is stored as.

    **Anti-pattern**

    Letting the lake's type drift from the contract: the silver dtype check (WDG011)
    fails.

    **Best practice**

    Re-derive the contract when the source changed; otherwise fix the silver job's
    casts.

    **Compared**

    Silver parquet and Delta column types against the contract's lake types
    (`contracts/types.py`).

    **Severity**

    breaking: the gate fails on it.
    """

    code = "LKD113"
    name = "column.type_mismatch"
    family = "lake"
    compat = "breaking"
