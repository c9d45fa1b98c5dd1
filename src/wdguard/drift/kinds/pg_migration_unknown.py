"""PGD205 migration.unknown (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class MigrationUnknown(RuleKind):
    """A migration applied to the database is absent from the migrations folder.

    **Anti-pattern**

    Deployed from another branch or deleted from the repository: the folder no longer
    describes how the database got its shape.

    **Best practice**

    Restore the migration folder from the branch that applied it, or squash with a
    baseline migration.

    **Compared**

    Applied rows whose migration name has no folder.

    **Severity**

    breaking: the database holds changes the repository does not know.
    """

    code = "PGD205"
    name = "migration.unknown"
    family = "drift"
    compat = "breaking"
