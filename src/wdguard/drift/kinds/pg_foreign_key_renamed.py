"""PGD154 foreign_key.renamed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ForeignKeyRenamed(RuleKind):
    """A foreign key has the contract's columns, target and actions under another name.

    **Anti-pattern**

    A table or column renamed in place keeps its old constraint names; the next
    `prisma migrate diff` renames them.

    **Best practice**

    `ALTER TABLE ... RENAME CONSTRAINT` in the same migration, or `map:` on `@relation`.

    **Compared**

    Foreign key constraint names after matching by columns, target and actions.

    **Severity**

    compatible (info): a name changes no behaviour.
    """

    code = "PGD154"
    name = "foreign_key.renamed"
    family = "drift"
    compat = "compatible"
