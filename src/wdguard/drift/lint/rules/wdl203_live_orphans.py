"""WDL203 data.orphans_block_foreign_key."""

from __future__ import annotations

from psycopg import sql

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.live import SAMPLE_KEYS
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, CT, alter_cmds, ast, names
from wdguard.drift.lint.rules._live_rule import LiveRule, Target, first, plural
from wdguard.findings import Finding, register


@register
class LiveOrphansBlockForeignKey(LiveRule):
    """ADD FOREIGN KEY over rows whose key has no parent in the live database (``--dsn``).

    Validating the constraint fails at the first orphan, after scanning the table under
    SHARE ROW EXCLUSIVE. A parent table created in the same migration is empty, so every
    non-NULL key is an orphan. ``NOT VALID`` constraints check no existing row and are
    not probed. Reported with the orphan count and a few missing keys. Squawk, Atlas:
    none.

    **Anti-pattern**

    .. code-block:: sql

        -- 3 payments reference a deleted order
        ALTER TABLE "payments" ADD CONSTRAINT "payments_order_id_fkey"
            FOREIGN KEY ("order_id") REFERENCES "orders"("id");

    **Best practice**

    Delete or re-point the orphans first; or add the key ``NOT VALID`` (new rows are
    checked), clean up, then ``VALIDATE CONSTRAINT``.
    """

    code = "WDL203"
    name = "data.orphans_block_foreign_key"
    severity = "error"

    @classmethod
    def targets(cls, stmt: Statement, ctx: LintContext) -> list[Target]:
        out = []
        for table, cmd in alter_cmds(stmt.node):
            con = cmd.def_
            if not (cmd.subtype == AT.AT_AddConstraint and isinstance(con, ast.Constraint)
                    and con.contype == CT.CONSTR_FOREIGN and not con.skip_validation):
                continue
            cols, ref = names(con.fk_attrs), con.pktable.relname
            if (not ctx.existing(table) or table in ctx.written
                    or any((table, c) in ctx.added_here for c in cols)):
                continue
            what = " ".join(filter(None, ["foreign key", con.conname,
                                          f"{table}({', '.join(cols)}) -> {ref}"]))
            out.append(Target(table, cols[0] if len(cols) == 1 else None, what,
                              {"cols": cols, "ref": ref, "ref_cols": names(con.pk_attrs)},
                              reads=cols))
        return out

    @classmethod
    def probe(cls, stmt: Statement, ctx: LintContext, t: Target) -> list[Finding]:
        live, table = ctx.live, ctx.live_table(t.table)
        cols = [sql.Identifier("s", ctx.live_column(t.table, c)) for c in t.data["cols"]]
        conds = [sql.SQL("{} IS NOT NULL").format(c) for c in cols]
        ref = t.data["ref"]
        if ctx.existing(ref) and live.size(ctx.live_table(ref)) is not None:
            # the parent has rows: look each key up
            ref_live = ctx.live_table(ref)
            ref_cols = [ctx.live_column(ref, c) for c in t.data["ref_cols"]] or \
                live.primary_key(ref_live)
            if len(ref_cols) != len(cols):
                return []
            match = sql.SQL(" AND ").join(sql.SQL("p.{} = {}").format(sql.Identifier(r), c)
                                          for r, c in zip(ref_cols, cols, strict=True))
            conds.append(sql.SQL("NOT EXISTS (SELECT 1 FROM {} AS p WHERE {})").format(
                sql.Identifier(ref_live), match))
        scan = live.scan(table)
        shown = sql.SQL("concat_ws(', ', {})").format(
            sql.SQL(", ").join(sql.SQL("{}::text").format(c) for c in cols))
        orphans, keys = live.rows(sql.SQL(
            "SELECT count(*), (array_agg(DISTINCT {shown}))[1:{n}] FROM {src} WHERE {conds}"
        ).format(shown=shown, n=sql.Literal(SAMPLE_KEYS), src=scan.source,
                 conds=sql.SQL(" AND ").join(conds)))[0]
        if not orphans:
            return cls.clean(stmt, ctx, t, scan)
        parent = "" if ctx.existing(ref) and live.size(ctx.live_table(ref)) else (
            f" ({ref} is created empty by the pending migrations)")
        return [cls.found(
            stmt, ctx, t, scan,
            f"{t.what} fails: no {ref} row for the key of {plural(orphans, 'row')}{parent}, "
            f"e.g. missing keys " + "; ".join(first(keys)),
            help="delete or re-point the orphans first, or add the key NOT VALID, clean up, "
            "then VALIDATE CONSTRAINT",
            orphan_rows=orphans, sample_keys=first(keys))]
