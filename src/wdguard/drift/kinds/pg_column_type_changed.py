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

    **Compared**

    `format_type()` with modifiers after normalising spellings (`varchar` = `character
    varying`, quotes and schema dropped); enums by type name; a contract without
    `db_type` by logical family.

    **Severity**

    breaking when narrowed or another family; warning when it only widens (`varchar(32)`
    to `text`, `int` to `bigint`, more precision).
    """

    code = "PGD113"
    name = "column.type_changed"
    family = "drift"
    compat = "breaking"
