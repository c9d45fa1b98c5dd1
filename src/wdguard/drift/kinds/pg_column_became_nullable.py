"""PGD114 column.became_nullable (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnBecameNullable(RuleKind):
    """A column the contract declares NOT NULL accepts NULL in the live table.

    **Anti-pattern**

    `ALTER COLUMN ... DROP NOT NULL`: rows with NULL reach gold models and joins that
    assume a value.

    **Best practice**

    Make the Prisma field optional (`?`) and re-derive, so the nullability checks and
    the gold mappings learn about it.

    **Compared**

    `attnotnull` vs the field's `?` (Prisma scalar lists are created nullable and are
    not reported).

    **Severity**

    warning: rows with NULL can now land where the gate expects none.
    """

    code = "PGD114"
    name = "column.became_nullable"
    family = "drift"
    compat = "warning"
