"""WDL112 table.rewrite_command."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, ast
from wdguard.findings import Finding, register


def _concurrent_reindex(node: ast.ReindexStmt) -> bool:
    return any(
        isinstance(p, ast.DefElem) and p.defname == "concurrently" for p in node.params or ()
    )


@register
class RewriteCommand(LintRule):
    """VACUUM FULL, CLUSTER or REINDEX without CONCURRENTLY in a migration.

    Each rewrites or rebuilds the table under an ACCESS EXCLUSIVE lock (REINDEX: blocks
    writes and index reads) for as long as it takes. Squawk: ``prefer-repack``,
    ``require-concurrent-reindex``. Atlas: none.

    **Anti-pattern**

    .. code-block:: sql

        VACUUM FULL "orders";
        REINDEX TABLE "orders";

    **Best practice**

    Use ``REINDEX ... CONCURRENTLY`` and ``pg_repack`` outside migrations.

    .. code-block:: sql

        REINDEX TABLE CONCURRENTLY "orders";
    """

    code = "WDL112"
    name = "table.rewrite_command"
    severity = "warning"
    squawk = ("prefer-repack", "require-concurrent-reindex")

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        what = None
        if isinstance(node, ast.VacuumStmt) and any(
            isinstance(o, ast.DefElem) and o.defname == "full" for o in node.options or ()
        ):
            what = "VACUUM FULL"
        elif isinstance(node, ast.ClusterStmt):
            what = "CLUSTER"
        elif isinstance(node, ast.ReindexStmt) and not _concurrent_reindex(node):
            what = "REINDEX"
        if what is None:
            return []
        return [
            cls.at(
                stmt,
                ctx,
                f"{what} holds an exclusive lock for the whole rebuild",
                help="use REINDEX CONCURRENTLY or pg_repack, outside the migration",
            )
        ]
