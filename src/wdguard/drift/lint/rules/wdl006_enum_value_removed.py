"""WDL006 enum.value_removed."""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, enum_replacement, enum_value_lines
from wdguard.findings import Finding, register


@register
class EnumValueRemoved(LintRule):
    """An enum loses values (Prisma recreates the type without them).

    Historic rows in the lake still hold the removed values, and gold mappings keyed on
    them silently stop matching new rows. Prisma writes the removal as
    ``CREATE TYPE "X_new"``, ``ALTER COLUMN ... TYPE "X_new" USING``, ``ALTER TYPE "X"
    RENAME TO "X_old"``, ``ALTER TYPE "X_new" RENAME TO "X"``, ``DROP TYPE "X_old"``;
    the rule compares the values before and after. Squawk: none. Atlas: ``MY110`` (the
    MySQL counterpart).

    **Anti-pattern**

    .. code-block:: sql

        CREATE TYPE "OrderStatus_new" AS ENUM ('PENDING', 'PAID');
        ALTER TYPE "OrderStatus" RENAME TO "OrderStatus_old";
        ALTER TYPE "OrderStatus_new" RENAME TO "OrderStatus";

    **Best practice**

    Keep the value in the enum and stop writing it; update the contract's ``values``
    and the gold mappings before removing it.

    .. code-block:: sql

        -- keep 'REFUNDED'; the app no longer writes it
    """

    code = "WDL006"
    name = "enum.value_removed"
    compat = "breaking"
    pipeline = True
    atlas = ("MY110",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        change = enum_replacement(stmt.node, ctx)
        if change is None:
            return []
        enum, old, new = change
        removed = [v for v in old if v not in new]
        if not removed:
            return []
        return [
            cls.at(
                stmt,
                ctx,
                f"enum {enum} loses value(s) {', '.join(removed)}",
                help="keep the values until the contract and gold mappings no longer use them",
                table=None,
                enum=enum,
                removed=removed,
            )
        ]

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        return enum_value_lines(
            contract, finding.details["enum"], removed=finding.details["removed"]
        )
