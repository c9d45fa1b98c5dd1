"""WDL001 table.dropped."""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext, object_name
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import OT, LintRule, ast
from wdguard.findings import Finding, register


@register
class TableDropped(LintRule):
    """A table the pipeline may read is dropped.

    Every bronze copy of the table stops landing and every gold table built from it
    breaks. Squawk: ``ban-drop-table``. Atlas: ``DS102``.

    **Anti-pattern**

    .. code-block:: sql

        DROP TABLE "orders";

    **Best practice**

    Stop writing to the table, remove its contract and its gold consumers first,
    then drop it in a later release.

    .. code-block:: sql

        -- wdguard-ignore: WDL001 contract Order retired in PR #123
        DROP TABLE "orders";
    """

    code = "WDL001"
    name = "table.dropped"
    compat = "breaking"
    pipeline = True
    squawk = ("ban-drop-table",)
    atlas = ("DS102",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        if not isinstance(node, ast.DropStmt) or node.removeType != OT.OBJECT_TABLE:
            return []
        out = []
        for obj in node.objects or ():
            table = object_name(obj)
            if ctx.existing(table):
                out.append(
                    cls.at(
                        stmt,
                        ctx,
                        f"table {table!r} is dropped",
                        help="retire the contract and its gold consumers before dropping",
                        table=table,
                    )
                )
        return out

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        return [f"- contract {contract.contract}"]
