"""MGD107 enum.value_unseen (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class EnumValueUnseen(RuleKind):
    """A value the contract lists for an enum-like field did not appear in the sample.

    A sample only shows what it happened to draw: a rare value is easily missed, so this
    is information, not evidence that the value was removed.

    **Anti-pattern**

    Treating a value missing from one sample as removed and deleting its gold mapping.

    **Best practice**

    Prune the value from the contract only when the app's schema no longer allows it.
    """

    code = "MGD107"
    name = "enum.value_unseen"
    family = "mongo"
    compat = "compatible"
