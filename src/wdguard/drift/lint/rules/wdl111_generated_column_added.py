"""WDL111 column.generated_added."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, added_columns, fills_itself
from wdguard.findings import Finding, register


@register
class GeneratedColumnAdded(LintRule):
    """A serial, identity or stored generated column is added to an existing table.

    Each fills every existing row, rewriting the table under an ACCESS EXCLUSIVE lock.
    Squawk: ``adding-serial-primary-key-field``, ``prefer-identity``. Atlas: ``PG302``
    (same rewrite).

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "tags" ADD COLUMN "seq" SERIAL;

    **Best practice**

    Add a plain nullable column, attach a sequence default for new rows, backfill in
    batches.

    .. code-block:: sql

        ALTER TABLE "tags" ADD COLUMN "seq" BIGINT;
    """

    code = "WDL111"
    name = "column.generated_added"
    severity = "warning"
    squawk = ("adding-serial-primary-key-field", "prefer-identity")
    atlas = ("PG302",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        return [
            cls.at(
                stmt,
                ctx,
                f"generated column {table}.{coldef.colname} fills every row: table rewrite",
                help="add a plain nullable column and backfill it in batches",
                table=table,
                column=coldef.colname,
            )
            for table, coldef in added_columns(stmt, ctx)
            if fills_itself(coldef)
        ]
