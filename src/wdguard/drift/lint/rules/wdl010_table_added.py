"""WDL010 table.added."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, ast
from wdguard.findings import Finding, register


@register
class TableAdded(LintRule):
    """A table is created (compatible: nothing reads it yet).

    Reported as info so the review sees the contract to derive. Squawk: none.
    Atlas: none.

    **Anti-pattern**

    None: adding a table is safe for the pipeline.

    .. code-block:: sql

        CREATE TABLE "refunds" ("id" UUID NOT NULL, CONSTRAINT "refunds_pkey" PRIMARY KEY ("id"));

    **Best practice**

    Derive and commit its contract (``wdguard contracts derive prisma``) in the same pull
    request.

    .. code-block:: sh

        wdguard contracts derive prisma fixtures/prisma/schema.prisma
    """

    code = "WDL010"
    name = "table.added"
    compat = "compatible"
    pipeline = True

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        if not isinstance(node, ast.CreateStmt):
            return []
        table = node.relation.relname
        return [
            cls.at(
                stmt,
                ctx,
                f"table {table!r} is added",
                help="derive and commit its contract",
                table=table,
            )
        ]
