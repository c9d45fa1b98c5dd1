"""PGD143 index.changed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class IndexChanged(RuleKind):
    """An index with the contract's name covers other columns (or expressions) in the live table.

    **Anti-pattern**

    An index re-created by hand under its old name on other columns: queries planned for
    the declared index lose it, and the next `prisma migrate` will rebuild it.

    **Best practice**

    Change `@@index` in schema.prisma and let the migration rebuild the index.

    **Compared**

    A contract index missing by columns while a live index of its name exists on other
    columns.

    **Severity**

    warning, as a dropped index; reported once instead of a drop plus an add.
    """

    code = "PGD143"
    name = "index.changed"
    family = "drift"
    compat = "warning"
