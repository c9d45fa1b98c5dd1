"""MGD103 field.presence_dropped (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class FieldPresenceDropped(RuleKind):
    """A required field is now missing or null in more documents than the contract's
    `required_ratio` allows, or an optional field the sample should have shown is absent.

    **Anti-pattern**

    Making a field optional in the Mongoose schema (or writing `null`) without telling the
    pipeline: completeness checks and gold joins on the field start losing rows.

    **Best practice**

    Decide whether the field is still required; if not, re-derive so the contract says it is
    nullable, and make downstream joins tolerate the gap.
    """

    code = "MGD103"
    name = "field.presence_dropped"
    family = "mongo"
    compat = "warning"
