"""MGD101 field.added (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class FieldAdded(RuleKind):
    """The sampled documents have a field path the contract does not list.

    **Anti-pattern**

    A Mongoose schema gains a field and the pipeline learns about it from a failed silver
    job, or never: the new data is silently dropped before gold.

    **Best practice**

    Re-derive the contract (`wdguard contracts derive mongo`) in the app change that adds
    the field, so reviewers see it and decide whether gold needs it.
    """

    code = "MGD101"
    name = "field.added"
    family = "mongo"
    compat = "compatible"
