"""Contracts vs the live PostgreSQL schema: every difference, once, named to the column.

Expected and live are reduced to the same plain shapes (see `pg_types`), then compared
object by object. A difference that follows from a bigger one is not repeated: a missing
table hides its columns, a dropped column hides the indexes and keys that used it, and
a table or column whose live twin differs only by name is reported once as renamed.
Prisma's own output (its type spellings, defaults, `_AToB` join tables,
`_prisma_migrations`, the redundant unique index of `@id @unique`) is never drift; keys
and indexes are compared in `pg_indexes` (names only as info), and what Prisma cannot
model (CHECK/EXCLUDE constraints, views) is listed as info by `pg_unmodelled`.
"""

from __future__ import annotations

import re
from typing import Any

from deepdiff import DeepDiff

from wdguard.contracts.model import Column, Contract
from wdguard.drift.kinds import (
    pg_column_added,
    pg_column_became_not_null,
    pg_column_became_nullable,
    pg_column_default_changed,
    pg_column_dropped,
    pg_column_type_changed,
    pg_enum_value_added,
    pg_enum_value_removed,
    pg_enum_value_reordered,
    pg_foreign_key_added,
    pg_foreign_key_changed,
    pg_foreign_key_dropped,
    pg_foreign_key_renamed,
    pg_primary_key_changed,
    pg_table_extra,
    pg_table_missing,
)
from wdguard.drift.pg_context import TableContext
from wdguard.drift.pg_indexes import compare_indexes
from wdguard.drift.pg_introspect import LiveColumn, LiveSchema, LiveTable
from wdguard.drift.pg_types import is_widening, live_type, norm_default, norm_type
from wdguard.drift.pg_unmodelled import unmodelled_constraints, unmodelled_views
from wdguard.findings import Finding

_AS_WARNING = {"compat": "warning", "severity": "warning"}  # milder than the kind's class
IGNORED_TABLES = frozenset({"_prisma_migrations"})
_IMPLICIT_M2M = re.compile(r"^_\w+To\w+$")

# Prisma's referential actions (SetNull) and SQL's (SET NULL) in one spelling
_ACTION = {"setnull": "SET NULL", "setdefault": "SET DEFAULT", "noaction": "NO ACTION"}


def norm_action(text: str | None) -> str | None:
    if text is None:
        return None
    key = re.sub(r"[\s_]", "", text).lower()
    return _ACTION.get(key, key.upper())


def schema_of(contract: Contract) -> str:
    return contract.source.schema_ or "public"


def postgres_contracts(contracts: list[Contract]) -> list[Contract]:
    """The contracts drift compares: Postgres tables (views are not introspected)."""
    return [c for c in contracts if c.source.kind == "postgres" and not c.source.view]


def schemas_of(contracts: list[Contract]) -> list[str]:
    return sorted({schema_of(c) for c in postgres_contracts(contracts)}) or ["public"]


def _display(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def _expected_column(col: Column) -> dict[str, Any]:
    spelt = col.db_type or col.enum_name
    return {
        "type": norm_type(spelt) if spelt else None,
        "nullable": col.nullable,
        "default": norm_default(col.db_default),
    }


def _live_column(col: LiveColumn) -> dict[str, Any]:
    return {
        "type": live_type(col),
        "nullable": col.nullable,
        "default": norm_default(col.default, identity=col.identity),
    }


def _logical_of(col: LiveColumn) -> str:
    """The contract's logical type family of a live column (used without db_type)."""
    if col.enum_name:
        return "enum"
    t = live_type(col)
    if t.endswith("[]"):
        return "list"
    for prefix, logical in (
        ("uuid", "uuid"),
        ("character", "string"),
        ("text", "string"),
        ("citext", "string"),
        ("integer", "integer"),
        ("smallint", "integer"),
        ("bigint", "bigint"),
        ("double precision", "float"),
        ("real", "float"),
        ("numeric", "decimal"),
        ("boolean", "boolean"),
        ("timestamp", "timestamp"),
        ("date", "date"),
        ("json", "json"),
        ("bytea", "bytes"),
    ):
        if t.startswith(prefix):
            return logical
    return "unsupported"


def _compare_column(ctx: TableContext, name: str, col: Column, live: LiveColumn) -> list[Finding]:
    out: list[Finding] = []
    expected, got = _expected_column(col), _live_column(live)
    if expected["type"] is None:  # hand-written contract without db_type: compare families
        expected["type"] = col.type
        got["type"] = _logical_of(live)
    if col.type == "list" and live.nullable and not col.nullable:
        got["nullable"] = False  # Prisma creates scalar-list columns without NOT NULL
    if expected == got:  # the common case; DeepDiff only explains differences
        return out
    delta = DeepDiff(expected, got)
    # None <-> value shows up as a type change, value <-> value as a value change
    changed = {**delta.get("values_changed", {}), **delta.get("type_changes", {})}
    for path, change in sorted(changed.items()):
        key = path.split("'")[1]
        old, new = change["old_value"], change["new_value"]
        if key == "type":
            widening = is_widening(str(old), str(new))
            out.append(
                pg_column_type_changed.ColumnTypeChanged.finding(
                    f"{ctx.table}.{name} is {live.db_type}, the contract says "
                    f"{col.db_type or col.type}" + (" (widened)" if widening else ""),
                    **(_AS_WARNING if widening else {}),
                    **ctx.at(name, expected=old, live=new, widening=widening),
                )
            )
        elif key == "nullable" and new:
            out.append(
                pg_column_became_nullable.ColumnBecameNullable.finding(
                    f"{ctx.table}.{name} accepts NULL; the contract says NOT NULL",
                    **ctx.at(name),
                )
            )
        elif key == "nullable":
            out.append(
                pg_column_became_not_null.ColumnBecameNotNull.finding(
                    f"{ctx.table}.{name} is NOT NULL; the contract says nullable",
                    **ctx.at(name),
                )
            )
        elif key == "default":
            out.append(
                pg_column_default_changed.ColumnDefaultChanged.finding(
                    f"{ctx.table}.{name} defaults to {live.default or 'nothing'}; the contract "
                    f"says {col.db_default or 'no database default'}",
                    **ctx.at(name, expected=old, live=new),
                )
            )
    return out


def _renamed(missing: dict[str, Any], extra: dict[str, Any], same) -> dict[str, str]:
    """Pair each missing item with the one extra item it matches, when unambiguous."""
    pairs: dict[str, str] = {}
    for old, exp in missing.items():
        matches = [new for new, got in extra.items() if same(exp, got)]
        if len(matches) == 1 and matches[0] not in pairs.values():
            pairs[old] = matches[0]
    return pairs


def _columns(
    ctx: TableContext, contract: Contract, table: LiveTable
) -> tuple[list[Finding], set[str]]:
    """Column findings, and the names whose keys/indexes must not be reported again:
    columns that are gone, and the live names of renamed ones."""
    out: list[Finding] = []
    missing = {n: c for n, c in contract.columns.items() if n not in table.columns}
    extra = {n: c for n, c in table.columns.items() if n not in contract.columns}
    renames = _renamed(
        missing,
        extra,
        lambda exp, got: _expected_column(exp)["type"] in (live_type(got), None)
        and exp.nullable == got.nullable,
    )
    for name in missing:
        new = renames.get(name)
        out.append(
            pg_column_dropped.ColumnDropped.finding(
                f"{ctx.table}.{name} is missing"
                + (f" (renamed to {new}?)" if new else "")
                + (f"; Prisma field {missing[name].field}" if missing[name].field else ""),
                **ctx.at(name, **({"renamed_to": new} if new else {})),
            )
        )
    for name, live in extra.items():
        if name in renames.values():
            continue
        safe = live.nullable or live.default is not None or live.identity
        out.append(
            pg_column_added.ColumnAdded.finding(
                f"{ctx.table}.{name} ({live.db_type}"
                + ("" if live.nullable else " NOT NULL")
                + ") is not in the contract"
                + ("" if safe else "; NOT NULL without a default breaks inserts"),
                **({} if safe else _AS_WARNING),
                **ctx.at(name, type=live.db_type, nullable=live.nullable),
            )
        )
    for name, col in contract.columns.items():
        if name in table.columns:
            out.extend(_compare_column(ctx, name, col, table.columns[name]))
    return out, set(missing) | set(renames.values())


def _keys(ctx: TableContext, contract: Contract, table: LiveTable, gone: set[str]) -> list[Finding]:
    out: list[Finding] = []
    if contract.primary_key != table.primary_key and not gone.intersection(contract.primary_key):
        live_pk = ", ".join(table.primary_key) or "none"
        out.append(
            pg_primary_key_changed.PrimaryKeyChanged.finding(
                f"{ctx.table} primary key is ({live_pk}); the contract says "
                f"({', '.join(contract.primary_key) or 'none'})",
                **ctx.at(None, expected=contract.primary_key, live=table.primary_key),
            )
        )

    out.extend(compare_indexes(ctx, contract, table, gone))
    return out


def _one(cols: Any) -> str | None:
    cols = list(cols)
    return cols[0] if len(cols) == 1 else None


def _foreign_keys(
    ctx: TableContext,
    contract: Contract,
    table: LiveTable,
    gone: set[str],
    targets: dict[str, tuple[str, str]],
    renamed: dict[tuple[str, str], tuple[str, str]],
) -> list[Finding]:
    out: list[Finding] = []
    live_fks = {tuple(fk.columns): fk for fk in table.foreign_keys}
    expected = {tuple(fk.columns): fk for fk in contract.references()}
    for cols, fk in expected.items():
        live = live_fks.get(cols)
        if live is None:
            if not gone.intersection(cols):
                out.append(
                    pg_foreign_key_dropped.ForeignKeyDropped.finding(
                        f"{ctx.table}: foreign key {fk.name} ({', '.join(cols)}) -> "
                        f"{fk.references} is missing",
                        **ctx.at(_one(cols), constraint=fk.name),
                    )
                )
            continue
        target = targets.get(fk.references)
        if target in renamed:  # reported once, as the renamed table
            target = renamed[target]
        want = {
            "references": _display(*target) if target else fk.references,
            "ref_columns": list(fk.ref_columns),
            "on_delete": norm_action(fk.on_delete) or norm_action(live.on_delete),
            "on_update": norm_action(fk.on_update) or norm_action(live.on_update),
        }
        got = {
            "references": _display(live.ref_schema, live.ref_table),
            "ref_columns": list(live.ref_columns),
            "on_delete": norm_action(live.on_delete),
            "on_update": norm_action(live.on_update),
        }
        if want == got and live.name != fk.name:
            out.append(
                pg_foreign_key_renamed.ForeignKeyRenamed.finding(
                    f"{ctx.table}: foreign key ({', '.join(cols)}) -> {got['references']} is "
                    f"named {live.name}; the contract says {fk.name}",
                    **ctx.at(_one(cols), constraint=fk.name, live_name=live.name),
                )
            )
        if want != got:
            diffs = [f"{k} {got[k]} (contract: {want[k]})" for k in want if want[k] != got[k]]
            out.append(
                pg_foreign_key_changed.ForeignKeyChanged.finding(
                    f"{ctx.table}: foreign key {live.name} differs: " + "; ".join(diffs),
                    **ctx.at(_one(cols), constraint=live.name, expected=want, live=got),
                )
            )
    for cols, live in live_fks.items():
        if cols not in expected and not gone.intersection(cols):
            out.append(
                pg_foreign_key_added.ForeignKeyAdded.finding(
                    f"{ctx.table}: foreign key {live.name} ({', '.join(cols)}) -> "
                    f"{_display(live.ref_schema, live.ref_table)} is not in the contract",
                    **ctx.at(_one(cols), constraint=live.name),
                )
            )
    return out


def _enums(contracts: list[Contract], live: LiveSchema) -> list[Finding]:
    """Each enum type once, however many columns use it.

    Enum arrays (`Role[]`) count as uses. The type's schema is the live column's
    (multiSchema: a table in `billing` may use an enum of `base`), else the contract's."""
    out: list[Finding] = []
    expected: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for contract in contracts:
        table = live.tables.get((schema_of(contract), contract.object_name))
        for name, col in contract.columns.items():
            if "enum" in (col.type, col.items) and col.enum_name and col.values:
                got = table.columns.get(name) if table else None
                schema = schema_of(contract)
                if got is not None and got.enum_type and got.enum_type[1] == col.enum_name:
                    schema = got.enum_type[0]
                entry = expected.setdefault((schema, col.enum_name), (list(col.values), []))
                entry[1].append(f"{contract.object_name}.{name}")
    for (schema, enum), (values, used_by) in sorted(expected.items()):
        got = live.enums.get((schema, enum))
        if got is None:
            continue  # the columns report the type change
        display = _display(schema, enum)
        common = {"object": display, "details": {"used_by": used_by}}
        added = [v for v in got if v not in values]
        removed = [v for v in values if v not in got]
        for v in removed:
            out.append(
                pg_enum_value_removed.EnumValueRemoved.finding(
                    f"enum {display} has no value {v!r} (used by {', '.join(used_by)})",
                    column=v,
                    **common,
                )
            )
        for v in added:
            out.append(
                pg_enum_value_added.EnumValueAdded.finding(
                    f"enum {display} has a new value {v!r} (used by {', '.join(used_by)})",
                    column=v,
                    **common,
                )
            )
        kept_exp = [v for v in values if v in got]
        kept_live = [v for v in got if v in values]
        if kept_exp != kept_live:
            out.append(
                pg_enum_value_reordered.EnumValueReordered.finding(
                    f"enum {display} orders its values {kept_live}; the contract says {kept_exp}",
                    **common,
                )
            )
    return out


def _is_implicit_m2m(table: LiveTable) -> bool:
    return bool(_IMPLICIT_M2M.match(table.name)) and set(table.columns) == {"A", "B"}


def diff(contracts: list[Contract], live: LiveSchema) -> list[Finding]:
    """Every drift between the Postgres contracts and the live schema."""
    all_contracts, contracts = contracts, postgres_contracts(contracts)
    targets = {c.contract: (schema_of(c), c.object_name) for c in contracts}
    expected = {(schema_of(c), c.object_name): c for c in contracts}
    findings: list[Finding] = []

    missing = {k: c for k, c in expected.items() if k not in live.tables}
    extra = {
        k: t
        for k, t in live.tables.items()
        if k not in expected
        and k[1] not in IGNORED_TABLES
        and not (_is_implicit_m2m(t) and not any(_IMPLICIT_M2M.match(n) for _, n in expected))
    }
    renames = _renamed(
        missing,
        extra,
        lambda c, t: schema_of(c) == t.schema and set(c.columns) == set(t.columns),
    )
    for key, contract in missing.items():
        new = renames.get(key)
        findings.append(
            pg_table_missing.TableMissing.finding(
                f"table {_display(*key)} (contract {contract.contract}) is missing"
                + (f" (renamed to {_display(*new)}?)" if new else ""),
                object=_display(*key),
                details={"contract": contract.contract}
                | ({"renamed_to": _display(*new)} if new else {}),
            )
        )
    for key, table in extra.items():
        if key in renames.values():
            continue
        findings.append(
            pg_table_extra.TableExtra.finding(
                f"table {_display(*key)} ({len(table.columns)} columns) has no contract",
                object=_display(*key),
            )
        )
    for key, contract in expected.items():
        table = live.tables.get(key)
        if table is None:
            continue
        ctx = TableContext(table=_display(*key), contract=contract.contract)
        col_findings, gone = _columns(ctx, contract, table)
        findings.extend(col_findings)
        findings.extend(_keys(ctx, contract, table, gone))
        findings.extend(_foreign_keys(ctx, contract, table, gone, targets, renames))
        findings.extend(unmodelled_constraints(ctx, table))
    findings.extend(_enums(contracts, live))
    findings.extend(unmodelled_views(all_contracts, live))
    return findings
