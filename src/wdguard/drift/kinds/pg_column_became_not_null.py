"""PGD115 column.became_not_null (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnBecameNotNull(RuleKind):
    """A column the contract declares nullable is NOT NULL in the live table.

    **Anti-pattern**

    `ALTER COLUMN ... SET NOT NULL` outside the schema: clients that still send NULL
    fail to insert, and the contract no longer says what the table holds.

    **Best practice**

    Make the Prisma field required and re-derive the contract in the same PR as the
    migration.

    **Compared**

    `attnotnull` vs the field's `?`.

    **Severity**

    warning: the app's inserts without the column fail; readers are unaffected.
    """

    code = "PGD115"
    name = "column.became_not_null"
    family = "drift"
    compat = "warning"
