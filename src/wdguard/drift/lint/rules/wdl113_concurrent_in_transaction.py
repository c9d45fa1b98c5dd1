"""WDL113 index.concurrent_in_transaction."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, ast
from wdguard.findings import Finding, register

# even a SET in the same file makes the query multi-statement (checked on PostgreSQL 15)
_QUIET = (ast.TransactionStmt,)


@register
class ConcurrentInTransaction(LintRule):
    """A CONCURRENTLY statement that will run inside a transaction and fail.

    PostgreSQL refuses CONCURRENTLY inside a transaction block, and Prisma sends each
    migration file as one multi-statement query, which runs as one implicit
    transaction: the statement must be alone in its migration. Squawk:
    ``ban-concurrent-index-creation-in-transaction``. Atlas: ``PG103``.

    **Anti-pattern**

    .. code-block:: sql

        BEGIN;
        CREATE INDEX CONCURRENTLY "orders_created_at_idx" ON "orders"("created_at");
        COMMIT;

    **Best practice**

    One migration folder holding only the concurrent statement.

    .. code-block:: sql

        CREATE INDEX CONCURRENTLY "orders_created_at_idx" ON "orders"("created_at");
    """

    code = "WDL113"
    name = "index.concurrent_in_transaction"
    severity = "error"
    squawk = ("ban-concurrent-index-creation-in-transaction",)
    atlas = ("PG103",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        concurrent = (isinstance(node, (ast.IndexStmt, ast.DropStmt)) and node.concurrent) or (
            isinstance(node, ast.ReindexStmt)
            and any(getattr(p, "defname", "") == "concurrently" for p in node.params or ())
        )
        if not concurrent:
            return []
        others = [s for s in ctx.migration.statements if not isinstance(s.node, _QUIET)]
        if not ctx.in_transaction and len(others) <= 1:
            return []
        why = "inside BEGIN ... COMMIT" if ctx.in_transaction else "with other statements"
        return [
            cls.at(
                stmt,
                ctx,
                f"CONCURRENTLY {why}: PostgreSQL will refuse it in a transaction",
                help="move the statement alone into its own migration",
            )
        ]
