"""PGD151 foreign_key.dropped (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ForeignKeyDropped(RuleKind):
    """A foreign key in the contract is missing from the live table.

    **Anti-pattern**

    Without the constraint, orphan rows appear and gold joins lose or duplicate facts.

    **Best practice**

    Keep referential integrity in the database; if a relation really goes, remove it
    from schema.prisma first.

    **Compared**

    Foreign keys by their local column list.

    **Severity**

    warning: orphans become possible; existing rows are unchanged.
    """

    code = "PGD151"
    name = "foreign_key.dropped"
    family = "drift"
    compat = "warning"
