"""PGD132 unique_key.dropped (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class UniqueKeyDropped(RuleKind):
    """A unique constraint or unique index in the contract is missing from the live table.

    **Anti-pattern**

    `DROP INDEX ..._key`: duplicates become possible in a column gold treats as a
    business key.

    **Best practice**

    Keep unique keys that consumers rely on; remove `@unique` in schema.prisma first if
    the rule truly changed.

    **Compared**

    Unique keys (`@unique`, `@@unique`, unique indexes) by their column set; a unique
    index on exactly the primary key's columns (`@id @unique`) adds no rule and is
    neither expected nor reported.

    **Severity**

    breaking: duplicates become possible in a business key.
    """

    code = "PGD132"
    name = "unique_key.dropped"
    family = "drift"
    compat = "breaking"
