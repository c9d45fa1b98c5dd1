"""WDL105 column.type_rewrite."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext, type_name, typmods
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import AT, LintRule, alter_cmds
from wdguard.findings import Finding, register

_TEXTS = {"varchar", "text"}


def _no_rewrite(old: tuple[str, tuple[int, ...]] | None, new: tuple[str, tuple[int, ...]]) -> bool:
    """Binary-coercible changes PostgreSQL makes without rewriting the table."""
    new_name, new_mods = new[0].lower(), new[1]
    if old is None:
        return new_name == "text"
    old_name, old_mods = old[0].lower(), old[1]
    if (old_name, old_mods) == (new_name, new_mods):
        return True
    if old_name in _TEXTS and new_name == "text":
        return True
    if old_name in _TEXTS and new_name == "varchar":
        return not new_mods or (old_name == "varchar" and old_mods and new_mods[0] >= old_mods[0])
    if old_name == new_name == "numeric":
        if not new_mods:
            return True
        return (
            len(old_mods) == len(new_mods) == 2
            and new_mods[1] == old_mods[1]
            and new_mods[0] >= old_mods[0]
        )
    return False


@register
class TypeChangeRewrite(LintRule):
    """A column type change that rewrites an existing table and its indexes.

    The rewrite holds an ACCESS EXCLUSIVE lock for its whole duration. Widening a
    ``varchar``, ``varchar`` -> ``text`` and raising a ``numeric`` precision are free and
    not reported. Squawk: ``changing-column-type``, ``prefer-text-field``. Atlas:
    ``PG301``.

    **Anti-pattern**

    .. code-block:: sql

        ALTER TABLE "orders" ALTER COLUMN "quantity" SET DATA TYPE BIGINT;

    **Best practice**

    Add a new column, backfill in batches, switch, drop the old one; or widen only in
    the binary-compatible ways.

    .. code-block:: sql

        ALTER TABLE "users" ALTER COLUMN "phone" SET DATA TYPE VARCHAR(64);  -- was VARCHAR(32)
    """

    code = "WDL105"
    name = "column.type_rewrite"
    severity = "warning"
    squawk = ("changing-column-type", "prefer-text-field")
    atlas = ("PG301",)

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        out = []
        for table, cmd in alter_cmds(stmt.node):
            if cmd.subtype != AT.AT_AlterColumnType or not ctx.existing(table):
                continue
            tn = cmd.def_.typeName
            new = (type_name(tn), typmods(tn))
            old = ctx.state.columns.get((table, cmd.name))
            if _no_rewrite(old, new):
                continue
            out.append(
                cls.at(
                    stmt,
                    ctx,
                    f"changing {table}.{cmd.name} to {new[0]} rewrites the table under an "
                    "exclusive lock",
                    help="add a new column, backfill in batches, switch readers, drop the old",
                    table=table,
                    column=cmd.name,
                )
            )
        return out
