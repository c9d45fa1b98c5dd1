"""WDL111 column.generated_added."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext, type_name
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, CT, LintRule, alter_cmds, has_constraint
from wdguard.findings import Finding, register

_SERIALS = {"serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"}


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
        out = []
        for table, cmd in alter_cmds(stmt.node):
            if cmd.subtype != AT.AT_AddColumn or not ctx.existing(table):
                continue
            coldef = cmd.def_
            serial = coldef.typeName is not None and type_name(coldef.typeName).lower() in _SERIALS
            if serial or has_constraint(coldef, CT.CONSTR_IDENTITY, CT.CONSTR_GENERATED):
                out.append(
                    cls.at(
                        stmt,
                        ctx,
                        f"generated column {table}.{coldef.colname} fills every row: table rewrite",
                        help="add a plain nullable column and backfill it in batches",
                        table=table,
                        column=coldef.colname,
                    )
                )
        return out
