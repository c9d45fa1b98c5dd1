"""WDL106 column.volatile_default."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, added_columns, default_expr, function_names
from wdguard.findings import Finding, register

# VOLATILE built-ins seen in migrations; now()/current_timestamp are STABLE and safe
VOLATILE = frozenset(
    {
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v1mc",
        "uuid_generate_v4",
        "random",
        "clock_timestamp",
        "timeofday",
        "nextval",
        "txid_current",
        "gen_random_bytes",
        "setseed",
    }
)


@register
class VolatileDefault(LintRule):
    """A column with a volatile default is added to an existing table.

    Since PostgreSQL 11 a constant or STABLE default (``now()``, ``'KE'``) is stored in
    the catalog and costs nothing; a VOLATILE one (``gen_random_uuid()``, ``random()``,
    ``clock_timestamp()``) is evaluated per row, rewriting the table under an ACCESS
    EXCLUSIVE lock. Squawk: ``adding-field-with-default``. Atlas: ``PG302``.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" ADD COLUMN "public_id" UUID NOT NULL DEFAULT gen_random_uuid();

    **Best practice**

    Add the column without the default, set the default for new rows, backfill in
    batches, then add NOT NULL.

    .. code-block:: sql

        ALTER TABLE "orders" ADD COLUMN "public_id" UUID;
        ALTER TABLE "orders" ALTER COLUMN "public_id" SET DEFAULT gen_random_uuid();
    """

    code = "WDL106"
    name = "column.volatile_default"
    severity = "warning"
    squawk = ("adding-field-with-default",)
    atlas = ("PG302",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        out = []
        for table, coldef in added_columns(stmt, ctx):
            volatile = [f for f in function_names(default_expr(coldef)) if f in VOLATILE]
            if volatile:
                out.append(
                    cls.at(
                        stmt,
                        ctx,
                        f"default {volatile[0]}() on new column {table}.{coldef.colname} "
                        "rewrites the table",
                        help="add the column without a default, SET DEFAULT, backfill in batches",
                        table=table,
                        column=coldef.colname,
                    )
                )
        return out
