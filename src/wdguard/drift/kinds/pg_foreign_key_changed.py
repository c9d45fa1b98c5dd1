"""PGD153 foreign_key.changed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ForeignKeyChanged(RuleKind):
    """A foreign key points elsewhere or has other ON DELETE / ON UPDATE actions than the contract.

    **Anti-pattern**

    `ON DELETE CASCADE` where the contract says RESTRICT deletes child rows the lake
    still holds (and vice versa).

    **Best practice**

    Change `onDelete` / `onUpdate` in the Prisma relation and let a migration apply it.

    **Compared**

    Target table and columns, `ON DELETE` and `ON UPDATE` of foreign keys matched by
    columns.

    **Severity**

    warning: deletes cascade or are refused differently from what the schema says.
    """

    code = "PGD153"
    name = "foreign_key.changed"
    family = "drift"
    compat = "warning"
