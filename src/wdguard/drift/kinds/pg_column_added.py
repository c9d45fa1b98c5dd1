"""PGD112 column.added (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnAdded(RuleKind):
    """The live table has a column the contract does not list.

    **Anti-pattern**

    A column added outside the reviewed schema: it is not landed in the lake and has no
    checks. Added NOT NULL without a default it also breaks inserts by clients that do
    not know it (classed as a warning).

    **Best practice**

    Add the field to schema.prisma and re-derive the contract; add new columns nullable
    or with a default.

    **Compared**

    Live columns the contract does not list.

    **Severity**

    compatible when nullable or defaulted; warning when NOT NULL without a default,
    since the app's inserts then fail.
    """

    code = "PGD112"
    name = "column.added"
    family = "drift"
    compat = "compatible"
