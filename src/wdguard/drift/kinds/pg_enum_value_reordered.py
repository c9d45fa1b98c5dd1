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
    """

    code = "PGD123"
    name = "enum.value_reordered"
    family = "drift"
    compat = "compatible"
