"""WDL000 ignore.no_reason."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule
from wdguard.findings import Finding, register


@register
class IgnoreWithoutReason(LintRule):
    """A ``wdguard-ignore`` comment gives no reason: it is refused.

    A suppression is a reviewed decision, and the reason is what the next reviewer reads
    (it is kept in the JSON output and the run's record). Without one the comment
    suppresses nothing: the finding it names is reported as usual, and this error says
    why. Squawk, Atlas: none.

    **Anti-pattern**

    .. code-block:: sql

        -- wdguard-ignore: WDL002
        ALTER TABLE "orders" DROP COLUMN "note";

    **Best practice**

    .. code-block:: sql

        -- wdguard-ignore: WDL002 unused since the Order contract v3, gold reads no note
        ALTER TABLE "orders" DROP COLUMN "note";
    """

    code = "WDL000"
    name = "ignore.no_reason"
    severity = "error"

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        out = []
        for line, code in stmt.unreasoned:
            key = f"{cls.code}:{line}:{code}"
            if key in ctx.flags:  # one comment can sit before two statements
                continue
            ctx.flags.add(key)
            out.append(cls.finding(
                f"wdguard-ignore: {code} has no reason, so it suppresses nothing",
                file=ctx.migration.display,
                line=line,
                help=f"write why after the code: -- wdguard-ignore: {code} <reason>",
                details={"ignored_code": code},
            ))
        return out
