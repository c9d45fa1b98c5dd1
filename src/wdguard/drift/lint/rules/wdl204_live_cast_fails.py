"""WDL204 data.cast_fails."""

from __future__ import annotations

from typing import Any

from pglast.stream import RawStream
from psycopg import sql

from wdguard.drift.lint.context import LintContext, type_name, typmods
from wdguard.drift.lint.live import SAMPLE_KEYS, LiveProbe, Undecided, unsafe_part
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import ast
from wdguard.drift.lint.rules._live_rule import (
    LiveRule,
    Target,
    cast_chain,
    changed_column,
    first,
    keys_of,
    plural,
    type_change,
    type_changes,
)
from wdguard.findings import Finding, register

MAX_DISTINCT = 10_000  # distinct values searched for the failing ones


def apply_chain(value: sql.Composable, chain: list[ast.TypeName]) -> sql.Composable:
    for tn in chain:
        value = sql.SQL("({})::{}").format(value, sql.SQL(RawStream()(tn)))
    return value


def failing_values(live: LiveProbe, values: list[str], test: Any, limit: int) -> list[str]:
    """Up to `limit` values that fail `test`, by halving the batches that fail."""
    if not values or not test(values):
        return []
    if len(values) == 1:
        return values
    mid = len(values) // 2
    found = failing_values(live, values[:mid], test, limit)
    if len(found) < limit:
        found += failing_values(live, values[mid:], test, limit - len(found))
    return found


@register
class LiveCastFails(LiveRule):
    """A column type change whose cast fails on values the live rows hold (``--dsn``).

    ``ALTER COLUMN ... TYPE`` converts every row under ACCESS EXCLUSIVE and aborts at
    the first value it cannot convert (``'n/a'`` to integer, a 40-character string into
    ``varchar(32)``, 3 000 000 000 into integer). The cast (or the ``USING`` cast chain)
    is tried on the live values; the first failing values are found by halving and the
    rows holding them counted. A ``USING`` expression other than a cast of the column
    is tried whole (no sample values). Squawk, Atlas: none.

    **Anti-pattern**

    .. code-block:: sql

        -- products.weight holds 'n/a'
        ALTER TABLE "products" ALTER COLUMN "weight" SET DATA TYPE INTEGER
            USING "weight"::integer;

    **Best practice**

    Clean the values first (or write a ``USING`` expression that maps them), then change
    the type.
    """

    code = "WDL204"
    name = "data.cast_fails"
    severity = "error"

    @classmethod
    def targets(cls, stmt: Statement, ctx: LintContext) -> list[Target]:
        return [type_change(table, cmd, target=cmd.def_.typeName, using=cmd.def_.raw_default)
                for table, cmd in type_changes(stmt, ctx)
                # an enum: WDL205 counts the values it loses
                if type_name(cmd.def_.typeName) not in ctx.state.enums]

    @classmethod
    def probe(cls, stmt: Statement, ctx: LintContext, t: Target) -> list[Finding]:
        changed = changed_column(ctx, t)
        if changed is None:
            return []
        live, (table, src_col, col) = ctx.live, changed
        target: ast.TypeName = t.data["target"]
        scan = live.scan(table)
        help = "clean the values first, or write a USING expression that maps them"
        base, mods = type_name(target).lower(), typmods(target)
        if t.data["using"] is None and base in ("varchar", "bpchar") and mods:
            return cls._too_long(stmt, ctx, t, scan, col, mods[0], help)
        chain = cast_chain(t.data["using"], t.column, target)
        if chain is None:
            unsafe = unsafe_part(t.data["using"])
            if unsafe:
                raise Undecided(f"its USING expression uses {unsafe}, which the lint does not "
                                "run on the live database")
            whole = sql.SQL("SELECT count(({}))::bigint FROM {}").format(
                sql.SQL(RawStream()(t.data["using"])), scan.source)
            if not live.cast_fails(whole):
                return cls.clean(stmt, ctx, t, scan)
            return [cls.found(stmt, ctx, t, scan,
                              f"{t.what} fails: the USING expression raises on the live rows",
                              help=help)]
        if not live.cast_fails(sql.SQL("SELECT count({}) FROM {}").format(
                apply_chain(col, chain), scan.source)):
            return cls.clean(stmt, ctx, t, scan)
        values = [r[0] for r in live.rows(sql.SQL(
            "SELECT DISTINCT {c}::text FROM {src} WHERE {c} IS NOT NULL ORDER BY 1 LIMIT {n}"
        ).format(c=col, src=scan.source, n=sql.Literal(MAX_DISTINCT)))]
        each = apply_chain(sql.SQL("(u.v)::{}").format(sql.SQL(src_col.db_type)), chain)

        def test(batch: list[str]) -> bool:
            return live.cast_fails(sql.SQL("SELECT count({}) FROM unnest(%s::text[]) AS u(v)")
                                   .format(each), (batch,))

        bad = failing_values(live, values, test, SAMPLE_KEYS)
        rows, keys = live.rows(sql.SQL(
            "SELECT count(*), (array_agg({k}))[1:{n}] FROM {src} WHERE {c}::text = ANY(%s)"
        ).format(k=keys_of(live, table), n=sql.Literal(SAMPLE_KEYS), src=scan.source, c=col),
            (bad,))[0]
        shown = ", ".join(repr(v) for v in bad)
        return [cls.found(
            stmt, ctx, t, scan,
            f"{t.what} fails: the cast cannot convert the values of {plural(rows, 'row')}, "
            f"first {shown}" + (f" (rows {'; '.join(first(keys))})" if keys else ""),
            help=help, failing_values=bad, failing_rows=rows, sample_keys=first(keys))]

    @classmethod
    def _too_long(cls, stmt: Statement, ctx: LintContext, t: Target, scan: Any,
                  col: sql.Composable, length: int, help: str) -> list[Finding]:
        live = ctx.live
        rows, values, keys = live.rows(sql.SQL(
            "SELECT count(*), (array_agg(left({c}::text, 40)))[1:{n}], "
            "(array_agg({k}))[1:{n}] FROM {src} WHERE char_length(rtrim({c}::text)) > {len}"
        ).format(c=col, k=keys_of(live, ctx.live_table(t.table)),
                 n=sql.Literal(SAMPLE_KEYS), src=scan.source, len=sql.Literal(length)))[0]
        if not rows:
            return cls.clean(stmt, ctx, t, scan)
        return [cls.found(
            stmt, ctx, t, scan,
            f"{t.what} fails: values longer than {length} characters in "
            f"{plural(rows, 'row')}, first {', '.join(repr(v) for v in first(values))}",
            help=help, failing_rows=rows, failing_values=first(values),
            sample_keys=first(keys))]
