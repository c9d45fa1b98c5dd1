"""WDL102 index.drop_not_concurrent."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext, object_name
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import OT, LintRule, ast
from wdguard.findings import Finding, register


@register
class DropIndexNotConcurrent(LintRule):
    """An index of an existing table is dropped without CONCURRENTLY.

    ``DROP INDEX`` takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait.
    Squawk: ``require-concurrent-index-deletion``. Atlas: ``PG102``.

    **Anti-pattern**

    .. code-block:: sql

        DROP INDEX "orders_created_at_idx";

    **Best practice**

    .. code-block:: sql

        DROP INDEX CONCURRENTLY "orders_created_at_idx";
    """

    code = "WDL102"
    name = "index.drop_not_concurrent"
    severity = "warning"
    squawk = ("require-concurrent-index-deletion",)
    atlas = ("PG102",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        if not (isinstance(node, ast.DropStmt) and node.removeType == OT.OBJECT_INDEX):
            return []
        if node.concurrent:
            return []
        out = []
        for obj in node.objects or ():
            index = object_name(obj)
            table = ctx.state.indexes.get(index)
            if table is not None and not ctx.existing(table):
                continue
            out.append(
                cls.at(
                    stmt,
                    ctx,
                    f"dropping index {index} locks its table against reads and writes",
                    help="use DROP INDEX CONCURRENTLY, alone in its own migration",
                    table=table,
                )
            )
        return out
