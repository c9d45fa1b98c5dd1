"""PGD113 column.type_changed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnTypeChanged(RuleKind):
    """A column's type differs from the contract.

    **Anti-pattern**

    `ALTER COLUMN ... TYPE` narrows a type (`numeric(12,2)` to `integer`) or moves it to
    another family (`uuid` to `text`): silver casts fail or silently truncate.

    **Best practice**

    Add a new column of the new type, backfill it, move readers, then drop the old one;
    update the contract's type in the same PR.
    """

    code = "PGD113"
    name = "column.type_changed"
    family = "drift"
    compat = "breaking"
