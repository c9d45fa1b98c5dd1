"""WDL005 column.type_changed."""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext, type_name
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import (
    AT,
    LintRule,
    alter_cmds,
    compatible_type_change,
    logical_of_name,
    logical_type,
)
from wdguard.findings import Finding, register


@register
class ColumnTypeChanged(LintRule):
    """A column's type changes to another family or narrows.

    Silver casts and gold expressions are written for the old type. Widening inside a
    family (``varchar(50)`` -> ``text``, ``int`` -> ``bigint``) is compatible and not
    reported; an enum swapped for its recreated copy is WDL006/WDL012's business.
    Squawk: ``changing-column-type``. Atlas: ``BC`` class (incompatible change).

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE TEXT;

    **Best practice**

    Add a new column of the new type, backfill it, move readers, drop the old one later.

    .. code-block:: sql

        ALTER TABLE "orders" ADD COLUMN "total_text" TEXT;
    """

    code = "WDL005"
    name = "column.type_changed"
    compat = "breaking"
    pipeline = True
    squawk = ("changing-column-type",)
    atlas = ("BC",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        out = []
        known = set(ctx.state.enums) | ctx.enums_created_here
        for table, cmd in alter_cmds(stmt.node):
            if cmd.subtype != AT.AT_AlterColumnType or not ctx.existing(table):
                continue
            target = type_name(cmd.def_.typeName)
            if target in ctx.enums_created_here:
                continue  # Prisma's enum recreation: judged by the enum rules
            new = logical_type(cmd.def_.typeName, known)
            old = cls._old_type(ctx, table, cmd.name, known)
            if old is not None and compatible_type_change(old, new):
                continue
            out.append(
                cls.at(
                    stmt,
                    ctx,
                    f"column {table}.{cmd.name} changes type"
                    + (f" from {old}" if old else "")
                    + f" to {target} ({new})",
                    help="add a column of the new type and backfill it; drop the old later",
                    table=table,
                    column=cmd.name,
                    old_type=old,
                    new_type=new,
                )
            )
        return out

    @staticmethod
    def _old_type(ctx: LintContext, table: str, column: str, known: set[str]) -> str | None:
        for contract in ctx.contracts_for(table):
            if column in contract.columns:
                return contract.columns[column].type
        declared = ctx.state.columns.get((table, column))
        return logical_of_name(declared[0], known) if declared else None

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        col = contract.columns.get(finding.column or "")
        if col is None or col.type == finding.details["new_type"]:
            return []
        return [f"~ columns.{finding.column}.type: {col.type} -> {finding.details['new_type']}"]
