"""WDL115 partition.detach_not_concurrent."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, LintRule, alter_cmds
from wdguard.findings import Finding, register


@register
class DetachPartitionNotConcurrent(LintRule):
    """A partition is detached without CONCURRENTLY.

    Takes an ACCESS EXCLUSIVE lock on the parent table: every read and write of the
    whole partitioned table waits. Squawk: ``require-concurrent-partition-detach``.
    Atlas: none.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "events" DETACH PARTITION "events_2024";

    **Best practice**

    .. code-block:: sql

        ALTER TABLE "events" DETACH PARTITION "events_2024" CONCURRENTLY;
    """

    code = "WDL115"
    name = "partition.detach_not_concurrent"
    severity = "warning"
    squawk = ("require-concurrent-partition-detach",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        return [
            cls.at(
                stmt,
                ctx,
                f"DETACH PARTITION locks all of {table}",
                help="use DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+)",
                table=table,
            )
            for table, cmd in alter_cmds(stmt.node)
            if cmd.subtype == AT.AT_DetachPartition
            and not cmd.def_.concurrent
            and ctx.existing(table)
        ]
