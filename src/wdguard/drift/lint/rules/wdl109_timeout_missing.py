"""WDL109 timeout.missing."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext, object_name
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, CT, OT, LintRule, ast
from wdguard.findings import Finding, register

# ALTER TABLE commands that take less than ACCESS EXCLUSIVE (PostgreSQL's
# AlterTableGetLockLevel): SHARE UPDATE EXCLUSIVE or SHARE ROW EXCLUSIVE
_WEAKER = frozenset({
    AT.AT_ValidateConstraint, AT.AT_SetStatistics, AT.AT_SetOptions, AT.AT_ResetOptions,
    AT.AT_ClusterOn, AT.AT_DropCluster, AT.AT_AttachPartition,
    AT.AT_EnableTrig, AT.AT_DisableTrig, AT.AT_EnableTrigAll, AT.AT_DisableTrigAll,
    AT.AT_EnableTrigUser, AT.AT_DisableTrigUser, AT.AT_EnableAlwaysTrig,
    AT.AT_EnableReplicaTrig,
})


def _weaker(cmd: ast.AlterTableCmd) -> bool:
    """ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE; the commands above less than that."""
    if cmd.subtype == AT.AT_AddConstraint:
        return isinstance(cmd.def_, ast.Constraint) and cmd.def_.contype == CT.CONSTR_FOREIGN
    return cmd.subtype in _WEAKER


def _access_exclusive_alter(node: ast.AlterTableStmt) -> bool:
    return any(not _weaker(c) for c in node.cmds or () if isinstance(c, ast.AlterTableCmd))


def locked_table(node: object, ctx: LintContext) -> str | None:
    """The existing table a statement takes ACCESS EXCLUSIVE on, if any (CREATE INDEX
    takes SHARE, ADD FOREIGN KEY SHARE ROW EXCLUSIVE: they block writes, not reads, and
    WDL101 / WDL107 report them)."""
    altered = (
        isinstance(node, ast.AlterTableStmt)
        and node.objtype == OT.OBJECT_TABLE
        and _access_exclusive_alter(node)
    )
    renamed = (
        isinstance(node, ast.RenameStmt)
        and node.relation is not None
        and node.renameType in (OT.OBJECT_TABLE, OT.OBJECT_COLUMN, OT.OBJECT_TABCONSTRAINT)
    )
    if altered or renamed:
        table = node.relation.relname  # type: ignore[attr-defined]
    elif (
        isinstance(node, ast.DropStmt)
        and not node.concurrent
        and node.removeType
        in (
            OT.OBJECT_TABLE,
            OT.OBJECT_INDEX,
        )
    ):
        names = [object_name(o) for o in node.objects or ()]
        if node.removeType == OT.OBJECT_INDEX:  # the index's table, when the history knows it
            names = [ctx.state.indexes[n] for n in names if n in ctx.state.indexes]
        table = next((n for n in names if ctx.existing(n)), None)
    elif isinstance(node, ast.TruncateStmt):
        table = node.relations[0].relname if node.relations else None
    elif isinstance(node, ast.ClusterStmt) and node.relation is not None:
        table = node.relation.relname
    else:
        return None
    return table if table and ctx.existing(table) else None


@register
class TimeoutMissing(LintRule):
    """A statement takes ACCESS EXCLUSIVE on an existing table but no lock_timeout was set.

    A DDL lock request queues behind any long transaction and every query behind it
    queues too: without ``lock_timeout`` a blocked migration takes the table down.
    Reported once per migration, at the first statement that takes ACCESS EXCLUSIVE on a
    table that existed before the migration (ALTER TABLE but for ADD FOREIGN KEY,
    VALIDATE and the other weaker commands, RENAME, DROP TABLE / INDEX, TRUNCATE,
    CLUSTER); tables the migration creates, and CREATE INDEX (SHARE), do not count.
    ``SET lock_timeout = 0`` (or ``'0ms'``, ``TO DEFAULT``, ``RESET``) switches the
    timeout off and counts as not set. Squawk:
    ``require-timeout-settings`` (``require-lock-timeout`` and
    ``require-statement-timeout`` since Squawk 2). Atlas: none.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" ADD COLUMN "note" TEXT;

    **Best practice**

    .. code-block:: sql

        SET lock_timeout = '2s';
        SET statement_timeout = '5min';
        ALTER TABLE "orders" ADD COLUMN "note" TEXT;
    """

    code = "WDL109"
    name = "timeout.missing"
    severity = "warning"
    squawk = ("require-timeout-settings", "require-lock-timeout", "require-statement-timeout")

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        if cls.code in ctx.flags or "lock_timeout" in ctx.timeouts_set:
            return []
        table = locked_table(stmt.node, ctx)
        if table is None:
            return []
        ctx.flags.add(cls.code)
        return [
            cls.at(
                stmt,
                ctx,
                f"locks existing table {table} with no lock_timeout set in this migration",
                help="start the migration with SET lock_timeout = '2s'; (and a statement_timeout)",
                table=table,
            )
        ]
