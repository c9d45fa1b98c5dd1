"""MGD113 field.required_absent (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class RequiredFieldAbsent(RuleKind):
    """A field the model declares `required` is absent or null in sampled documents
    (with the share).

    **Anti-pattern**

    Documents written around the model (bulk updates, `insertMany` with validation off,
    another service) that lack a required field: gold treats the field as always there.

    **Best practice**

    Backfill the documents, or make the field optional in the model (a conditional
    `required` function is not checked: it is recorded as `required_if`).
    """

    code = "MGD113"
    name = "field.required_absent"
    family = "mongo"
    compat = "breaking"
