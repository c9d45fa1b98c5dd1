"""WDL014 foreign_key.dropped."""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, LintRule, alter_cmds
from wdguard.findings import Finding, register


@register
class ForeignKeyDropped(LintRule):
    """A foreign key of an existing table is dropped.

    Orphan rows become possible; the contract's ``references`` check and gold joins that
    assume the relation may start failing or dropping rows. Squawk:
    ``ban-drop-constraint``. Atlas:
    ``CD101``.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" DROP CONSTRAINT "orders_user_id_fkey";

    **Best practice**

    Drop the ``references`` from the contract and make gold joins outer joins first.

    .. code-block:: yaml

        user_id: {type: uuid, nullable: false}   # references removed
    """

    code = "WDL014"
    name = "foreign_key.dropped"
    compat = "warning"
    pipeline = True
    squawk = ("ban-drop-constraint",)
    atlas = ("CD101",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        out = []
        for table, cmd in alter_cmds(stmt.node):
            if cmd.subtype != AT.AT_DropConstraint or not ctx.existing(table):
                continue
            kind = ctx.state.constraints.get(cmd.name, (table, ""))[1]
            if kind == "fk" or (not kind and cmd.name.endswith("_fkey")):
                out.append(
                    cls.at(
                        stmt,
                        ctx,
                        f"foreign key {cmd.name} of {table} is dropped",
                        help="remove the contract's references and check gold joins",
                        table=table,
                        constraint=cmd.name,
                    )
                )
        return out

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        return [f"- foreign_keys.{finding.details['constraint']}"]
