"""MGD102 field.missing (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class FieldMissing(RuleKind):
    """A field the contract requires (present and non-null in the sample it was derived from)
    is in none of the sampled documents.

    **Anti-pattern**

    Renaming or removing a Mongoose field in one deploy: every new document lacks it and
    the silver and gold models that read it produce nulls or fail.

    **Best practice**

    Rename in steps: write both fields, bump `schemaVersion`, move readers to the new
    field, then stop writing the old one and re-derive the contract.
    """

    code = "MGD102"
    name = "field.missing"
    family = "mongo"
    compat = "breaking"
