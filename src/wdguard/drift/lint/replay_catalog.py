"""The catalog a folder of migrations builds, replayed from their SQL without a database.

Drift compares contracts with a `LiveSchema` read from pg_catalog; this module builds the
same `LiveSchema` from parsed migration statements (tables, columns with type, NOT NULL
and default, keys, indexes, foreign keys, CHECKs, enums), so `schema.prisma` can be
compared with what its migrations create by the very diff drift uses, with no shadow
database. Types are spelt as the SQL wrote them; `pg_types.norm_type` makes them equal
to `format_type()`'s spelling. Statements that do not change these objects (DML, grants,
functions, DO blocks) are skipped: DDL hidden inside them is invisible here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pglast import ast, enums
from pglast.stream import RawStream

from wdguard.drift.lint.context import enum_values
from wdguard.drift.lint.parse import Migration
from wdguard.drift.pg_introspect import (
    FK_ACTIONS,
    LiveColumn,
    LiveConstraint,
    LiveForeignKey,
    LiveIndex,
    LiveSchema,
    LiveTable,
)

AT = enums.AlterTableType
CT = enums.ConstrType
OT = enums.ObjectType

# internal names format_type() spells otherwise (norm_type knows the common ones)
_SPELLING = {"varbit": "bit varying", "bit": "bit", "interval": "interval"}
_NOW = enums.SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP
_SERIAL = {"serial": "integer", "serial4": "integer", "bigserial": "bigint",
           "serial8": "bigint", "smallserial": "smallint", "serial2": "smallint"}


def expr_text(node: Any) -> str:
    """An expression as pg_get_expr() would print it: casts as `x::type`. Constants and
    CURRENT_TIMESTAMP (nearly every Prisma default) are spelt here; pglast's printer
    (slow: a visitor per call) handles the rest."""
    if isinstance(node, ast.TypeCast):
        return f"{expr_text(node.arg)}::{type_text(node.typeName)}"
    if isinstance(node, ast.A_Const) and not node.isnull:
        val = node.val
        if isinstance(val, ast.String):
            return "'" + val.sval.replace("'", "''") + "'"
        if isinstance(val, ast.Integer):
            return str(val.ival)
        if isinstance(val, ast.Float):
            return val.fval
        if isinstance(val, ast.Boolean):
            return "true" if val.boolval else "false"
    if isinstance(node, ast.SQLValueFunction) and node.op == _NOW:
        return "CURRENT_TIMESTAMP"
    return RawStream()(node)


def type_text(tn: ast.TypeName) -> str:
    """`varchar(255)`, `timestamp(3)`, `text[]`, `Role`: the name with its modifiers."""
    names = [n.sval for n in (tn.names or ()) if isinstance(n, ast.String)]
    name = names[-1] if names else ""
    name = _SPELLING.get(name, name)
    mods = [str(m.val.ival) for m in (tn.typmods or ()) if isinstance(getattr(m, "val", None),
                                                                         ast.Integer)]
    if name == "numeric" and len(mods) == 1:
        mods.append("0")
    text = f"{name}({','.join(mods)})" if mods else name
    return text + "[]" * len(tn.arrayBounds or ())


def _names(strings: Any) -> list[str]:
    return [s.sval for s in (strings or ()) if isinstance(s, ast.String)]


class CatalogReplay:
    """Apply statements one by one; `schema` is the LiveSchema they built."""

    def __init__(self, default_schema: str = "public"):
        self.default = default_schema
        self.schema = LiveSchema(schemas=[default_schema])
        self.index_table: dict[str, tuple[str, str]] = {}  # index name -> table key

    # ------------------------------------------------------------------ helpers
    def _key(self, rv: ast.RangeVar) -> tuple[str, str]:
        return (rv.schemaname or self.default, rv.relname)

    def _enum_key(self, tn: ast.TypeName) -> tuple[str, str] | None:
        names = [n.sval for n in (tn.names or ()) if isinstance(n, ast.String)]
        if not names or names[0] == "pg_catalog":
            return None
        key = (names[0], names[-1]) if len(names) > 1 else (self.default, names[-1])
        return key if key in self.schema.enums else None

    def _column(self, coldef: ast.ColumnDef) -> LiveColumn:
        raw = type_text(coldef.typeName)
        base = raw.removesuffix("[]")
        col = LiveColumn(name=coldef.colname, db_type=_SERIAL.get(raw, raw),
                         type_name=base, nullable=not coldef.is_not_null, default=None)
        if raw in _SERIAL:
            col.default = "nextval(serial)"
            col.nullable = False
        enum = self._enum_key(coldef.typeName)
        if enum:
            col.enum_type = enum
            col.enum_name = enum[1] if not raw.endswith("[]") else None
        for c in coldef.constraints or ():
            if c.contype in (CT.CONSTR_NOTNULL, CT.CONSTR_PRIMARY):
                col.nullable = False
            elif c.contype == CT.CONSTR_NULL:
                col.nullable = True
            elif c.contype == CT.CONSTR_DEFAULT and c.raw_expr is not None:
                col.default = expr_text(c.raw_expr)
            elif c.contype == CT.CONSTR_IDENTITY:
                col.identity, col.nullable = True, False
        return col

    def _add_column(self, table: LiveTable, coldef: ast.ColumnDef) -> None:
        table.columns[coldef.colname] = self._column(coldef)
        for c in coldef.constraints or ():
            if c.contype in (CT.CONSTR_PRIMARY, CT.CONSTR_UNIQUE, CT.CONSTR_FOREIGN,
                             CT.CONSTR_CHECK):
                self._constraint(table, c, [coldef.colname])

    def _constraint(self, table: LiveTable, con: ast.Constraint, cols: list[str] = ()) -> None:
        keys = _names(con.keys) or list(cols)
        if con.contype == CT.CONSTR_PRIMARY:
            table.primary_key = keys
            table.primary_key_name = con.conname or f"{table.name}_pkey"
            for k in keys:
                if k in table.columns:
                    table.columns[k].nullable = False
            self._index(table, table.primary_key_name, keys, unique=True, primary=True,
                        constraint=True)
        elif con.contype == CT.CONSTR_UNIQUE:
            name = con.conname or f"{table.name}_{'_'.join(keys)}_key"
            self._index(table, name, keys, unique=True, constraint=True)
        elif con.contype == CT.CONSTR_FOREIGN:
            fk_cols = _names(con.fk_attrs) or list(cols)
            ref = self._key(con.pktable)
            ref_cols = _names(con.pk_attrs)
            if not ref_cols and ref in self.schema.tables:
                ref_cols = list(self.schema.tables[ref].primary_key)
            table.foreign_keys.append(LiveForeignKey(
                name=con.conname or f"{table.name}_{'_'.join(fk_cols)}_fkey",
                columns=fk_cols, ref_schema=ref[0], ref_table=ref[1], ref_columns=ref_cols,
                on_delete=FK_ACTIONS.get(con.fk_del_action or "a", "NO ACTION"),
                on_update=FK_ACTIONS.get(con.fk_upd_action or "a", "NO ACTION")))
        elif con.contype == CT.CONSTR_CHECK:
            table.constraints.append(LiveConstraint(
                name=con.conname or f"{table.name}_check", kind="check",
                definition=f"CHECK ({expr_text(con.raw_expr)})"))
        elif con.contype == CT.CONSTR_EXCLUSION:
            name = con.conname or f"{table.name}_excl"
            table.constraints.append(LiveConstraint(name=name, kind="exclude", definition=""))
            self._index(table, name, [], unique=False, constraint=True, exclusion=True)

    def _index(self, table: LiveTable, name: str, cols: list[str], **flags: Any) -> None:
        table.indexes.append(LiveIndex(name=name, columns=list(cols),
                                       unique=flags.pop("unique"),
                                       primary=flags.pop("primary", False),
                                       constraint=flags.pop("constraint", False),
                                       partial=flags.pop("partial", False), **flags))
        self.index_table[name] = (table.schema, table.name)

    def _drop_index(self, name: str) -> None:
        key = self.index_table.pop(name, None)
        table = self.schema.tables.get(key) if key else None
        if table is not None:
            table.indexes = [i for i in table.indexes if i.name != name]

    def _drop_constraint(self, table: LiveTable, name: str) -> None:
        if table.primary_key_name == name:
            table.primary_key, table.primary_key_name = [], None
        table.foreign_keys = [f for f in table.foreign_keys if f.name != name]
        table.constraints = [c for c in table.constraints if c.name != name]
        if any(i.name == name and i.constraint for i in table.indexes):
            self._drop_index(name)

    def _drop_column(self, table: LiveTable, name: str) -> None:
        table.columns.pop(name, None)
        for idx in [i for i in table.indexes if name in i.columns]:
            self._drop_index(idx.name)
        if name in table.primary_key:
            table.primary_key, table.primary_key_name = [], None
        table.foreign_keys = [f for f in table.foreign_keys if name not in f.columns]

    def _rename_column(self, table: LiveTable, old: str, new: str) -> None:
        if old in table.columns:
            col = table.columns.pop(old)
            col.name = new
            table.columns[new] = col
        swap = [new if c == old else c for c in table.primary_key]
        table.primary_key = swap
        for i in table.indexes:
            i.columns = [new if c == old else c for c in i.columns]
        for f in table.foreign_keys:
            f.columns = [new if c == old else c for c in f.columns]
        for other in self.schema.tables.values():
            for f in other.foreign_keys:
                if (f.ref_schema, f.ref_table) == (table.schema, table.name):
                    f.ref_columns = [new if c == old else c for c in f.ref_columns]

    # ------------------------------------------------------------------ statements
    def apply(self, node: Any) -> None:
        handler = getattr(self, f"_on_{type(node).__name__}", None)
        if handler is not None:
            handler(node)

    def _on_CreateStmt(self, node: ast.CreateStmt) -> None:
        key = self._key(node.relation)
        table = LiveTable(schema=key[0], name=key[1])
        self.schema.tables[key] = table
        for elt in node.tableElts or ():
            if isinstance(elt, ast.ColumnDef):
                self._add_column(table, elt)
        for elt in node.tableElts or ():
            if isinstance(elt, ast.Constraint):
                self._constraint(table, elt)

    def _on_AlterTableStmt(self, node: ast.AlterTableStmt) -> None:
        if node.objtype != OT.OBJECT_TABLE:
            return
        table = self.schema.tables.get(self._key(node.relation))
        if table is None:
            return
        for cmd in node.cmds or ():
            self._alter(table, cmd)

    def _alter(self, table: LiveTable, cmd: ast.AlterTableCmd) -> None:
        col = table.columns.get(cmd.name) if cmd.name else None
        sub = cmd.subtype
        if sub == AT.AT_AddColumn:
            self._add_column(table, cmd.def_)
        elif sub == AT.AT_DropColumn:
            self._drop_column(table, cmd.name)
        elif sub == AT.AT_AddConstraint:
            self._constraint(table, cmd.def_)
        elif sub == AT.AT_DropConstraint:
            self._drop_constraint(table, cmd.name)
        elif col is None:
            return
        elif sub == AT.AT_AlterColumnType:
            new = self._column(ast.ColumnDef(colname=col.name, typeName=cmd.def_.typeName,
                                             is_not_null=not col.nullable))
            col.db_type, col.type_name = new.db_type, new.type_name
            col.enum_name, col.enum_type = new.enum_name, new.enum_type
        elif sub == AT.AT_SetNotNull:
            col.nullable = False
        elif sub == AT.AT_DropNotNull:
            col.nullable = True
        elif sub == AT.AT_ColumnDefault:
            col.default = expr_text(cmd.def_) if cmd.def_ is not None else None
        elif sub == AT.AT_AddIdentity:
            col.identity = True
        elif sub == AT.AT_DropIdentity:
            col.identity = False

    def _on_IndexStmt(self, node: ast.IndexStmt) -> None:
        table = self.schema.tables.get(self._key(node.relation))
        if table is None:
            return
        cols = [p.name or expr_text(p.expr) for p in node.indexParams or ()
                if isinstance(p, ast.IndexElem)]
        expression = any(p.name is None for p in node.indexParams or ()
                         if isinstance(p, ast.IndexElem))
        name = node.idxname or f"{table.name}_{'_'.join(cols)}_idx"
        self._index(table, name, cols, unique=bool(node.unique), primary=bool(node.primary),
                    partial=node.whereClause is not None, expression=expression)

    def _on_CreateEnumStmt(self, node: ast.CreateEnumStmt) -> None:
        names = _names(node.typeName)
        key = (names[0], names[-1]) if len(names) > 1 else (self.default, names[-1])
        self.schema.enums[key] = enum_values(node)

    def _on_AlterEnumStmt(self, node: ast.AlterEnumStmt) -> None:
        names = _names(node.typeName)
        key = (names[0], names[-1]) if len(names) > 1 else (self.default, names[-1])
        values = self.schema.enums.setdefault(key, [])
        if node.oldVal:
            self.schema.enums[key] = [node.newVal if v == node.oldVal else v for v in values]
        elif node.newVal and node.newVal not in values:
            if node.newValNeighbor and node.newValNeighbor in values:
                at = values.index(node.newValNeighbor) + (1 if node.newValIsAfter else 0)
                values.insert(at, node.newVal)
            else:
                values.append(node.newVal)

    def _on_RenameStmt(self, node: ast.RenameStmt) -> None:
        rt = node.renameType
        if rt == OT.OBJECT_TYPE:
            names = _names(node.object)
            key = (names[0], names[-1]) if len(names) > 1 else (self.default, names[-1])
            if key in self.schema.enums:
                new = (key[0], node.newname)
                self.schema.enums[new] = self.schema.enums.pop(key)
                for t in self.schema.tables.values():
                    for c in t.columns.values():
                        if c.enum_type == key:
                            c.enum_type = new
                            c.enum_name = new[1] if c.enum_name else None
                            c.db_type = c.type_name = new[1]
            return
        if rt == OT.OBJECT_INDEX and node.relation is not None:
            old = node.relation.relname
            key = self.index_table.pop(old, None)
            if key:
                self.index_table[node.newname] = key
                for i in self.schema.tables[key].indexes:
                    if i.name == old:
                        i.name = node.newname
            return
        table = self.schema.tables.get(self._key(node.relation)) if node.relation else None
        if table is None:
            return
        if rt == OT.OBJECT_TABLE:
            old_key = (table.schema, table.name)
            table.name = node.newname
            self.schema.tables[(table.schema, table.name)] = self.schema.tables.pop(old_key)
            for other in self.schema.tables.values():
                for f in other.foreign_keys:
                    if (f.ref_schema, f.ref_table) == old_key:
                        f.ref_table = node.newname
            for name, key in self.index_table.items():
                if key == old_key:
                    self.index_table[name] = (table.schema, table.name)
        elif rt == OT.OBJECT_COLUMN:
            self._rename_column(table, node.subname, node.newname)
        elif rt == OT.OBJECT_TABCONSTRAINT:
            if table.primary_key_name == node.subname:
                table.primary_key_name = node.newname
            for f in table.foreign_keys:
                if f.name == node.subname:
                    f.name = node.newname
            for i in table.indexes:
                if i.name == node.subname and i.constraint:
                    self.index_table[node.newname] = self.index_table.pop(i.name)
                    i.name = node.newname

    def _on_DropStmt(self, node: ast.DropStmt) -> None:
        for obj in node.objects or ():
            # DROP TYPE names a TypeName, DROP TABLE / INDEX a list of Strings
            names = _names(obj.names) if isinstance(obj, ast.TypeName) else _names(obj)
            if not names:
                continue
            key = (names[0], names[-1]) if len(names) > 1 else (self.default, names[-1])
            if node.removeType == OT.OBJECT_TABLE:
                self.schema.tables.pop(key, None)
                self.index_table = {n: k for n, k in self.index_table.items() if k != key}
            elif node.removeType == OT.OBJECT_INDEX:
                self._drop_index(key[1])
            elif node.removeType == OT.OBJECT_TYPE:
                self.schema.enums.pop(key, None)


def replay(migrations: Iterable[Migration], default_schema: str = "public") -> LiveSchema:
    """The LiveSchema the migrations build, in order."""
    r = CatalogReplay(default_schema)
    for m in migrations:
        for stmt in m.statements:
            r.apply(stmt.node)
    r.schema.schemas = sorted({k[0] for k in r.schema.tables} | {default_schema})
    return r.schema
