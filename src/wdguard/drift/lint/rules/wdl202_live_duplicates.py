"""WDL202 data.duplicates_block_unique."""

from __future__ import annotations

from psycopg import sql

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.live import SAMPLE_KEYS, Undecided, unsafe_part
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.replay_catalog import expr_text
from wdguard.drift.lint.rule import AT, CT, alter_cmds, ast, names
from wdguard.drift.lint.rules._live_rule import LiveRule, Target, plural
from wdguard.findings import Finding, register


@register
class LiveDuplicatesBlockUnique(LiveRule):
    """A unique index, UNIQUE or PRIMARY KEY over values the live rows repeat (``--dsn``).

    Building the index fails at the first duplicate, after reading the table under its
    lock (and a failed ``CREATE UNIQUE INDEX CONCURRENTLY`` leaves an INVALID index
    behind). NULLs are distinct unless the index says ``NULLS NOT DISTINCT``; a partial
    index counts only the rows its WHERE keeps. Reported with the number of duplicate
    keys, the rows holding them and the most repeated keys. Squawk, Atlas: none.

    **Anti-pattern**

    .. code-block:: sql

        -- two users share an email
        CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

    **Best practice**

    Merge or fix the duplicate rows first (the finding lists them), then build the index
    (``CONCURRENTLY`` on a live table).
    """

    code = "WDL202"
    name = "data.duplicates_block_unique"
    severity = "error"

    @classmethod
    def targets(cls, stmt: Statement, ctx: LintContext) -> list[Target]:
        node, out = stmt.node, []
        if isinstance(node, ast.IndexStmt) and node.unique:
            table = node.relation.relname
            keys = [p.name or expr_text(p.expr) for p in node.indexParams or ()
                    if isinstance(p, ast.IndexElem)]
            cols = [p.name for p in node.indexParams or () if isinstance(p, ast.IndexElem)]
            exprs = [p.expr for p in node.indexParams or ()
                     if isinstance(p, ast.IndexElem) and p.expr is not None]
            unsafe = next(filter(None, map(unsafe_part, [*exprs, node.whereClause])), None)
            out.append(Target(table, keys[0] if len(keys) == 1 else None,
                              " ".join(filter(None, ["unique index", node.idxname,
                                                        f"on {table} ({', '.join(keys)})"])),
                              {"keys": keys, "plain": [c for c in cols if c],
                               "where": expr_text(node.whereClause) if node.whereClause
                               else None, "nnd": bool(getattr(node, "nulls_not_distinct", 0)),
                               "unsafe": unsafe},
                              reads=[c for c in cols if c]))
        for table, cmd in alter_cmds(node):
            con = cmd.def_
            if (cmd.subtype == AT.AT_AddConstraint and isinstance(con, ast.Constraint)
                    and con.contype in (CT.CONSTR_UNIQUE, CT.CONSTR_PRIMARY)
                    and not con.indexname):
                keys = names(con.keys)
                kind = "primary key" if con.contype == CT.CONSTR_PRIMARY else "unique constraint"
                out.append(Target(table, keys[0] if len(keys) == 1 else None,
                                  " ".join(filter(None, [kind, con.conname,
                                                            f"on {table} ({', '.join(keys)})"])),
                                  {"keys": keys, "plain": keys, "where": None,
                                   "nnd": bool(getattr(con, "nulls_not_distinct", 0))},
                                  reads=keys))
        return [t for t in out if ctx.existing(t.table) and t.table not in ctx.written
                and not any((t.table, c) in ctx.added_here for c in t.data["plain"])]

    @classmethod
    def probe(cls, stmt: Statement, ctx: LintContext, t: Target) -> list[Finding]:
        live, table = ctx.live, ctx.live_table(t.table)
        if t.data.get("unsafe"):
            raise Undecided(f"its expression uses {t.data['unsafe']}, which the lint does not "
                            "run on the live database")
        plain = set(t.data["plain"])
        keys = [sql.Identifier(ctx.live_column(t.table, k)) if k in plain else sql.SQL(f"({k})")
                for k in t.data["keys"]]
        conds = [] if t.data["nnd"] else [sql.SQL("{} IS NOT NULL").format(k) for k in keys]
        if t.data["where"]:
            conds.append(sql.SQL(f"({t.data['where']})"))
        scan = live.scan(table)
        aliased = sql.SQL(", ").join(sql.SQL("{} AS {}").format(k, sql.Identifier(f"k{i}"))
                                     for i, k in enumerate(keys))
        shown = sql.SQL(", ").join(sql.SQL("coalesce({}::text, 'NULL')").format(
            sql.Identifier(f"k{i}")) for i in range(len(keys)))
        rows = live.rows(sql.SQL(
            "WITH d AS (SELECT {aliased}, count(*) AS n FROM {src} {where} GROUP BY {groups} "
            "HAVING count(*) > 1) "
            "SELECT count(*) OVER (), sum(n) OVER (), concat_ws(', ', {shown}), n FROM d "
            "ORDER BY n DESC, 3 LIMIT {limit}"
        ).format(aliased=aliased, src=scan.source,
                 where=sql.SQL("WHERE ") + sql.SQL(" AND ").join(conds) if conds else sql.SQL(""),
                 groups=sql.SQL(", ").join(sql.SQL(str(i + 1)) for i in range(len(keys))),
                 shown=shown, limit=sql.Literal(SAMPLE_KEYS)))
        if not rows:
            return cls.clean(stmt, ctx, t, scan)
        dup_keys, dup_rows = int(rows[0][0]), int(rows[0][1])
        sample = [f"({r[2]}) x{r[3]}" for r in rows]
        return [cls.found(
            stmt, ctx, t, scan,
            f"{t.what} fails: {plural(dup_keys, 'key')} repeated over "
            f"{plural(dup_rows, 'row')}, e.g. " + "; ".join(sample),
            help="merge or fix the duplicate rows before the migration adds the key",
            duplicate_keys=dup_keys, duplicate_rows=dup_rows, sample_keys=sample)]
