"""WDL206 data.rows_block_required_column."""

from __future__ import annotations

from psycopg import sql

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.live import SAMPLE_KEYS, human_count
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import added_columns, default_expr, fills_itself, is_not_null
from wdguard.drift.lint.rules._live_rule import LiveRule, Target, first, keys_of, plural
from wdguard.findings import Finding, register


@register
class LiveRowsBlockRequiredColumn(LiveRule):
    """ADD COLUMN ... NOT NULL without a default on a table that has rows (``--dsn``).

    WDL103 says this can fail; with the live database it is certain: PostgreSQL cannot
    fill the existing rows and the migration stops there. An empty table (or one this
    migration emptied first) takes the column without trouble and is not reported.
    Squawk, Atlas: none (static ones: see WDL103).

    **Anti-pattern**

    .. code-block:: sql

        -- orders has 8.3M rows
        ALTER TABLE "orders" ADD COLUMN "channel" TEXT NOT NULL;

    **Best practice**

    .. code-block:: sql

        ALTER TABLE "orders" ADD COLUMN "channel" TEXT NOT NULL DEFAULT 'web';
    """

    code = "WDL206"
    name = "data.rows_block_required_column"
    severity = "error"

    @classmethod
    def targets(cls, stmt: Statement, ctx: LintContext) -> list[Target]:
        return [
            Target(table, col.colname, f"ADD COLUMN {table}.{col.colname} NOT NULL", reads=[])
            for table, col in added_columns(stmt, ctx)
            if is_not_null(col) and default_expr(col) is None and not fills_itself(col)
            and table not in ctx.written
        ]

    @classmethod
    def probe(cls, stmt: Statement, ctx: LintContext, t: Target) -> list[Finding]:
        live, table = ctx.live, ctx.live_table(t.table)
        keys = [r[0] for r in live.rows(sql.SQL("SELECT {k} FROM {t} AS s LIMIT {n}").format(
            k=keys_of(live, table), t=sql.Identifier(table), n=sql.Literal(SAMPLE_KEYS)))]
        if not keys:
            return []
        size = live.size(table)
        if size.rows > live.max_scan_rows:  # the catalog's estimate: no count of a big table
            rows, counted = size.rows, f"~{human_count(size.rows)} rows"
        else:
            rows = live.rows(sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {}) AS c")
                             .format(sql.Identifier(table), sql.Literal(live.max_scan_rows)))[0][0]
            counted = plural(rows, "row")
        return [cls.found(
            stmt, ctx, t, None,
            f"{t.what} without a default fails: the table has {counted}, e.g. "
            + "; ".join(first(keys)),
            help="add a DEFAULT (PostgreSQL 11+ adds it without a rewrite), or add the "
            "column nullable, backfill, then SET NOT NULL",
            rows=rows, sample_keys=first(keys))]
