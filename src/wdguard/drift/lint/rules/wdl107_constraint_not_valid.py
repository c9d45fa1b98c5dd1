"""WDL107 constraint.validating."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, CT, LintRule, alter_cmds, constraints
from wdguard.findings import Finding, register

_KINDS = {CT.CONSTR_FOREIGN: "foreign key", CT.CONSTR_CHECK: "check constraint"}


@register
class ConstraintWithoutNotValid(LintRule):
    """A foreign key or CHECK is added to an existing table without NOT VALID.

    Adding it validates every row while holding a lock that blocks writes (and, for a
    foreign key, writes to the referenced table too). Squawk:
    ``constraint-missing-not-valid``, ``adding-foreign-key-constraint``. Atlas:
    ``PG305``.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fkey"
            FOREIGN KEY ("user_id") REFERENCES "users"("id");

    **Best practice**

    Add it NOT VALID (instant), then VALIDATE in a separate migration (takes only a SHARE
    UPDATE EXCLUSIVE lock).

    .. code-block:: sql

        ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fkey"
            FOREIGN KEY ("user_id") REFERENCES "users"("id") NOT VALID;
        ALTER TABLE "orders" VALIDATE CONSTRAINT "orders_user_id_fkey";
    """

    code = "WDL107"
    name = "constraint.validating"
    severity = "warning"
    squawk = ("constraint-missing-not-valid", "adding-foreign-key-constraint")
    atlas = ("PG305",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        out = []
        for table, cmd in alter_cmds(stmt.node):
            if not ctx.existing(table):
                continue
            if cmd.subtype == AT.AT_AddConstraint:
                cons = [cmd.def_]
            elif cmd.subtype == AT.AT_AddColumn:
                cons = constraints(cmd.def_)  # inline REFERENCES / CHECK on a new column
            else:
                continue
            for con in cons:
                if con.contype in _KINDS and not con.skip_validation:
                    out.append(
                        cls.at(
                            stmt,
                            ctx,
                            f"{_KINDS[con.contype]}{' ' + con.conname if con.conname else ''} "
                            f"on {table} validates "
                            "every row under a lock that blocks writes",
                            help="add it NOT VALID, then VALIDATE CONSTRAINT in a later migration",
                            table=table,
                        )
                    )
        return out
