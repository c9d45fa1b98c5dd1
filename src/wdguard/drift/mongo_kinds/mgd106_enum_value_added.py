"""MGD106 enum.value_added (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class EnumValueAdded(RuleKind):
    """An enum-like string field has a value the contract does not list.

    **Anti-pattern**

    Adding an event type or status in the app without telling analytics: gold mappings
    (CASE expressions, dimension lookups) leave the new value unmapped.

    **Best practice**

    Add the value in the same release as the gold mapping, and re-derive the contract.
    """

    code = "MGD106"
    name = "enum.value_added"
    family = "mongo"
    compat = "warning"
