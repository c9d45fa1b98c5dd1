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
    """

    code = "PGD102"
    name = "table.extra"
    family = "drift"
    compat = "compatible"
