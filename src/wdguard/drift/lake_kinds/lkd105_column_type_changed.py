"""LKD105 column.type_changed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnTypeChanged(RuleKind):
    """A Delta column's type changed to a narrower type or another family (an overwrite with a
    new schema).

    **Anti-pattern**

    Overwriting a table with a frame of another type: older and newer versions disagree
    and readers cast or fail.

    **Best practice**

    Change types through a reviewed migration, with the contract re-derived, and rebuild
    downstream tables.

    **Compared**

    Field types of consecutive schemas.

    **Severity**

    breaking: readers expecting the old type fail or lose values.
    """

    code = "LKD105"
    name = "column.type_changed"
    family = "lake"
    compat = "breaking"
