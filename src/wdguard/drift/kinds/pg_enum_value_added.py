"""PGD121 enum.value_added (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class EnumValueAdded(RuleKind):
    """An enum type in the database has a value the contract does not list.

    **Anti-pattern**

    `ALTER TYPE ... ADD VALUE` ships before the gold mappings know the value: rows with
    it fall out of CASE mappings or fail accepted-values checks.

    **Best practice**

    Add the value to the Prisma enum, re-derive, and extend the gold mappings in the
    same release.

    **Compared**

    Labels of each enum type (in the schema of the live column's type, so multiSchema
    enums used across schemas are found) vs the contract's values.

    **Severity**

    warning: gold mappings may not know the value.
    """

    code = "PGD121"
    name = "enum.value_added"
    family = "drift"
    compat = "warning"
