"""PGD122 enum.value_removed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class EnumValueRemoved(RuleKind):
    """An enum value in the contract is missing from the database enum type.

    **Anti-pattern**

    An enum recreated without a value (Prisma's `_new` type swap) or a value renamed:
    historical rows in the lake carry a value the source no longer has.

    **Best practice**

    Deprecate values instead of removing them; when removal is needed, migrate the rows
    and the lake's history first.

    **Compared**

    Same comparison, the other way.

    **Severity**

    breaking: rows and code using the value fail.
    """

    code = "PGD122"
    name = "enum.value_removed"
    family = "drift"
    compat = "breaking"
