"""WDL200 data.not_checked."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule
from wdguard.findings import Finding, register


@register
class LiveNotChecked(LintRule):
    """A live-data check (``--dsn``) could not decide, or saw only a sample.

    The live checks (WDL201-WDL206) run bounded, read-only queries: one that hits the
    statement timeout (``--live-timeout``), waits on a lock past ``lock_timeout`` or
    fails is reported here as a warning, so a reviewer knows the hazard was *not* ruled
    out. A table larger than ``--max-scan-rows`` is read through ``TABLESAMPLE``; when
    the sample is clean this is an info saying so (a sample cannot prove the absence of
    a rare bad row). Squawk, Atlas: none.

    **Anti-pattern**

    .. code-block:: sql

        -- orders is locked by a long transaction while the lint runs
        ALTER TABLE "orders" ALTER COLUMN "email" SET NOT NULL;

    **Best practice**

    Re-run the lint when the table is quiet, or with a larger ``--live-timeout`` /
    ``--max-scan-rows``; or check the data by hand before the deploy.
    """

    code = "WDL200"
    name = "data.not_checked"
    severity = "warning"
    live_only = True

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        return []  # raised by the live rules through `about`

    @classmethod
    def about(
        cls, stmt: Statement, ctx: LintContext, what: str, reason: str, *, table: str,
        column: str | None = None, sampled: bool = False,
    ) -> Finding:
        """Undecided (a warning), or clean in a sample only (`sampled`: an info)."""
        if sampled:
            f = cls.at(stmt, ctx, f"{what}: no bad row in the sample; {reason}",
                       table=table, column=column,
                       help="a sample cannot prove that no row is bad: raise --max-scan-rows "
                       "to read the whole table")
            f.severity = "info"
            return f
        return cls.at(stmt, ctx, f"{what}: not checked against the live data, {reason}",
                      table=table, column=column,
                      help="re-run when the table is quiet or with a larger --live-timeout "
                      "/ --max-scan-rows, or check the data by hand")
