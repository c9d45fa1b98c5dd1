"""WDL201 data.nulls_block_not_null."""

from __future__ import annotations

from psycopg import sql

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.live import SAMPLE_KEYS
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, alter_cmds
from wdguard.drift.lint.rules._live_rule import LiveRule, Target, first, keys_of, plural
from wdguard.findings import Finding, register


@register
class LiveNullsBlockNotNull(LiveRule):
    """SET NOT NULL on a column that holds NULLs in the live database (``--dsn``).

    The migration fails half way on production: PostgreSQL scans the table under ACCESS
    EXCLUSIVE and aborts at the first NULL. A column added earlier in the same migration
    without a default is NULL in every existing row. Reported with the count of NULL
    rows and a few of their primary keys. Squawk, Atlas: none (static); Atlas's
    data-dependent checks need a dev database.

    **Anti-pattern**

    .. code-block:: sql

        -- users.email is NULL in 120 rows
        ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;

    **Best practice**

    .. code-block:: sql

        UPDATE "users" SET "email" = id || '@unknown.invalid' WHERE "email" IS NULL;
        ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;
    """

    code = "WDL201"
    name = "data.nulls_block_not_null"
    severity = "error"

    @classmethod
    def targets(cls, stmt: Statement, ctx: LintContext) -> list[Target]:
        return [
            Target(table, cmd.name, f"SET NOT NULL on {table}.{cmd.name}")
            for table, cmd in alter_cmds(stmt.node)
            if cmd.subtype == AT.AT_SetNotNull and ctx.existing(table)
            and table not in ctx.written
        ]

    @classmethod
    def probe(cls, stmt: Statement, ctx: LintContext, t: Target) -> list[Finding]:
        live, table = ctx.live, ctx.live_table(t.table)
        help = "fill the NULLs first (UPDATE ... WHERE col IS NULL) or give the column a default"
        if (t.table, t.column) in ctx.added_here:
            if ctx.added_here[(t.table, t.column)] or not live.has_rows(table):
                return []
            size = live.size(table)
            return [cls.found(stmt, ctx, t, None,
                              f"{t.what} fails: the column was added earlier in this migration "
                              f"without a default, so every existing row is NULL "
                              f"({size.describe(table) if size else table})", help=help)]
        col = sql.Identifier("s", ctx.live_column(t.table, t.column))
        scan = live.scan(table)
        nulls, keys = live.rows(sql.SQL(
            "SELECT count(*) FILTER (WHERE {c} IS NULL), "
            "(array_agg({k}) FILTER (WHERE {c} IS NULL))[1:{n}] FROM {src}"
        ).format(c=col, k=keys_of(live, table), n=sql.Literal(SAMPLE_KEYS),
                 src=scan.source))[0]
        if not nulls:
            return cls.clean(stmt, ctx, t, scan)
        return [cls.found(stmt, ctx, t, scan,
                          f"{t.what} fails: NULL in {plural(nulls, 'row')}, e.g. "
                          + "; ".join(first(keys)), help=help,
                          null_rows=nulls, sample_keys=first(keys))]
