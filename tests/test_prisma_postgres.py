"""Derived contracts vs what PostgreSQL really holds after the fixture migrations.

The fixture migrations are written in Prisma's SQL style to produce exactly the fixture
schema, so every derived `db_type` (as `format_type()` prints it), nullability,
`db_default`, key, index and foreign-key name and action must match the live catalog.
Naming rules (63-character cuts) are checked against prisma-engines' algorithm.
"""

from __future__ import annotations

import re

import psycopg
import pytest

from tests import pgutil
from wdguard.contracts.prisma_derive import derive_contracts
from wdguard.contracts.prisma_postgres import foreign_key_name, index_name, primary_key_name

_ACTIONS = {"a": "NoAction", "r": "Restrict", "c": "Cascade", "n": "SetNull", "d": "SetDefault"}


def _catalog(conn: psycopg.Connection, table: str) -> dict:
    cols = conn.execute(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = 'public' AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """,
        (table,),
    ).fetchall()
    indexes = conn.execute(
        """
        SELECT ic.relname, i.indisunique, i.indisprimary,
               array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
                     ORDER BY k.o)::text[]
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = %s
        """,
        (table,),
    ).fetchall()
    fks = conn.execute(
        """
        SELECT con.conname, ft.relname, con.confdeltype, con.confupdtype,
               array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
                     ORDER BY k.o)::text[],
               array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
                     ORDER BY k.o)::text[]
        FROM pg_constraint con
        JOIN pg_class t ON t.oid = con.conrelid
        JOIN pg_class ft ON ft.oid = con.confrelid
        WHERE con.contype = 'f' AND t.relname = %s
        """,
        (table,),
    ).fetchall()
    return {"columns": cols, "indexes": indexes, "fks": fks}


def _normalise_default(expr: str | None) -> str | None:
    """pg_get_expr's spelling -> the contract's: casts dropped, sequences named."""
    if expr is None:
        return None
    if expr.startswith("nextval("):
        return "autoincrement"
    return re.sub(r"::[\w\" ]+(\(\d+(,\d+)?\))?(\[\])?$", "", expr)


@pytest.fixture(scope="module")
def fixture_contracts():
    return derive_contracts(pgutil.SCHEMA_PATH)


def test_derived_contracts_match_the_migrated_database(wastedump_db, fixture_contracts) -> None:
    by_table = {c.object_name: c for c in fixture_contracts}
    with psycopg.connect(wastedump_db) as conn:
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> '_prisma_migrations'"
            )
        }
        assert tables == set(by_table)
        for table, contract in by_table.items():
            cat = _catalog(conn, table)
            live_cols = {
                name: (typ, not notnull, _normalise_default(default))
                for name, typ, notnull, default in cat["columns"]
            }
            derived_cols = {
                name: (
                    # format_type quotes mixed-case type names; contracts keep them plain
                    col.db_type,
                    col.nullable,
                    col.db_default,
                )
                for name, col in contract.columns.items()
            }
            live_cols = {k: (t.replace('"', ""), n, d) for k, (t, n, d) in live_cols.items()}
            assert live_cols == derived_cols, table

            pk = [r for r in cat["indexes"] if r[2]]
            assert [(r[0], r[3]) for r in pk] == [
                (
                    f"{table}_AB_pkey" if table.startswith("_") else primary_key_name(table),
                    contract.primary_key,
                )
            ]
            live_idx = sorted((r[0], r[1], r[3]) for r in cat["indexes"] if not r[2])
            derived_idx = sorted((i.name, i.unique, i.columns) for i in contract.indexes)
            assert live_idx == derived_idx, table

            live_fks = sorted(
                (name, target, _ACTIONS[d], _ACTIONS[u], cols, refs)
                for name, target, d, u, cols, refs in cat["fks"]
            )
            targets = {c.contract: c.object_name for c in fixture_contracts}
            derived_fks = sorted(
                (
                    fk.name,
                    targets[fk.references],
                    fk.on_delete,
                    fk.on_update,
                    fk.columns,
                    fk.ref_columns,
                )
                for fk in contract.foreign_keys
            )
            assert live_fks == derived_fks, table


def test_enum_values_match_the_database(wastedump_db, fixture_contracts) -> None:
    with psycopg.connect(wastedump_db) as conn:
        rows = conn.execute(
            "SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] "
            "FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname"
        ).fetchall()
    live = dict(rows)
    for contract in fixture_contracts:
        for col in contract.columns.values():
            if col.type == "enum":
                # declaration order in the schema may differ from ALTER TYPE ... ADD VALUE
                # order in the migrations; the set of values must be the same
                assert sorted(live[col.enum_name]) == sorted(col.values), col.enum_name


def test_constraint_names_are_cut_like_prisma_engines() -> None:
    t = "t" * 70
    assert primary_key_name("users") == "users_pkey"
    assert primary_key_name(t) == "t" * 58 + "_pkey"
    assert len(primary_key_name(t)) == 63
    assert primary_key_name("p" * 57) == "p" * 57 + "_pkey"
    assert primary_key_name("p" * 58) == "p" * 58 + "_pkey"
    assert index_name("orders", ["user_id", "created_at"], unique=False) == (
        "orders_user_id_created_at_idx"
    )
    assert index_name("users", ["email"], unique=True) == "users_email_key"
    long = index_name("a" * 40, ["b" * 30], unique=True)
    assert long == ("a" * 40 + "_" + "b" * 30)[:59] + "_key" and len(long) == 63
    assert foreign_key_name("a" * 40, ["b" * 30]) == ("a" * 40 + "_" + "b" * 30)[:58] + "_fkey"
