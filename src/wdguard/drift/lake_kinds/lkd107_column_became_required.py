"""LKD107 column.became_required (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnBecameRequired(RuleKind):
    """A nullable Delta column became NOT NULL.

    **Anti-pattern**

    Tightening without backfilling: writers of nulls now fail.

    **Best practice**

    Backfill, then tighten; update the contract's `nullable`.

    **Compared**

    Field nullability of consecutive schemas.

    **Severity**

    compatible: readers see fewer cases.
    """

    code = "LKD107"
    name = "column.became_required"
    family = "lake"
    compat = "compatible"
