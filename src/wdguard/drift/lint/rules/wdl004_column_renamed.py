"""WDL004 column.renamed."""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import OT, LintRule, ast
from wdguard.findings import Finding, register


@register
class ColumnRenamed(LintRule):
    """A column of an existing table is renamed.

    Readers selecting the old name fail; the lake's history holds the old name.
    Squawk: ``renaming-column``. Atlas: ``BC102``.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "users" RENAME COLUMN "full_name" TO "name";

    **Best practice**

    Rename the Prisma field only and keep the column (``@map("full_name")``), or add
    the new column, backfill, move readers, then drop the old one.

    .. code-block:: sql

        -- schema.prisma: name String @map("full_name")
    """

    code = "WDL004"
    name = "column.renamed"
    compat = "breaking"
    pipeline = True
    squawk = ("renaming-column",)
    atlas = ("BC102",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        if not (isinstance(node, ast.RenameStmt) and node.renameType == OT.OBJECT_COLUMN):
            return []
        table = node.relation.relname
        if not ctx.existing(table):
            return []
        return [
            cls.at(
                stmt,
                ctx,
                f"column {table}.{node.subname} is renamed to {node.newname!r}",
                help=f'keep the column and map the field instead: @map("{node.subname}")',
                table=table,
                column=node.subname,
                new_name=node.newname,
            )
        ]

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        if finding.column not in contract.columns:
            return []  # the contract already has the new name
        return [f"- columns.{finding.column}", f"+ columns.{finding.details['new_name']}"]
