"""MGD114 enum.value_undeclared (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class EnumValueUndeclared(RuleKind):
    """Sampled documents hold a value outside the enum the model declares.

    **Anti-pattern**

    A value the app's validation would reject, written around it: the gold mappings
    built from the model's enum have no row for it.

    **Best practice**

    Add the value to the model's `enum` (and to the gold mappings), or fix the
    documents.
    """

    code = "MGD114"
    name = "enum.value_undeclared"
    family = "mongo"
    compat = "breaking"
