"""PGD201 migration.pending (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class MigrationPending(RuleKind):
    """A migration in the folder has not been applied to the database.

    **Anti-pattern**

    The code (and the contracts derived from schema.prisma) are ahead of the database:
    the pipeline checks against a shape the source does not have yet.

    **Best practice**

    Run `prisma migrate deploy` as part of the release, before the pipeline's next run.

    **Compared**

    Migration folders without a finished, not rolled back `_prisma_migrations` row (in
    the schema of `?schema=`, else public, else the one schema that has the table).

    **Severity**

    warning: the database is behind the code; the next deploy applies it.
    """

    code = "PGD201"
    name = "migration.pending"
    family = "drift"
    compat = "warning"
