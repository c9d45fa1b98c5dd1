"""PGD203 migration.rolled_back (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class MigrationRolledBack(RuleKind):
    """A migration was marked rolled back and has not been re-applied since.

    **Anti-pattern**

    The folder says the change exists, the database says it was undone: the schema is
    neither the old nor the new one.

    **Best practice**

    Re-apply the corrected migration (`prisma migrate deploy`) or remove it from the
    folder.

    **Compared**

    Migrations whose only rows are rolled back.

    **Severity**

    breaking: the schema the code expects is not there.
    """

    code = "PGD203"
    name = "migration.rolled_back"
    family = "drift"
    compat = "breaking"
