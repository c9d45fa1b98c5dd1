"""WDL103 column.required_without_default."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import (
    AT,
    CT,
    LintRule,
    alter_cmds,
    default_expr,
    has_constraint,
    is_not_null,
)
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
        out = []
        for table, cmd in alter_cmds(stmt.node):
            if cmd.subtype != AT.AT_AddColumn or not ctx.existing(table):
                continue
            coldef = cmd.def_
            generated = has_constraint(coldef, CT.CONSTR_IDENTITY, CT.CONSTR_GENERATED)
            serial = coldef.typeName is not None and any(
                getattr(n, "sval", "").lower() in ("serial", "bigserial", "smallserial")
                for n in coldef.typeName.names or ()
            )
            if is_not_null(coldef) and default_expr(coldef) is None and not (generated or serial):
                out.append(
                    cls.at(
                        stmt,
                        ctx,
                        f"NOT NULL column {table}.{coldef.colname} has no default; "
                        "the migration fails if the table has rows",
                        help="add a DEFAULT, or add it nullable, backfill, then SET NOT NULL",
                        table=table,
                        column=coldef.colname,
                    )
                )
        return out
