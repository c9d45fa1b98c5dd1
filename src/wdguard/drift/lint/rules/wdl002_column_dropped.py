"""WDL002 column.dropped."""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, LintRule, alter_cmds
from wdguard.findings import Finding, register


@register
class ColumnDropped(LintRule):
    """A column of an existing table is dropped.

    Readers selecting it fail and silver/gold lose the data. Squawk:
    ``ban-drop-column``. Atlas: ``DS103``.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" DROP COLUMN "user_id";

    **Best practice**

    Make the column nullable and stop using it, update the contract and gold, and drop
    it in a later release.

    .. code-block:: sql

        ALTER TABLE "orders" ALTER COLUMN "user_id" DROP NOT NULL;
    """

    code = "WDL002"
    name = "column.dropped"
    compat = "breaking"
    pipeline = True
    squawk = ("ban-drop-column",)
    atlas = ("DS103",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        return [
            cls.at(
                stmt,
                ctx,
                f"column {table}.{cmd.name} is dropped",
                help="remove the column from the contract and gold first, drop it later",
                table=table,
                column=cmd.name,
            )
            for table, cmd in alter_cmds(stmt.node)
            if cmd.subtype == AT.AT_DropColumn and ctx.existing(table)
        ]

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        return [f"- columns.{finding.column}"] if finding.column in contract.columns else []
