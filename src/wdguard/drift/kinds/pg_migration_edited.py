"""PGD204 migration.edited (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class MigrationEdited(RuleKind):
    """A migration's migration.sql changed after it was applied (checksum differs).

    **Anti-pattern**

    Editing an applied migration: a fresh database built from the folder differs from
    production, and `prisma migrate dev` wants to reset.

    **Best practice**

    Never edit an applied migration; add a new one that makes the change.

    **Compared**

    Hex SHA-256 of `migration.sql` vs the applied row's `checksum`.

    **Severity**

    breaking: the database was built by SQL no longer in the repository.
    """

    code = "PGD204"
    name = "migration.edited"
    family = "drift"
    compat = "breaking"
