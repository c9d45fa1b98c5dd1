"""WDL104 column.set_not_null."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, LintRule, alter_cmds
from wdguard.findings import Finding, register


@register
class SetNotNull(LintRule):
    """SET NOT NULL on a column of an existing table.

    PostgreSQL scans the whole table under an ACCESS EXCLUSIVE lock to prove there is no
    NULL, and the migration fails if there is one. Squawk: ``adding-not-nullable-field``.
    Atlas: ``MF104``, ``PG303``.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" ALTER COLUMN "paid_at" SET NOT NULL;

    **Best practice**

    Add a ``CHECK (col IS NOT NULL) NOT VALID`` constraint, ``VALIDATE`` it, then SET NOT
    NULL (PostgreSQL 12+ uses the valid check and skips the scan), then drop the check.

    .. code-block:: sql

        ALTER TABLE "orders" ADD CONSTRAINT "paid_at_nn" CHECK ("paid_at" IS NOT NULL) NOT VALID;
        ALTER TABLE "orders" VALIDATE CONSTRAINT "paid_at_nn";
        ALTER TABLE "orders" ALTER COLUMN "paid_at" SET NOT NULL;
    """

    code = "WDL104"
    name = "column.set_not_null"
    severity = "warning"
    squawk = ("adding-not-nullable-field",)
    atlas = ("MF104", "PG303")

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        return [
            cls.at(
                stmt,
                ctx,
                f"SET NOT NULL on {table}.{cmd.name} scans the table under an exclusive lock",
                help="add CHECK (... IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL",
                table=table,
                column=cmd.name,
            )
            for table, cmd in alter_cmds(stmt.node)
            if cmd.subtype == AT.AT_SetNotNull and ctx.existing(table)
        ]
