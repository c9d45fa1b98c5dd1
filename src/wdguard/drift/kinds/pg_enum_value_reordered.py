"""PGD123 enum.value_reordered (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class EnumValueReordered(RuleKind):
    """An enum type has the contract's values in another order.

    **Anti-pattern**

    Enum order decides `ORDER BY` and `<` comparisons on enum columns; a reordered type
    changes query results silently.

    **Best practice**

    Append new values at the end; never recreate an enum in another order.

    **Compared**

    `pg_enum.enumsortorder` of the values both sides share.

    **Severity**

    compatible (info): Prisma treats both orders as the same enum, and values added over
    time with `ALTER TYPE ... ADD VALUE` (with or without `BEFORE`) seldom sit where
    schema.prisma lists them; only `ORDER BY` and `<` on the column see the order.
    """

    code = "PGD123"
    name = "enum.value_reordered"
    family = "drift"
    compat = "compatible"
