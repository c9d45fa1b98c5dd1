"""PGD202 migration.failed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class MigrationFailed(RuleKind):
    """A migration was started and never finished (and was not rolled back).

    **Anti-pattern**

    A failed `migrate deploy` leaves the schema half-changed; Prisma refuses further
    migrations until it is resolved.

    **Best practice**

    Fix the database by hand, then `prisma migrate resolve --applied` or `--rolled-back`
    it.

    **Compared**

    Rows with no `finished_at` and no `rolled_back_at`.

    **Severity**

    breaking: Prisma refuses to deploy until it is resolved.
    """

    code = "PGD202"
    name = "migration.failed"
    family = "drift"
    compat = "breaking"
