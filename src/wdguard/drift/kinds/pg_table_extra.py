"""PGD102 table.extra (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class TableExtra(RuleKind):
    """The live database has a table that no contract describes.

    **Anti-pattern**

    A table created by hand or by a migration whose model never reached the contracts:
    the pipeline does not land it and nobody checks it.

    **Best practice**

    Re-derive the contracts (`wdguard contracts derive prisma`) in the PR that adds the
    model.

    **Compared**

    Live tables of the compared schemas that no contract names; `_prisma_migrations` and
    Prisma's `_AToB` join tables (when no contract lists join tables) are not counted.

    **Severity**

    compatible: nothing reads a table it does not know.
    """

    code = "PGD102"
    name = "table.extra"
    family = "drift"
    compat = "compatible"
