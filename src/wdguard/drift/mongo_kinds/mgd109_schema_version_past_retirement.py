"""MGD109 schema_version.past_retirement (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class SchemaVersionPastRetirement(RuleKind):
    """Documents of a schema version are still being sampled after the date the contract's
    `mongo.retire_after` set for it.

    **Anti-pattern**

    Keeping compatibility code for an old shape forever because nobody knows whether such
    documents still arrive.

    **Best practice**

    Set `retire_after: {'1': 2027-01-31}` when a migration of old documents is planned;
    this warning says when it has not finished and the old reader must stay.
    """

    code = "MGD109"
    name = "schema_version.past_retirement"
    family = "mongo"
    compat = "warning"
