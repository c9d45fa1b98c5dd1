"""WDL003 table.renamed."""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import OT, LintRule, ast
from wdguard.findings import Finding, register


@register
class TableRenamed(LintRule):
    """An existing table is renamed.

    The landing job still copies the old name and finds nothing; every reader breaks.
    Squawk: ``renaming-table``. Atlas: ``BC101``.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" RENAME TO "purchases";

    **Best practice**

    Keep the physical name and rename the Prisma model only (``@@map("orders")``), or
    create the new table, backfill, switch readers, then drop the old one.

    .. code-block:: sql

        -- schema.prisma: model Purchase { ... @@map("orders") }
    """

    code = "WDL003"
    name = "table.renamed"
    compat = "breaking"
    pipeline = True
    squawk = ("renaming-table",)
    atlas = ("BC101",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        if not (isinstance(node, ast.RenameStmt) and node.renameType == OT.OBJECT_TABLE):
            return []
        table = node.relation.relname
        if not ctx.existing(table):
            return []
        return [
            cls.at(
                stmt,
                ctx,
                f"table {table!r} is renamed to {node.newname!r}",
                help='keep the table name and map the model instead: @@map("' + table + '")',
                table=table,
                new_name=node.newname,
            )
        ]

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        return [f"~ source.table: {contract.object_name} -> {finding.details['new_name']}"]
