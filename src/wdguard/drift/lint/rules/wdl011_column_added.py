"""WDL011 column.added."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, added_columns, default_expr, is_not_null
from wdguard.findings import Finding, register


@register
class ColumnAdded(LintRule):
    """A column is added to an existing table, nullable or NOT NULL with a default.

    Compatible: readers ignore it until the contract lists it (info). A NOT NULL column
    without a default is WDL103's business. Squawk: none. Atlas: none.

    **Anti-pattern**

    None for the pipeline.

    .. code-block:: sql

        ALTER TABLE "orders" ADD COLUMN "note" TEXT;

    **Best practice**

    Re-derive the contract in the same pull request so the lake starts checking it.

    .. code-block:: sh

        wdguard contracts derive prisma fixtures/prisma/schema.prisma
    """

    code = "WDL011"
    name = "column.added"
    compat = "compatible"
    pipeline = True

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        return [
            cls.at(
                stmt,
                ctx,
                f"column {table}.{coldef.colname} is added",
                help="re-derive the contract so the lake checks the new column",
                table=table,
                column=coldef.colname,
            )
            for table, coldef in added_columns(stmt, ctx)
            # a NOT NULL column without a default is WDL103's
            if not (is_not_null(coldef) and default_expr(coldef) is None)
        ]
