"""PGD152 foreign_key.added (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ForeignKeyAdded(RuleKind):
    """The live table has a foreign key the contract does not list.

    **Anti-pattern**

    A constraint added by hand: the contract's `references` no longer tell the whole
    story.

    **Best practice**

    Declare the relation in schema.prisma and re-derive.

    **Compared**

    Live foreign keys the contract does not list.

    **Severity**

    compatible: readers are unaffected.
    """

    code = "PGD152"
    name = "foreign_key.added"
    family = "drift"
    compat = "compatible"
