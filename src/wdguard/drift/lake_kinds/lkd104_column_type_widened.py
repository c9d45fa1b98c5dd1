"""LKD104 column.type_widened (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnTypeWidened(RuleKind):
    """A Delta column's type was widened within its family (int to long, float to double, a
    decimal's precision raised), as type widening or an overwrite does.

    **Anti-pattern**

    Widening in the lake while the contract still states the narrower type: silver's
    dtype check fails on the next partition.

    **Best practice**

    Widen the source column and re-derive the contract together.

    **Compared**

    Field types of consecutive schemas.

    **Severity**

    warning: values still fit, but the lake's type no longer matches the contract's.
    """

    code = "LKD104"
    name = "column.type_widened"
    family = "lake"
    compat = "warning"
