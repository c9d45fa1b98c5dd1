"""PGD116 column.default_changed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnDefaultChanged(RuleKind):
    """A column's database default differs from the contract.

    **Anti-pattern**

    `ALTER COLUMN ... SET DEFAULT` / `DROP DEFAULT` by hand: new rows get values the
    pipeline's rules do not expect (a currency, a status).

    **Best practice**

    Change `@default(...)` in schema.prisma and let a migration apply it.

    **Compared**

    `pg_get_expr()` of the default with casts removed (also schema-qualified ones),
    `now()` = `CURRENT_TIMESTAMP`, sequences and identity = `autoincrement`; client-side
    defaults (`uuid()`, `cuid()`, `@updatedAt`) expect none.

    **Severity**

    warning: values change for new rows, existing data does not.
    """

    code = "PGD116"
    name = "column.default_changed"
    family = "drift"
    compat = "warning"
