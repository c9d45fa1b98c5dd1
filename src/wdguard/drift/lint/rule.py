"""The base of every lint rule, and small AST helpers the rules share.

A rule is a `RuleKind` (stable code, dotted name, default severity, docstring = docs)
with a `check(stmt, ctx)` that returns findings for one parsed statement. Pipeline rules
(`pipeline = True`) also say how the change would alter a contract (`contract_changes`),
which `impact.py` uses to name the contracts and gold tables a change touches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from pglast import ast, enums

from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext, type_name
from wdguard.drift.lint.parse import Statement
from wdguard.findings import Finding, RuleKind


class LintRule(RuleKind):
    family: ClassVar[str] = "lint"
    pipeline: ClassVar[bool] = False  # breaks readers (vs an operational hazard)
    squawk: ClassVar[tuple[str, ...]] = ()  # corresponding Squawk rules
    atlas: ClassVar[tuple[str, ...]] = ()  # corresponding Atlas analyzer checks

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        raise NotImplementedError

    @classmethod
    def contract_changes(cls, finding: Finding, contract: Contract) -> list[str]:
        """The lines re-deriving `contract` would change, e.g. `- columns.user_id`."""
        return []

    @classmethod
    def at(
        cls,
        stmt: Statement,
        ctx: LintContext,
        message: str,
        *,
        help: str,
        table: str | None = None,
        column: str | None = None,
        **details: Any,
    ) -> Finding:
        """A finding located at the statement's first keyword."""
        return cls.finding(
            message,
            object=table,
            column=column,
            file=ctx.migration.display,
            line=stmt.line,
            col=stmt.col,
            help=help,
            details={k: v for k, v in details.items() if v is not None},
        )


def alter_cmds(node: Any) -> Iterator[tuple[str, ast.AlterTableCmd]]:
    """(table, command) for every command of an ALTER TABLE."""
    if isinstance(node, ast.AlterTableStmt) and node.objtype == enums.ObjectType.OBJECT_TABLE:
        for cmd in node.cmds or ():
            if isinstance(cmd, ast.AlterTableCmd):
                yield node.relation.relname, cmd


def added_columns(stmt: Statement, ctx: LintContext) -> Iterator[tuple[str, ast.ColumnDef]]:
    """(table, column definition) for every ADD COLUMN on a table that existed before."""
    for table, cmd in alter_cmds(stmt.node):
        if cmd.subtype == AT.AT_AddColumn and ctx.existing(table):
            yield table, cmd.def_


_SERIALS = {"serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"}


def fills_itself(coldef: ast.ColumnDef) -> bool:
    """A serial, identity or stored generated column: PostgreSQL computes every row's value."""
    serial = coldef.typeName is not None and type_name(coldef.typeName).lower() in _SERIALS
    return serial or has_constraint(coldef, CT.CONSTR_IDENTITY, CT.CONSTR_GENERATED)


def constraints(coldef: ast.ColumnDef) -> list[ast.Constraint]:
    return [c for c in (coldef.constraints or ()) if isinstance(c, ast.Constraint)]


def has_constraint(coldef: ast.ColumnDef, *kinds: enums.ConstrType) -> bool:
    return any(c.contype in kinds for c in constraints(coldef))


def default_expr(coldef: ast.ColumnDef) -> Any | None:
    for c in constraints(coldef):
        if c.contype == enums.ConstrType.CONSTR_DEFAULT:
            return c.raw_expr
    return None


def is_not_null(coldef: ast.ColumnDef) -> bool:
    return bool(coldef.is_not_null) or has_constraint(
        coldef, enums.ConstrType.CONSTR_NOTNULL, enums.ConstrType.CONSTR_PRIMARY
    )


def names(strings: Any) -> list[str]:
    return [s.sval for s in (strings or ()) if isinstance(s, ast.String)]


def cmd_is(cmd: ast.AlterTableCmd, *subtypes: enums.AlterTableType) -> bool:
    return cmd.subtype in subtypes


AT = enums.AlterTableType
CT = enums.ConstrType
OT = enums.ObjectType


_LOGICAL = {
    **dict.fromkeys(
        (
            "int2",
            "int4",
            "smallint",
            "integer",
            "int",
            "serial",
            "serial4",
            "smallserial",
            "serial2",
        ),
        "integer",
    ),
    **dict.fromkeys(("int8", "bigint", "bigserial", "serial8"), "bigint"),
    **dict.fromkeys(("numeric", "decimal", "money"), "decimal"),
    **dict.fromkeys(("float4", "float8", "real", "double precision"), "float"),
    **dict.fromkeys(("text", "varchar", "bpchar", "char", "citext", "name"), "string"),
    "uuid": "uuid",
    "bool": "boolean",
    "date": "date",
    **dict.fromkeys(("timestamp", "timestamptz", "time", "timetz"), "timestamp"),
    **dict.fromkeys(("json", "jsonb"), "json"),
    "bytea": "bytes",
}
# a reader of the old type still reads the new one: integer widening
_WIDENINGS = {("integer", "bigint"), ("integer", "decimal"), ("bigint", "decimal")}


def logical_type(type_node: ast.TypeName, known_enums: set[str]) -> str:
    """The contract's logical type for a SQL type (`unsupported` when unknown)."""
    if type_node.arrayBounds:
        return "list"
    return logical_of_name(type_name(type_node), known_enums)


def logical_of_name(name: str, known_enums: set[str]) -> str:
    if name in known_enums:
        return "enum"
    return _LOGICAL.get(name.lower(), "unsupported")


def compatible_type_change(old: str, new: str) -> bool:
    return old == new or (old, new) in _WIDENINGS


class _Funcs:
    """Names of the functions called anywhere in an expression."""

    @staticmethod
    def of(expr: Any) -> list[str]:
        from pglast.visitors import Visitor

        found: list[str] = []

        class V(Visitor):
            def visit_FuncCall(self, ancestors: Any, node: ast.FuncCall) -> None:
                found.append(names(node.funcname)[-1].lower())

        if expr is not None:
            V()(expr)
        return found


function_names = _Funcs.of


def enum_replacement(stmt_node: Any, ctx: LintContext) -> tuple[str, list[str], list[str]] | None:
    """(enum, old values, new values) when this statement makes a new type take over the
    name of an enum this migration retired (Prisma's recreate-the-enum dance)."""
    from wdguard.drift.lint.context import enum_values, qualname

    if isinstance(stmt_node, ast.CreateEnumStmt):
        name = qualname(stmt_node.typeName)
        if name in ctx.retired_enums:
            return name, ctx.retired_enums[name], enum_values(stmt_node)
    if isinstance(stmt_node, ast.RenameStmt) and stmt_node.renameType == OT.OBJECT_TYPE:
        old = qualname(stmt_node.object) if stmt_node.object else ""
        new = stmt_node.newname
        if old in ctx.enums_created_here and new in ctx.retired_enums:
            return new, ctx.retired_enums[new], list(ctx.state.enums.get(old, []))
    return None


def enum_value_lines(
    contract: Contract, enum: str, removed: list[str] = (), added: list[str] = ()
) -> list[str]:
    """`~ columns.status.values: -REFUNDED` for each column of `contract` typed `enum`,
    leaving out what the contract already reflects."""
    out = []
    for name, col in contract.columns.items():
        if col.type != "enum" or col.enum_name != enum:
            continue
        values = col.values or []
        delta = [f"-{v}" for v in removed if v in values]
        delta += [f"+{v}" for v in added if v not in values]
        if delta:
            out.append(f"~ columns.{name}.values: {' '.join(delta)}")
    return out
