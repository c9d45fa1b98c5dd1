"""WDL110 cascade."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, LintRule, alter_cmds, ast, enums
from wdguard.findings import Finding, register

CASCADE = enums.DropBehavior.DROP_CASCADE


@register
class Cascade(LintRule):
    """DROP ... CASCADE or TRUNCATE ... CASCADE.

    CASCADE silently drops (or empties) every dependent object: views, foreign keys,
    other tables' rows. What goes is decided by the live database, not by the review.
    Squawk: ``ban-truncate-cascade``. Atlas: ``DS`` class.

    **Anti-pattern**

    .. code-block:: sql

        TRUNCATE "orders" CASCADE;
        DROP TABLE "carts" CASCADE;

    **Best practice**

    Name every object to drop or truncate explicitly.

    .. code-block:: sql

        TRUNCATE "order_items", "orders";
    """

    code = "WDL110"
    name = "cascade"
    severity = "error"
    squawk = ("ban-truncate-cascade",)
    atlas = ("DS",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        what = None
        if isinstance(node, ast.TruncateStmt) and node.behavior == CASCADE:
            what = "TRUNCATE ... CASCADE"
        elif isinstance(node, ast.DropStmt) and node.behavior == CASCADE:
            what = "DROP ... CASCADE"
        elif any(
            cmd.behavior == CASCADE and cmd.subtype in (AT.AT_DropColumn, AT.AT_DropConstraint)
            for _, cmd in alter_cmds(node)
        ):
            what = "ALTER TABLE ... DROP ... CASCADE"
        if what is None:
            return []
        return [
            cls.at(
                stmt,
                ctx,
                f"{what} also removes every dependent object",
                help="list the objects explicitly instead of CASCADE",
            )
        ]
