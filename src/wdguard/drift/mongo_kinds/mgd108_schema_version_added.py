"""MGD108 schema_version.added (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class SchemaVersionAdded(RuleKind):
    """Documents carry a schema version (`schemaVersion`, `__v` or the configured field) that
    the contract has not seen.

    **Anti-pattern**

    Shipping a new document shape (v3) before the silver job knows how to read it.

    **Best practice**

    Bump `schemaVersion` together with a pipeline change that reads the new shape, and
    re-derive the contract.
    """

    code = "MGD108"
    name = "schema_version.added"
    family = "mongo"
    compat = "warning"
