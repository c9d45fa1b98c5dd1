"""What the rules know while walking a migration: history, this file, the contracts.

"Existing table" means a table not created in the migration being linted: it may hold
rows and serve traffic, so locks and rewrites on it matter. Tables created in the same
file are empty, and anything done to them is free.

Enum types are tracked by name across the history and the file so that Prisma's enum
recreation (`CREATE TYPE "X_new"`, `ALTER COLUMN ... TYPE "X_new" USING`, `ALTER TYPE
"X" RENAME TO "X_old"`, `ALTER TYPE "X_new" RENAME TO "X"`, `DROP TYPE "X_old"`) can be
seen for what it is: the enum `X` changing its values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pglast import ast, enums

from wdguard.contracts.model import Contract
from wdguard.drift.lint.parse import Migration, Statement


def qualname(rangevar_or_names: Any) -> str:
    """`schema.table` or `table` from a RangeVar or a list of String nodes."""
    if isinstance(rangevar_or_names, ast.RangeVar):
        return rangevar_or_names.relname
    names = [n.sval for n in rangevar_or_names if isinstance(n, ast.String)]
    return names[-1] if names else ""


def type_name(type_node: ast.TypeName) -> str:
    """The bare type name: `varchar`, `int4`, `OrderStatus` (pg_catalog stripped)."""
    names = [n.sval for n in (type_node.names or ()) if isinstance(n, ast.String)]
    return names[-1] if names else ""


def object_name(obj: Any) -> str:
    """The name in a DropStmt object: a TypeName, a list of Strings or a String."""
    if isinstance(obj, ast.TypeName):
        return type_name(obj)
    if isinstance(obj, ast.String):
        return obj.sval
    if isinstance(obj, (tuple, list)):
        return qualname(obj)
    return ""


def typmods(type_node: ast.TypeName) -> tuple[int, ...]:
    """`varchar(255)` -> (255,), `numeric(10, 2)` -> (10, 2)."""
    out = []
    for mod in type_node.typmods or ():
        val = getattr(mod, "val", None)
        if isinstance(val, ast.Integer):
            out.append(val.ival)
    return tuple(out)


_CONSTRAINT_KINDS = {
    enums.ConstrType.CONSTR_PRIMARY: "pk",
    enums.ConstrType.CONSTR_UNIQUE: "unique",
    enums.ConstrType.CONSTR_FOREIGN: "fk",
    enums.ConstrType.CONSTR_CHECK: "check",
}


def enum_values(node: ast.CreateEnumStmt) -> list[str]:
    return [v.sval for v in (node.vals or ()) if isinstance(v, ast.String)]


@dataclass
class SchemaState:
    """What earlier statements (history and this file) created."""

    enums: dict[str, list[str]] = field(default_factory=dict)
    unique_indexes: dict[str, str] = field(default_factory=dict)  # index name -> table
    indexes: dict[str, str] = field(default_factory=dict)  # index name -> table
    tables: set[str] = field(default_factory=set)
    # constraint name -> (table, kind) with kind in pk / unique / fk / check
    constraints: dict[str, tuple[str, str]] = field(default_factory=dict)
    # (table, column) -> (type name, typmods) as last declared
    columns: dict[tuple[str, str], tuple[str, tuple[int, ...]]] = field(default_factory=dict)
    index_columns: dict[str, list[str]] = field(default_factory=dict)

    def _constraint(self, table: str, con: Any) -> None:
        kind = _CONSTRAINT_KINDS.get(con.contype)
        if kind and con.conname:
            self.constraints[con.conname] = (table, kind)

    def _column(self, table: str, coldef: Any, name: str | None = None) -> None:
        if isinstance(coldef, ast.ColumnDef) and coldef.typeName is not None:
            self.columns[(table, name or coldef.colname)] = (
                type_name(coldef.typeName),
                typmods(coldef.typeName),
            )

    def apply(self, node: Any) -> None:
        """Advance the state past one statement."""
        if isinstance(node, ast.CreateStmt):
            table = node.relation.relname
            self.tables.add(table)
            for elt in node.tableElts or ():
                if isinstance(elt, ast.Constraint):
                    self._constraint(table, elt)
                else:
                    self._column(table, elt)
        elif isinstance(node, ast.AlterTableStmt):
            table = node.relation.relname
            for cmd in node.cmds or ():
                if cmd.subtype == enums.AlterTableType.AT_AddConstraint and cmd.def_:
                    self._constraint(table, cmd.def_)
                elif cmd.subtype == enums.AlterTableType.AT_DropConstraint:
                    self.constraints.pop(cmd.name, None)
                elif cmd.subtype == enums.AlterTableType.AT_AddColumn:
                    self._column(table, cmd.def_)
                elif cmd.subtype == enums.AlterTableType.AT_AlterColumnType and cmd.def_:
                    self._column(table, cmd.def_, cmd.name)
                elif cmd.subtype == enums.AlterTableType.AT_DropColumn:
                    self.columns.pop((table, cmd.name), None)
        elif isinstance(node, ast.CreateEnumStmt):
            self.enums[qualname(node.typeName)] = enum_values(node)
        elif isinstance(node, ast.AlterEnumStmt) and node.newVal:
            name = qualname(node.typeName)
            values = self.enums.setdefault(name, [])
            if node.oldVal:
                self.enums[name] = [node.newVal if v == node.oldVal else v for v in values]
            elif node.newVal not in values:
                self.enums[name].append(node.newVal)
        elif isinstance(node, ast.RenameStmt):
            old = qualname(node.object) if node.object else None
            if node.renameType == enums.ObjectType.OBJECT_TYPE and old in self.enums:
                self.enums[node.newname] = self.enums.pop(old)
            elif node.renameType == enums.ObjectType.OBJECT_TABLE and node.relation:
                self.tables.discard(node.relation.relname)
                self.tables.add(node.newname)
        elif isinstance(node, ast.IndexStmt) and node.idxname:
            self.indexes[node.idxname] = node.relation.relname
            self.index_columns[node.idxname] = [
                p.name for p in node.indexParams or () if isinstance(p, ast.IndexElem) and p.name
            ]
            if node.unique:
                self.unique_indexes[node.idxname] = node.relation.relname
        elif isinstance(node, ast.DropStmt):
            for obj in node.objects or ():
                name = object_name(obj)
                if node.removeType == enums.ObjectType.OBJECT_TYPE:
                    self.enums.pop(name, None)
                elif node.removeType == enums.ObjectType.OBJECT_TABLE:
                    self.tables.discard(name)
                elif node.removeType == enums.ObjectType.OBJECT_INDEX:
                    self.indexes.pop(name, None)
                    self.unique_indexes.pop(name, None)


@dataclass
class LintContext:
    """Everything a rule's `check` may look at, besides the statement itself."""

    migration: Migration
    state: SchemaState
    contracts: list[Contract] = field(default_factory=list)
    created_here: set[str] = field(default_factory=set)  # tables created in this file
    enums_created_here: set[str] = field(default_factory=set)
    # enum name -> its values before this file replaced it (Prisma's recreate dance)
    retired_enums: dict[str, list[str]] = field(default_factory=dict)
    in_transaction: bool = False
    timeouts_set: set[str] = field(default_factory=set)  # lock_timeout / statement_timeout
    statement: Statement | None = None
    flags: set[str] = field(default_factory=set)  # once-per-file markers for rules
    # with --dsn: the read-only probe of the live database (drift/lint/live.py)
    live: Any = None
    # what earlier statements of the pending migrations did, for the live checks: columns
    # added (-> filled by a default, identity or generation), renames (new -> live name),
    # and tables written by DML (a backfill the live data cannot show yet)
    added_here: dict[tuple[str, str], bool] = field(default_factory=dict)
    renamed_columns: dict[tuple[str, str], str] = field(default_factory=dict)
    renamed_tables: dict[str, str] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)

    def existing(self, table: str) -> bool:
        """True when the table was not created by the migration being linted."""
        return table not in self.created_here

    def contracts_for(self, table: str) -> list[Contract]:
        return [c for c in self.contracts if c.source.kind == "postgres" and c.object_name == table]

    def enum_columns(self, enum: str) -> list[tuple[Contract, str]]:
        """Contract columns typed with the database enum `enum`."""
        out = []
        for c in self.contracts:
            for name, col in c.columns.items():
                if col.type == "enum" and (col.enum_name or "") == enum:
                    out.append((c, name))
        return out

    def enum_values_before(self, name: str) -> list[str] | None:
        """Values of enum `name` before this statement: history first, then contracts."""
        if name in self.retired_enums:
            return self.retired_enums[name]
        if name in self.state.enums:
            return self.state.enums[name]
        for c, col in self.enum_columns(name):
            return list(c.columns[col].values or [])
        return None

    def live_table(self, table: str) -> str:
        """The live name of a table this file may have renamed."""
        return self.renamed_tables.get(table, table)

    def live_column(self, table: str, column: str) -> str:
        return self.renamed_columns.get((table, column), column)

    def _track(self, node: Any) -> None:
        """Columns added, renames and DML of this file (for the live checks)."""
        if isinstance(node, ast.AlterTableStmt) and node.relation is not None:
            table = node.relation.relname
            for cmd in node.cmds or ():
                if cmd.subtype == enums.AlterTableType.AT_AddColumn and cmd.def_ is not None:
                    fills = any(
                        c.contype in (enums.ConstrType.CONSTR_DEFAULT,
                                      enums.ConstrType.CONSTR_IDENTITY,
                                      enums.ConstrType.CONSTR_GENERATED)
                        for c in cmd.def_.constraints or () if isinstance(c, ast.Constraint)
                    ) or type_name(cmd.def_.typeName).lower() in _SERIALS
                    self.added_here[(table, cmd.def_.colname)] = fills
        elif isinstance(node, ast.RenameStmt) and node.relation is not None:
            table = node.relation.relname
            if node.renameType == enums.ObjectType.OBJECT_COLUMN:
                old = self.live_column(table, node.subname)
                self.renamed_columns[(table, node.newname)] = old
                if (table, node.subname) in self.added_here:
                    self.added_here[(table, node.newname)] = self.added_here[
                        (table, node.subname)]
            elif node.renameType == enums.ObjectType.OBJECT_TABLE:
                self.renamed_tables[node.newname] = self.live_table(table)
                for (t, c), old in list(self.renamed_columns.items()):
                    if t == table:
                        self.renamed_columns[(node.newname, c)] = old
                for (t, c), fills in list(self.added_here.items()):
                    if t == table:
                        self.added_here[(node.newname, c)] = fills
                if table in self.created_here:
                    self.created_here.add(node.newname)
        elif isinstance(node, (ast.UpdateStmt, ast.DeleteStmt, ast.InsertStmt)):
            self.written.add(node.relation.relname)
        elif isinstance(node, ast.TruncateStmt):
            self.written.update(r.relname for r in node.relations or ())

    def advance(self, node: Any) -> None:
        """Update the file-local view, then the schema state, past one statement."""
        self._track(node)
        if isinstance(node, ast.CreateStmt):
            self.created_here.add(node.relation.relname)
        elif isinstance(node, ast.CreateEnumStmt):
            self.enums_created_here.add(qualname(node.typeName))
        elif isinstance(node, ast.RenameStmt) and node.renameType == enums.ObjectType.OBJECT_TYPE:
            old = qualname(node.object) if node.object else ""
            known = old in self.state.enums and old not in self.enums_created_here
            if known and old not in self.retired_enums:
                self.retired_enums[old] = list(self.state.enums[old])
            if old in self.enums_created_here:
                self.enums_created_here.add(node.newname)
        elif isinstance(node, ast.DropStmt) and node.removeType == enums.ObjectType.OBJECT_TYPE:
            for obj in node.objects or ():
                name = object_name(obj)
                if name in self.state.enums and name not in self.enums_created_here:
                    self.retired_enums.setdefault(name, list(self.state.enums[name]))
        elif isinstance(node, ast.TransactionStmt):
            kind = node.kind
            if kind in (
                enums.TransactionStmtKind.TRANS_STMT_BEGIN,
                enums.TransactionStmtKind.TRANS_STMT_START,
            ):
                self.in_transaction = True
            elif kind in (
                enums.TransactionStmtKind.TRANS_STMT_COMMIT,
                enums.TransactionStmtKind.TRANS_STMT_ROLLBACK,
            ):
                self.in_transaction = False
        elif isinstance(node, ast.VariableSetStmt) and node.name in (
            "lock_timeout",
            "statement_timeout",
        ):
            if _sets_a_bound(node):
                self.timeouts_set.add(node.name)
            else:  # `= 0`, `TO DEFAULT`, `RESET`: no timeout (PostgreSQL's default is 0)
                self.timeouts_set.discard(node.name)
        self.state.apply(node)


_SERIALS = {"serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"}
_ZERO = re.compile(r"^\s*0+(\.0*)?\s*(us|ms|s|min|h|d)?\s*$")


def _sets_a_bound(node: ast.VariableSetStmt) -> bool:
    """`SET lock_timeout = '2s'` bounds the wait; `= 0` (or '0ms'), `TO DEFAULT` and
    `RESET` switch the timeout off."""
    if node.kind != enums.VariableSetKind.VAR_SET_VALUE or not node.args:
        return False
    value = node.args[0]
    raw = getattr(value, "val", value)
    text = str(getattr(raw, "ival", getattr(raw, "sval", raw)))
    return not _ZERO.match(text)
