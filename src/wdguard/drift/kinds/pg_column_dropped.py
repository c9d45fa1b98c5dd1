"""PGD111 column.dropped (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnDropped(RuleKind):
    """A column in the contract is missing from the live table.

    **Anti-pattern**

    `ALTER TABLE ... DROP COLUMN` (or a rename, which Prisma generates as drop and add)
    while the silver and gold models still select the column.

    **Best practice**

    Stop reading the column downstream first, then drop it; rename through add,
    backfill, switch readers, drop.

    **Compared**

    Column names of each contract vs `pg_attribute` (`@map` honoured); a rename is told
    by one unmatched live column of the same type and nullability.

    **Severity**

    breaking: queries selecting the column fail.
    """

    code = "PGD111"
    name = "column.dropped"
    family = "drift"
    compat = "breaking"
