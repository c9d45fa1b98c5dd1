"""The shape every live-data rule (WDL201-WDL206) shares: nothing without `--dsn`; each
target of a statement probed on its own, an undecided probe reported as WDL200. Also what
the two rules on column type changes (WDL204 casts, WDL205 enums) share: which
`ALTER COLUMN ... TYPE` the live rows can judge, the cast chain, the column they read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from pglast.stream import RawStream
from psycopg import sql

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.live import SAMPLE_KEYS, LiveColumn, LiveProbe, Scan, Undecided
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, LintRule, alter_cmds, ast
from wdguard.drift.lint.rules.wdl200_live_not_checked import LiveNotChecked
from wdguard.findings import Finding


@dataclass
class Target:
    table: str  # as the statement names it
    column: str | None
    what: str  # `SET NOT NULL on users.email`
    data: dict[str, Any] = field(default_factory=dict)
    # live columns the probe reads (default: `column`); a table or column an earlier
    # pending migration creates is not in the database yet: nothing to check there
    reads: list[str] | None = None


class LiveRule(LintRule):
    """Base of the rules that ask the live database (`ctx.live`)."""

    live_only: ClassVar[bool] = True

    @classmethod
    def targets(cls, stmt: Statement, ctx: LintContext) -> list[Target]:
        raise NotImplementedError

    @classmethod
    def probe(cls, stmt: Statement, ctx: LintContext, t: Target) -> list[Finding]:
        raise NotImplementedError

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        if ctx.live is None:
            return []
        out: list[Finding] = []
        for t in cls.targets(stmt, ctx):
            try:
                _unqualified(stmt, ctx)
                if not _in_database(ctx, t):
                    continue
                out.extend(cls.probe(stmt, ctx, t))
            except Undecided as exc:
                out.append(LiveNotChecked.about(stmt, ctx, t.what, str(exc), table=t.table,
                                                column=t.column))
        return out

    @classmethod
    def found(cls, stmt: Statement, ctx: LintContext, t: Target, scan: Scan | None,
              message: str, *, help: str, **details: Any) -> Finding:
        """An error finding; says so when the counts come from a sample."""
        if scan is not None and scan.note:
            message += f" ({scan.note})"
            details["sampled"] = True
        return cls.at(stmt, ctx, message, help=help, table=t.table, column=t.column, **details)

    @classmethod
    def clean(cls, stmt: Statement, ctx: LintContext, t: Target, scan: Scan) -> list[Finding]:
        """Nothing found: silent after a whole-table read, an info after a sample."""
        if not scan.note:
            return []
        return [LiveNotChecked.about(stmt, ctx, t.what, scan.note, table=t.table,
                                     column=t.column, sampled=True)]


def _unqualified(stmt: Statement, ctx: LintContext) -> None:
    """The live checks read tables by name on the session's search_path: a table of
    another schema (multiSchema) is not checked rather than confused with a namesake."""
    relation = getattr(stmt.node, "relation", None)
    schema = getattr(relation, "schemaname", None)
    if schema and schema != (ctx.live.search_path or "public"):
        raise Undecided(f"the table is in schema {schema}, outside the session's search_path")


def _in_database(ctx: LintContext, t: Target) -> bool:
    """The table, and the columns the probe reads, exist in the live database (a column
    this migration adds is judged from the migration, not read)."""
    live, table = ctx.live, ctx.live_table(t.table)
    if live.size(table) is None:
        return False
    reads = t.reads if t.reads is not None else ([t.column] if t.column else [])
    return all((t.table, c) in ctx.added_here
               or live.column(table, ctx.live_column(t.table, c)) is not None for c in reads)


def keys_of(live: LiveProbe, table: str) -> sql.Composable:
    return live.key_columns(table)


def first(values: Any) -> list[str]:
    return [str(v) for v in (values or [])][:SAMPLE_KEYS]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def type_changes(stmt: Statement, ctx: LintContext) -> list[tuple[str, Any]]:
    """(table, command) of each `ALTER COLUMN ... TYPE` the live rows can judge: on a table
    that exists before the migration and that it has not written, of a column it did not
    add."""
    return [
        (table, cmd) for table, cmd in alter_cmds(stmt.node)
        if cmd.subtype == AT.AT_AlterColumnType and isinstance(cmd.def_, ast.ColumnDef)
        and ctx.existing(table) and table not in ctx.written
        and (table, cmd.name) not in ctx.added_here
    ]


def type_change(table: str, cmd: Any, **data: Any) -> Target:
    return Target(table, cmd.name,
                  f"type change of {table}.{cmd.name} to {RawStream()(cmd.def_.typeName)}", data)


def cast_chain(using: Any, column: str, target: ast.TypeName) -> list[ast.TypeName] | None:
    """The casts a column goes through: `[target]` without USING; the chain of
    `USING "c"::text::"T"`; None for any other USING expression."""
    if using is None:
        return [target]
    chain: list[ast.TypeName] = []
    node = using
    while isinstance(node, ast.TypeCast):
        chain.insert(0, node.typeName)
        node = node.arg
    if isinstance(node, ast.ColumnRef):
        fields = [f.sval for f in node.fields or () if isinstance(f, ast.String)]
        if fields and fields[-1] == column and chain:
            return chain
    return None


def changed_column(ctx: LintContext, t: Target) -> tuple[str, LiveColumn, sql.Composable] | None:
    """The live table a type change reads, its column as the database has it, and that
    column as a scan names it (`s."col"`); None when the column is not in the database."""
    table = ctx.live_table(t.table)
    column = ctx.live_column(t.table, t.column)
    got = ctx.live.column(table, column)
    if got is None:
        return None
    return table, got, sql.Identifier("s", column)
