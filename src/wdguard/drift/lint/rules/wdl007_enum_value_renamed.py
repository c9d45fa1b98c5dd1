"""WDL007 enum.value_renamed."""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext, qualname
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, ast, enum_value_lines
from wdguard.findings import Finding, register


@register
class EnumValueRenamed(LintRule):
    """An enum value is renamed in place.

    Every stored row changes value at once; the lake's history and gold mappings keep
    the old spelling. Squawk: ``renaming-object``. Atlas: none (closest: ``MY111``).

    **Anti-pattern**

    .. code-block:: sql

        ALTER TYPE "OrderStatus" RENAME VALUE 'CANCELLED' TO 'CANCELED';

    **Best practice**

    Add the new value, migrate writers, map both spellings in gold, then retire the old
    one.

    .. code-block:: sql

        ALTER TYPE "OrderStatus" ADD VALUE 'CANCELED';
    """

    code = "WDL007"
    name = "enum.value_renamed"
    compat = "breaking"
    pipeline = True
    squawk = ("renaming-object",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        if not (isinstance(node, ast.AlterEnumStmt) and node.oldVal and node.newVal):
            return []
        enum = qualname(node.typeName)
        return [
            cls.at(
                stmt,
                ctx,
                f"enum {enum} renames value {node.oldVal} to {node.newVal}",
                help="add the new value and map both spellings in gold instead",
                enum=enum,
                old_value=node.oldVal,
                new_value=node.newVal,
            )
        ]

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        d = finding.details
        return enum_value_lines(
            contract, d["enum"], removed=[d["old_value"]], added=[d["new_value"]]
        )
