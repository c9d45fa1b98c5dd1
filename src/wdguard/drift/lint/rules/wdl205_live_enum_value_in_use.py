"""WDL205 data.enum_value_in_use."""

from __future__ import annotations

from psycopg import sql

from wdguard.drift.lint.context import LintContext, type_name
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rules._live_rule import (
    LiveRule,
    Target,
    cast_chain,
    changed_column,
    keys_of,
    plural,
    type_change,
    type_changes,
)
from wdguard.findings import Finding, register


@register
class LiveEnumValueInUse(LiveRule):
    """An enum loses a value that live rows still hold (``--dsn``).

    Prisma removes an enum value by recreating the type (``CREATE TYPE "X_new"``,
    ``ALTER COLUMN ... TYPE "X_new" USING ("c"::text::"X_new")``): the cast fails at the
    first row holding a value the new type lacks, half way through the deploy. Each
    column moved to the new type is counted per lost value, with a few row keys; enum
    arrays count their elements. Squawk, Atlas: none.

    **Anti-pattern**

    .. code-block:: sql

        -- 12 orders are REFUNDED
        CREATE TYPE "OrderStatus_new" AS ENUM ('PENDING', 'PAID', 'CANCELLED');
        ALTER TABLE "orders" ALTER COLUMN "status" TYPE "OrderStatus_new"
            USING ("status"::text::"OrderStatus_new");

    **Best practice**

    .. code-block:: sql

        UPDATE "orders" SET "status" = 'CANCELLED' WHERE "status" = 'REFUNDED';
        -- then recreate the enum
    """

    code = "WDL205"
    name = "data.enum_value_in_use"
    severity = "error"

    @classmethod
    def targets(cls, stmt: Statement, ctx: LintContext) -> list[Target]:
        out = []
        for table, cmd in type_changes(stmt, ctx):
            target = cmd.def_.typeName
            enum = type_name(target)
            if enum in ctx.state.enums and cast_chain(cmd.def_.raw_default, cmd.name,
                                                      target) is not None:
                out.append(type_change(table, cmd, enum=enum,
                                       values=list(ctx.state.enums[enum])))
        return out

    @classmethod
    def probe(cls, stmt: Statement, ctx: LintContext, t: Target) -> list[Finding]:
        changed = changed_column(ctx, t)
        if changed is None:
            return []
        live, (table, got, col) = ctx.live, changed
        scan = live.scan(table)
        value = sql.SQL("u::text") if got.is_array else sql.SQL("{}::text").format(col)
        frm = (sql.SQL("{} CROSS JOIN LATERAL unnest({}) AS u").format(scan.source, col)
               if got.is_array else scan.source)
        rows = live.rows(sql.SQL(
            "SELECT {v}, count(*), (array_agg({k}))[1:3] FROM {frm} "
            "WHERE {v} IS NOT NULL AND {v} <> ALL(%s) GROUP BY 1 ORDER BY 2 DESC, 1"
        ).format(v=value, k=keys_of(live, table), frm=frm), (t.data["values"],))
        if not rows:
            return cls.clean(stmt, ctx, t, scan)
        held = {r[0]: int(r[1]) for r in rows}
        parts = [f"{v!r} in {plural(n, 'row')} (e.g. {'; '.join(map(str, r[2]))})"
                 for (v, n), r in zip(held.items(), rows, strict=True)]
        return [cls.found(
            stmt, ctx, t, scan,
            f"{t.what} fails: rows still hold values enum {t.data['enum']} lacks: "
            + ", ".join(parts),
            help="move those rows to a kept value (UPDATE) before recreating the enum",
            enum=t.data["enum"], values_in_use=held,
            sample_keys=[str(k) for r in rows for k in r[2]][:5])]
