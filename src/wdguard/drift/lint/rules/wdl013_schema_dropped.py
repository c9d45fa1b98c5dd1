"""WDL013 schema.dropped."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext, object_name
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import OT, LintRule, ast
from wdguard.findings import Finding, register


@register
class SchemaDropped(LintRule):
    """A schema or a whole database is dropped.

    Every table in it disappears for the pipeline. Squawk: ``ban-drop-database``,
    ``ban-drop-schema``.
    Atlas: ``DS101``.

    **Anti-pattern**

    .. code-block:: sql

        DROP SCHEMA "public" CASCADE;

    **Best practice**

    Never from a migration; retire the contracts and gold tables, then drop by hand.

    .. code-block:: sql

        -- no DROP SCHEMA in application migrations
    """

    code = "WDL013"
    name = "schema.dropped"
    compat = "breaking"
    pipeline = True
    squawk = ("ban-drop-database", "ban-drop-schema")
    atlas = ("DS101",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        if isinstance(node, ast.DropdbStmt):
            what = [f"database {node.dbname!r}"]
        elif isinstance(node, ast.DropStmt) and node.removeType == OT.OBJECT_SCHEMA:
            what = [f"schema {object_name(o)!r}" for o in node.objects or ()]
        else:
            return []
        return [
            cls.at(
                stmt, ctx, f"{w} is dropped", help="never drop a schema or database in a migration"
            )
            for w in what
        ]
