"""PGD133 unique_key.added (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class UniqueKeyAdded(RuleKind):
    """The live table has a unique key the contract does not list.

    **Anti-pattern**

    A unique index created by hand: it can make the app's inserts fail and the contract
    no longer states the table's keys.

    **Best practice**

    Declare it with `@unique` / `@@unique` and re-derive.

    **Compared**

    Live unique indexes on plain columns, without WHERE, not in the contract (partial
    and expression ones are PGD142 info).

    **Severity**

    warning: the app's inserts can fail on a rule schema.prisma does not state.
    """

    code = "PGD133"
    name = "unique_key.added"
    family = "drift"
    compat = "warning"
