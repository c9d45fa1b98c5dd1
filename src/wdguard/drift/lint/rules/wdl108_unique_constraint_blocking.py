"""WDL108 constraint.unique_blocking."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, CT, LintRule, alter_cmds
from wdguard.findings import Finding, register


@register
class UniqueConstraintBlocking(LintRule):
    """A UNIQUE or PRIMARY KEY constraint is added to an existing table by building its index.

    The index is built under an ACCESS EXCLUSIVE lock (reads block too), and a primary
    key on nullable columns also scans to set them NOT NULL. Squawk:
    ``disallowed-unique-constraint``, ``adding-serial-primary-key-field``. Atlas:
    ``PG104``, ``PG105``, ``PG304``.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "merchants" ADD CONSTRAINT "merchants_slug_key" UNIQUE ("slug");

    **Best practice**

    Build the unique index concurrently, then attach it.

    .. code-block:: sql

        CREATE UNIQUE INDEX CONCURRENTLY "merchants_slug_key" ON "merchants"("slug");
        ALTER TABLE "merchants" ADD CONSTRAINT "merchants_slug_key"
            UNIQUE USING INDEX "merchants_slug_key";
    """

    code = "WDL108"
    name = "constraint.unique_blocking"
    severity = "warning"
    squawk = ("disallowed-unique-constraint", "adding-serial-primary-key-field")
    atlas = ("PG104", "PG105", "PG304")

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        out = []
        for table, cmd in alter_cmds(stmt.node):
            if cmd.subtype != AT.AT_AddConstraint or not ctx.existing(table):
                continue
            con = cmd.def_
            if con.contype in (CT.CONSTR_UNIQUE, CT.CONSTR_PRIMARY) and not con.indexname:
                kind = "unique constraint" if con.contype == CT.CONSTR_UNIQUE else "primary key"
                out.append(
                    cls.at(
                        stmt,
                        ctx,
                        f"{kind}{' ' + con.conname if con.conname else ''} on {table} builds "
                        "its index under an exclusive lock",
                        help="CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT USING INDEX",
                        table=table,
                    )
                )
        return out
