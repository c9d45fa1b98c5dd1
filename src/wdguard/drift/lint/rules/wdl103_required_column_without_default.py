"""WDL103 column.required_without_default."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, added_columns, default_expr, fills_itself, is_not_null
from wdguard.findings import Finding, register


@register
class RequiredColumnWithoutDefault(LintRule):
    """A NOT NULL column without a default is added to an existing table.

    On a table with rows the migration fails (``column contains null values``), and the
    deploy stops half-way. Squawk: ``adding-required-field``,
    ``adding-not-nullable-field``. Atlas: ``MF103``.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" ADD COLUMN "currency" CHAR(3) NOT NULL;

    **Best practice**

    Give it a (non-volatile) default, or add it nullable, backfill, then set NOT NULL.

    .. code-block:: sql

        ALTER TABLE "orders" ADD COLUMN "currency" CHAR(3) NOT NULL DEFAULT 'KES';
    """

    code = "WDL103"
    name = "column.required_without_default"
    severity = "error"
    squawk = ("adding-required-field", "adding-not-nullable-field")
    atlas = ("MF103",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        return [
            cls.at(
                stmt,
                ctx,
                f"NOT NULL column {table}.{coldef.colname} has no default; "
                "the migration fails if the table has rows",
                help="add a DEFAULT, or add it nullable, backfill, then SET NOT NULL",
                table=table,
                column=coldef.colname,
            )
            for table, coldef in added_columns(stmt, ctx)
            if is_not_null(coldef) and default_expr(coldef) is None and not fills_itself(coldef)
        ]
