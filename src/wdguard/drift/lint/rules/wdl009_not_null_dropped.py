"""WDL009 column.not_null_dropped."""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, LintRule, alter_cmds
from wdguard.findings import Finding, register


@register
class NotNullDropped(LintRule):
    """NOT NULL is dropped from a column.

    A warning in general (readers must now expect NULLs); an error when a contract
    declares the column ``nullable: false``, because the gate's null check will fail on
    the first NULL that lands. Squawk: ``ban-drop-not-null``. Atlas: none.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" ALTER COLUMN "user_id" DROP NOT NULL;

    **Best practice**

    Update the contract (``nullable: true``) and the gold logic for NULLs in the same
    pull request.

    .. code-block:: yaml

        user_id: {type: uuid, nullable: true}
    """

    code = "WDL009"
    name = "column.not_null_dropped"
    compat = "warning"
    pipeline = True
    squawk = ("ban-drop-not-null",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        out = []
        for table, cmd in alter_cmds(stmt.node):
            if cmd.subtype != AT.AT_DropNotNull or not ctx.existing(table):
                continue
            relied = [
                c.contract
                for c in ctx.contracts_for(table)
                if cmd.name in c.columns and not c.columns[cmd.name].nullable
            ]
            f = cls.at(
                stmt,
                ctx,
                f"column {table}.{cmd.name} becomes nullable"
                + (f"; contract {', '.join(relied)} requires it non-null" if relied else ""),
                help="set nullable: true in the contract and handle NULLs in gold",
                table=table,
                column=cmd.name,
            )
            if relied:
                f.severity = "error"
                f.compat = "breaking"
            out.append(f)
        return out

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        col = contract.columns.get(finding.column or "")
        if col is None or col.nullable:
            return []
        return [f"~ columns.{finding.column}.nullable: false -> true"]
