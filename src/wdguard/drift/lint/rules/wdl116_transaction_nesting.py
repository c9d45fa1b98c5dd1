"""WDL116 transaction.nesting."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule, ast, enums
from wdguard.findings import Finding, register

_TK = enums.TransactionStmtKind
_OPEN = (_TK.TRANS_STMT_BEGIN, _TK.TRANS_STMT_START)
_CLOSE = (_TK.TRANS_STMT_COMMIT, _TK.TRANS_STMT_ROLLBACK)


def _after(statements: list[Statement], stmt: Statement) -> list[Statement]:
    index = next(i for i, s in enumerate(statements) if s is stmt)
    return statements[index + 1 :]


@register
class TransactionNesting(LintRule):
    """BEGIN inside an open transaction, COMMIT with none open, or BEGIN never committed.

    A nested BEGIN is ignored with a warning, so the first COMMIT commits more than the
    author meant; an unterminated BEGIN leaves the migration's work uncommitted. Squawk:
    ``transaction-nesting``, ``ban-uncommitted-transaction``. Atlas: none.

    **Anti-pattern**

    .. code-block:: sql

        BEGIN;
        BEGIN;
        ALTER TABLE "orders" ADD COLUMN "note" TEXT;
        COMMIT;

    **Best practice**

    One BEGIN, one COMMIT, or none (Prisma runs the file as one implicit transaction).

    .. code-block:: sql

        BEGIN;
        ALTER TABLE "orders" ADD COLUMN "note" TEXT;
        COMMIT;
    """

    code = "WDL116"
    name = "transaction.nesting"
    severity = "error"
    squawk = ("transaction-nesting", "ban-uncommitted-transaction")

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        msg = None
        if isinstance(node, ast.TransactionStmt):
            if node.kind in _OPEN and ctx.in_transaction:
                msg = "BEGIN inside an open transaction"
            elif node.kind in _CLOSE and not ctx.in_transaction:
                msg = "COMMIT/ROLLBACK without an open transaction"
            elif node.kind in _OPEN and not any(
                isinstance(s.node, ast.TransactionStmt) and s.node.kind in _CLOSE
                for s in _after(ctx.migration.statements, stmt)
            ):
                msg = "BEGIN is never committed in this migration"
        if msg is None:
            return []
        return [cls.at(stmt, ctx, msg, help="use one BEGIN ... COMMIT pair, or none")]
