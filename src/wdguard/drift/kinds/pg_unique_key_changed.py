"""PGD134 unique_key.changed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class UniqueKeyChanged(RuleKind):
    """A unique key with the contract's name covers other columns in the live table.

    **Anti-pattern**

    `DROP INDEX "users_email_key"` then `CREATE UNIQUE INDEX "users_email_key" ON users(email,
    tenant_id)`: the name is kept, the rule is not; `email` alone may now repeat.

    **Best practice**

    Give a changed key a new name in schema.prisma (`map:`) and re-derive, so reviewers
    see the key change.

    **Compared**

    A contract unique key missing by columns while a live index of its name exists on
    other columns or is not unique.

    **Severity**

    breaking, as a dropped unique key: the declared rule is gone, reported once instead
    of a drop plus an add.
    """

    code = "PGD134"
    name = "unique_key.changed"
    family = "drift"
    compat = "breaking"
