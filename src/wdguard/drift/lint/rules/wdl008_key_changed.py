"""WDL008 key.changed."""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext, object_name
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, CT, OT, LintRule, alter_cmds, ast, names
from wdguard.findings import Finding, register


@register
class KeyChanged(LintRule):
    """The primary key or a unique key of an existing table is dropped or replaced.

    Incremental loads, deduplication and gold joins are keyed on it; a different key
    means duplicates or lost rows downstream. Squawk: none (``disallowed-unique-constraint``
    covers the lock, see WDL108). Atlas: ``MF102`` and ``PG104`` (the locking side).

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" DROP CONSTRAINT "orders_pkey",
            ADD CONSTRAINT "orders_pkey" PRIMARY KEY ("id", "merchant_id");
        DROP INDEX "users_email_key";

    **Best practice**

    Keep the key; add a new unique index alongside it, update the contract's keys and
    the gold joins, and drop the old key in a later release.

    .. code-block:: sql

        CREATE UNIQUE INDEX CONCURRENTLY "orders_id_merchant_key" ON "orders" ("id", "merchant_id");
    """

    code = "WDL008"
    name = "key.changed"
    compat = "breaking"
    pipeline = True
    atlas = ("MF102",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        out: list[Finding] = []
        node = stmt.node
        if isinstance(node, ast.DropStmt) and node.removeType == OT.OBJECT_INDEX:
            for obj in node.objects or ():
                index = object_name(obj)
                table = ctx.state.unique_indexes.get(index)
                if table and ctx.existing(table):
                    cols = ctx.state.index_columns.get(index, [])
                    out.append(
                        cls.at(
                            stmt,
                            ctx,
                            f"unique index {index} on {table}({', '.join(cols)}) is dropped",
                            help="keep the unique key until contract and gold joins move off it",
                            table=table,
                            column=cols[0] if len(cols) == 1 else None,
                            key="unique",
                            old=cols,
                        )
                    )
        dropped_pk = None
        for table, cmd in alter_cmds(node):
            if not ctx.existing(table):
                continue
            if cmd.subtype == AT.AT_DropConstraint:
                kind = ctx.state.constraints.get(cmd.name, (table, ""))[1]
                if kind == "pk" or (not kind and cmd.name.endswith("_pkey")):
                    dropped_pk = cmd.name
                elif kind == "unique":
                    out.append(
                        cls.at(
                            stmt,
                            ctx,
                            f"unique constraint {cmd.name} on {table} is dropped",
                            help="keep the unique key until contract and gold joins move off it",
                            table=table,
                            key="unique",
                        )
                    )
            elif cmd.subtype == AT.AT_AddConstraint and cmd.def_.contype == CT.CONSTR_PRIMARY:
                new = names(cmd.def_.keys)
                out.append(
                    cls.at(
                        stmt,
                        ctx,
                        f"primary key of {table} is replaced"
                        + (f" by ({', '.join(new)})" if new else ""),
                        help="add a unique index for the new key and keep the old primary key",
                        table=table,
                        key="primary",
                        new=new or None,
                    )
                )
                dropped_pk = None
        if dropped_pk:
            out.append(
                cls.at(
                    stmt,
                    ctx,
                    f"primary key {dropped_pk} of {stmt.node.relation.relname} is dropped",
                    help="keep the primary key; incremental loads and gold joins use it",
                    table=stmt.node.relation.relname,
                    key="primary",
                )
            )
        return out

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        d = finding.details
        if d.get("key") == "primary":
            new = d.get("new")
            after = f"[{', '.join(new)}]" if new else "[]"
            return [f"~ primary_key: [{', '.join(contract.primary_key)}] -> {after}"]
        if finding.column:
            return [f"~ columns.{finding.column}.unique: true -> false"]
        if d.get("old"):
            return [f"- unique_keys: [{', '.join(d['old'])}]"]
        return ["~ unique_keys"]
