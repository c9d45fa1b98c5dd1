"""LKD112 column.missing (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnMissing(RuleKind):
    """A contract column is absent from the lake object (not explained by a migration that
    added it after the partition).

    **Anti-pattern**

    A pipeline that stopped landing a column: the gate fails every partition on WDG010.

    **Best practice**

    Restore the column in the extraction, or re-derive the contract if the source
    dropped it.

    **Compared**

    The contract's columns against the lake object's; a column whose `added_by`
    migration came after the partition is not reported.

    **Severity**

    breaking: the gate fails on it.
    """

    code = "LKD112"
    name = "column.missing"
    family = "lake"
    compat = "breaking"
