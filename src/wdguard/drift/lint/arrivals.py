"""Which migration brought each column into an existing table, from the migration history.

The lint's replay already walks `prisma/migrations` statement by statement; this walks it
once more to note, per (table, column), the migration whose `ALTER TABLE ... ADD COLUMN`
added it. Columns created with their table are not noted: no partition of the table can
predate them. A column dropped later and added again keeps its newest arrival; a renamed
column keeps the arrival of the name it was added under, moved to its new name.
`contracts derive prisma` stores the result as each column's `added_by`, and the gate
skips a column for partitions extracted before its migration (checks/column_set.py).
"""

from __future__ import annotations

from pathlib import Path

from pglast import ast, enums

from wdguard.drift.lint.parse import parse_migration
from wdguard.drift.lint.select import prisma_scripts


def column_arrivals(folder: Path) -> dict[tuple[str, str], str]:
    """(table, column) -> name of the migration that added the column to its table."""
    out: dict[tuple[str, str], str] = {}
    for script in prisma_scripts(Path(folder)):
        name = script.parent.name
        for stmt in parse_migration(script, name).statements:
            node = stmt.node
            if isinstance(node, ast.CreateStmt):  # a new table: its columns arrive with it
                table = node.relation.relname
                for key in [k for k in out if k[0] == table]:
                    del out[key]
            elif isinstance(node, ast.AlterTableStmt):
                table = node.relation.relname
                for cmd in node.cmds or ():
                    if cmd.subtype == enums.AlterTableType.AT_AddColumn and isinstance(
                        cmd.def_, ast.ColumnDef
                    ):
                        out[(table, cmd.def_.colname)] = name
                    elif cmd.subtype == enums.AlterTableType.AT_DropColumn:
                        out.pop((table, cmd.name), None)
            elif isinstance(node, ast.RenameStmt) and node.renameType == \
                    enums.ObjectType.OBJECT_COLUMN and node.relation is not None:
                table = node.relation.relname
                if (table, node.subname) in out:
                    out[(table, node.newname)] = out.pop((table, node.subname))
    return out
