"""PGD101 table.missing (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class TableMissing(RuleKind):
    """A table in the contracts is missing from the live database.

    **Anti-pattern**

    The table was dropped or renamed (Prisma `@@map` changed, or a migration ran `ALTER
    TABLE ... RENAME`) while extracts and gold models still read it by its old name.

    **Best practice**

    Keep the old table (or a view with its name) until every consumer has moved; rename
    through an expand/contract sequence and update the contract in the same PR.

    **Compared**

    Tables by schema and name (`@@map`, `@@schema`, `?schema=`); a missing table with
    exactly one unmatched live table of the same columns is named as `renamed_to`.

    **Severity**

    breaking: every reader of the table fails.
    """

    code = "PGD101"
    name = "table.missing"
    family = "drift"
    compat = "breaking"
