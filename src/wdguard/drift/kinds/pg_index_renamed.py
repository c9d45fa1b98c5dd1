"""PGD144 index.renamed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class IndexRenamed(RuleKind):
    """An index or unique key has the contract's columns under another name.

    **Anti-pattern**

    `ALTER TABLE ... RENAME TO` keeps the old index names (`Customer_email_key` on a table
    now called `clients`); the next `prisma migrate diff` renames them.

    **Best practice**

    Rename the indexes with the table (`ALTER INDEX ... RENAME TO`), or pin the live name
    with `map:` in schema.prisma.

    **Compared**

    Index and unique key names after matching by columns (Prisma's default
    `{table}_{columns}_key|_idx` or `map:`).

    **Severity**

    compatible (info): a name changes nothing for readers or writers; `prisma migrate
    diff` renames it back.
    """

    code = "PGD144"
    name = "index.renamed"
    family = "drift"
    compat = "compatible"
