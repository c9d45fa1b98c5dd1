"""WDL101 index.not_concurrent."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, ast
from wdguard.findings import Finding, register


@register
class IndexNotConcurrent(LintRule):
    """An index is built on an existing table without CONCURRENTLY.

    ``CREATE INDEX`` takes a SHARE lock: every INSERT, UPDATE and DELETE on the table
    waits for the whole build. Squawk: ``require-concurrent-index-creation``. Atlas:
    ``PG101``, ``MF101`` (unique index on existing data).

    **Anti-pattern**

    .. code-block:: sql

        CREATE INDEX "orders_created_at_idx" ON "orders"("created_at");

    **Best practice**

    Build it concurrently, alone in its own migration (Prisma sends a migration as one
    multi-statement query, and CONCURRENTLY cannot run inside that implicit transaction).

    .. code-block:: sql

        CREATE INDEX CONCURRENTLY "orders_created_at_idx" ON "orders"("created_at");
    """

    code = "WDL101"
    name = "index.not_concurrent"
    severity = "warning"
    squawk = ("require-concurrent-index-creation",)
    atlas = ("PG101", "MF101")

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        if not isinstance(node, ast.IndexStmt) or node.concurrent:
            return []
        table = node.relation.relname
        if not ctx.existing(table):
            return []
        kind = "unique index" if node.unique else "index"
        return [
            cls.at(
                stmt,
                ctx,
                f"{kind}{' ' + node.idxname if node.idxname else ''} on existing table {table} "
                "blocks writes while it builds",
                help="use CREATE INDEX CONCURRENTLY, alone in its own migration",
                table=table,
            )
        ]
