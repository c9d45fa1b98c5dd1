"""WDL012 enum.value_added."""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext, qualname
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, ast, enum_replacement, enum_value_lines
from wdguard.findings import Finding, register


@register
class EnumValueAdded(LintRule):
    """An enum gains a value (``ADD VALUE`` or a recreated type with more values).

    Readers keep working, but gold mappings keyed on the enum may need the new value,
    and the contract's ``values`` check will reject it until the contract is updated.
    Squawk: ``require-enum-value-ordering`` (ordering only). Atlas: ``MY112``.

    **Anti-pattern**

    Adding the value without updating the contract and the gold mapping.

    .. code-block:: sql

        ALTER TYPE "OrderStatus" ADD VALUE 'DISPUTED';

    **Best practice**

    Update the contract's ``values`` and the gold mapping in the same pull request.

    .. code-block:: yaml

        status: {type: enum, values: [PENDING, PAID, DISPUTED]}
    """

    code = "WDL012"
    name = "enum.value_added"
    compat = "warning"
    pipeline = True
    squawk = ("require-enum-value-ordering",)
    atlas = ("MY112",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        if isinstance(node, ast.AlterEnumStmt) and node.newVal and not node.oldVal:
            enum = qualname(node.typeName)
            added = [node.newVal]
        else:
            change = enum_replacement(node, ctx)
            if change is None:
                return []
            enum, old, new = change
            added = [v for v in new if v not in old]
        if not added:
            return []
        return [
            cls.at(
                stmt,
                ctx,
                f"enum {enum} gains value(s) {', '.join(added)}",
                help="add the value to the contract's values and to the gold mappings",
                enum=enum,
                added=added,
            )
        ]

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        return enum_value_lines(contract, finding.details["enum"], added=finding.details["added"])
