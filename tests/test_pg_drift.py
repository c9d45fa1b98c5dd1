"""Postgres drift on a real database migrated with the fixture migrations.

The clean database must give zero findings; then each injected drift must be reported
exactly once, named to its object and column, with the design's compatibility class.
"""

from __future__ import annotations

import psycopg
import pytest

from tests import pgutil
from wdguard.contracts.io import load_contracts
from wdguard.contracts.prisma_derive import derive_contracts
from wdguard.drift.pg_drift import postgres_drift
from wdguard.sources.postgres import connect

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def contracts():
    return derive_contracts(pgutil.SCHEMA_PATH)


def run(dsn, contracts, **kw):
    with connect(dsn) as conn:
        return postgres_drift(conn, contracts, **kw)


def inject(dsn: str, statements: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(statements)


def test_clean_database_has_no_findings(wastedump_db, contracts):
    result = run(wastedump_db, contracts, migrations_dir=pgutil.MIGRATIONS_DIR)
    assert result.findings == []
    assert result.strict_exit_code == 0
    assert result.contracts == 12 and result.tables == 12  # not _prisma_migrations
    assert result.history.head == "20240910100000_merchant_rating"


def test_committed_contracts_match_the_fixture_database(wastedump_db):
    committed = load_contracts(pgutil.ROOT / "contracts")
    assert sum(c.source.kind == "postgres" for c in committed) == 12
    assert run(wastedump_db, committed).findings == []


# (id, SQL, code, object, column, compat, exit code, exit code with --strict)
DRIFTS = [
    ("drop_column", 'ALTER TABLE "orders" DROP COLUMN "notes"',
     "PGD111", "orders", "notes", "breaking", 1, 1),
    ("rename_column", 'ALTER TABLE "orders" RENAME COLUMN "user_id" TO "customer_id"',
     "PGD111", "orders", "user_id", "breaking", 1, 1),
    ("add_nullable_column", 'ALTER TABLE "users" ADD COLUMN "nickname" TEXT',
     "PGD112", "users", "nickname", "compatible", 0, 0),
    ("add_not_null_column_no_default", 'ALTER TABLE "users" ADD COLUMN "tier" INTEGER NOT NULL',
     "PGD112", "users", "tier", "warning", 0, 1),
    ("narrow_type", 'ALTER TABLE "orders" ALTER COLUMN "total_amount" TYPE INTEGER',
     "PGD113", "orders", "total_amount", "breaking", 1, 1),
    ("type_other_family", 'ALTER TABLE "payments" ALTER COLUMN "provider_ref" TYPE UUID USING NULL',
     "PGD113", "payments", "provider_ref", "breaking", 1, 1),
    ("widen_type", 'ALTER TABLE "users" ALTER COLUMN "phone" TYPE VARCHAR(64)',
     "PGD113", "users", "phone", "warning", 0, 1),
    ("drop_not_null", 'ALTER TABLE "users" ALTER COLUMN "full_name" DROP NOT NULL',
     "PGD114", "users", "full_name", "warning", 0, 1),
    ("set_not_null", 'ALTER TABLE "orders" ALTER COLUMN "notes" SET NOT NULL',
     "PGD115", "orders", "notes", "warning", 0, 1),
    ("change_default", "ALTER TABLE \"products\" ALTER COLUMN \"currency\" SET DEFAULT 'USD'",
     "PGD116", "products", "currency", "warning", 0, 1),
    ("drop_default", 'ALTER TABLE "products" ALTER COLUMN "stock" DROP DEFAULT',
     "PGD116", "products", "stock", "warning", 0, 1),
    ("add_enum_value", "ALTER TYPE \"OrderStatus\" ADD VALUE 'ON_HOLD'",
     "PGD121", "OrderStatus", "ON_HOLD", "warning", 0, 1),
    ("remove_enum_value", """
        ALTER TYPE "PaymentMethod" RENAME TO "PaymentMethod_old";
        CREATE TYPE "PaymentMethod" AS ENUM ('CARD', 'MOBILE_MONEY', 'BANK_TRANSFER');
        ALTER TABLE "payments" ALTER COLUMN "method" TYPE "PaymentMethod"
            USING ("method"::text::"PaymentMethod");
        DROP TYPE "PaymentMethod_old";
     """, "PGD122", "PaymentMethod", "CASH", "breaking", 1, 1),
    ("drop_primary_key", 'ALTER TABLE "order_items" DROP CONSTRAINT "order_items_pkey"',
     "PGD131", "order_items", None, "breaking", 1, 1),
    ("drop_unique", 'DROP INDEX "users_email_key"',
     "PGD132", "users", "email", "breaking", 1, 1),
    ("add_unique", 'CREATE UNIQUE INDEX "products_sku_key" ON "products"("sku")',
     "PGD133", "products", "sku", "warning", 0, 1),
    ("drop_index", 'DROP INDEX "orders_status_idx"',
     "PGD141", "orders", "status", "warning", 0, 1),
    ("add_index", 'CREATE INDEX "products_name_idx" ON "products"("name")',
     "PGD142", "products", "name", "compatible", 0, 0),
    ("drop_foreign_key", 'ALTER TABLE "payments" DROP CONSTRAINT "payments_order_id_fkey"',
     "PGD151", "payments", "order_id", "warning", 0, 1),
    ("add_foreign_key", 'ALTER TABLE "products" ADD CONSTRAINT "products_sku_fkey" '
     'FOREIGN KEY ("sku") REFERENCES "tags"("name")',
     "PGD152", "products", "sku", "compatible", 0, 0),
    ("change_fk_action", """
        ALTER TABLE "orders" DROP CONSTRAINT "orders_user_id_fkey";
        ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id")
            REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
     """, "PGD153", "orders", "user_id", "warning", 0, 1),
    ("rename_table", 'ALTER TABLE "tags" RENAME TO "labels"',
     "PGD101", "tags", None, "breaking", 1, 1),
    ("drop_table", 'DROP TABLE "order_items"',
     "PGD101", "order_items", None, "breaking", 1, 1),
    ("extra_table", 'CREATE TABLE "audit_log" ("id" SERIAL PRIMARY KEY, "what" TEXT)',
     "PGD102", "audit_log", None, "compatible", 0, 0),
]


@pytest.mark.parametrize(
    "statements,code,obj,column,compat,exit_code,strict_exit",
    [d[1:] for d in DRIFTS],
    ids=[d[0] for d in DRIFTS],
)
def test_injected_drift_is_reported_once(
    wastedump_db, contracts, statements, code, obj, column, compat, exit_code, strict_exit
):
    inject(wastedump_db, statements)
    result = run(wastedump_db, contracts)
    assert [(f.code, f.object, f.column, f.compat) for f in result.findings] == [
        (code, obj, column, compat)
    ], [f.message for f in result.findings]
    assert result.exit_code == exit_code
    assert result.strict_exit_code == strict_exit


def test_renames_name_the_new_object(wastedump_db, contracts):
    inject(wastedump_db, 'ALTER TABLE "tags" RENAME TO "labels";'
           'ALTER TABLE "orders" RENAME COLUMN "notes" TO "remarks"')
    by_code = {f.code: f for f in run(wastedump_db, contracts).findings}
    assert set(by_code) == {"PGD101", "PGD111"}
    assert by_code["PGD101"].details["renamed_to"] == "labels"
    assert by_code["PGD111"].details["renamed_to"] == "remarks"


def test_several_drifts_in_one_table_are_each_reported(wastedump_db, contracts):
    inject(wastedump_db, 'ALTER TABLE "orders" DROP COLUMN "notes";'
           'ALTER TABLE "orders" ALTER COLUMN "paid_at" SET NOT NULL;'
           'DROP INDEX "orders_status_idx"')
    found = sorted((f.code, f.column) for f in run(wastedump_db, contracts).findings)
    assert found == [("PGD111", "notes"), ("PGD115", "paid_at"), ("PGD141", "status")]


def test_second_schema_is_introspected_and_compared(wastedump_db, contracts):
    inject(wastedump_db, 'CREATE SCHEMA "billing";'
           'CREATE TABLE "billing"."invoices" ("id" UUID NOT NULL, "total" DECIMAL(10,2),'
           ' CONSTRAINT "invoices_pkey" PRIMARY KEY ("id"))')
    invoice = contracts[0].model_validate(
        {
            "contract": "Invoice",
            "source": {"kind": "postgres", "schema": "billing", "table": "invoices"},
            "primary_key": ["id"],
            "columns": {
                "id": {"type": "uuid", "nullable": False, "db_type": "uuid"},
                "total": {"type": "decimal", "precision": 10, "scale": 2},
                "due_at": {"type": "timestamp"},
            },
        }
    )
    result = run(wastedump_db, [*contracts, invoice])
    assert result.schemas == ["billing", "public"]
    assert [(f.code, f.object, f.column) for f in result.findings] == [
        ("PGD111", "billing.invoices", "due_at")
    ]


def test_logical_type_is_compared_when_the_contract_has_no_db_type(wastedump_db, contracts):
    hand = contracts[0].model_validate(
        {
            "contract": "Tag",
            "source": {"kind": "postgres", "table": "tags"},
            "primary_key": ["id"],
            "columns": {
                "id": {"type": "integer", "nullable": False, "db_default": "autoincrement"},
                "name": {"type": "uuid", "nullable": False, "unique": True},
            },
        }
    )
    others = [c for c in contracts if c.contract != "Tag"]
    result = run(wastedump_db, [*others, hand])
    assert [(f.code, f.object, f.column) for f in result.findings] == [
        ("PGD113", "tags", "name")
    ]


def test_no_false_alarms_on_prisma_defaults_and_types(fresh_db):
    """Every default spelling and native type of defaults.prisma, as Prisma creates them."""
    here = pgutil.ROOT / "tests" / "pg_fixtures"
    inject(fresh_db, (here / "defaults.sql").read_text())
    contracts = derive_contracts(here / "defaults.prisma")
    assert run(fresh_db, contracts).findings == []
    inject(fresh_db, 'ALTER TABLE "Thing" ALTER COLUMN "price" SET DEFAULT 2.5;'
           'ALTER TABLE "Thing" ALTER COLUMN "levels" TYPE TEXT[]')
    found = sorted((f.code, f.column) for f in run(fresh_db, contracts).findings)
    assert found == [("PGD113", "levels"), ("PGD116", "price")]


# live column -> the logical family a hand-written contract (no db_type) must name
FAMILIES = [
    ("a_uuid", "UUID", "uuid"),
    ("a_char", "CHARACTER(3)", "string"),
    ("a_varchar", "VARCHAR(10)", "string"),
    ("a_text", "TEXT", "string"),
    ("a_citext", "CITEXT", "string"),
    ("a_int", "INTEGER", "integer"),
    ("a_small", "SMALLINT", "integer"),
    ("a_big", "BIGINT", "bigint"),
    ("a_double", "DOUBLE PRECISION", "float"),
    ("a_real", "REAL", "float"),
    ("a_numeric", "NUMERIC(10,2)", "decimal"),
    ("a_bool", "BOOLEAN", "boolean"),
    ("a_ts", "TIMESTAMP(3)", "timestamp"),
    ("a_tstz", "TIMESTAMPTZ", "timestamp"),
    ("a_date", "DATE", "date"),
    ("a_json", "JSON", "json"),
    ("a_jsonb", "JSONB", "json"),
    ("a_bytes", "BYTEA", "bytes"),
    ("a_list", "TEXT[]", "list"),
    ("a_int_list", "INTEGER[]", "list"),
    ("a_enum", '"Mood"', "enum"),
]


def _hand_contract(columns: dict[str, dict]):
    from wdguard.contracts.model import Contract

    extra = {"list": {"items": "string"}, "enum": {"values": ["OK", "MEH"]}}
    columns = {n: {**extra.get(c["type"], {}), **c} for n, c in columns.items()}
    return Contract.model_validate(
        {
            "contract": "Family",
            "source": {"kind": "postgres", "table": "family"},
            "columns": columns,
        }
    )


@pytest.fixture
def family_db(fresh_db):
    cols = ", ".join(f'"{name}" {sql}' for name, sql, _ in FAMILIES)
    inject(fresh_db, 'CREATE EXTENSION citext; CREATE TYPE "Mood" AS ENUM (\'OK\', \'MEH\');'
           f'CREATE TABLE "family" ({cols}, "a_point" POINT)')
    return fresh_db


def test_every_live_type_maps_to_its_logical_family(family_db):
    """A hand-written contract names families, not spellings: each live type must match
    its own family (no false alarm) and no other (a wrong family is PGD113)."""
    right = {name: {"type": fam} for name, _, fam in FAMILIES}
    right["a_point"] = {"type": "unsupported"}
    assert run(family_db, [_hand_contract(right)]).findings == []

    # each column claimed as the next family in the list: every one is a type change
    fams = [fam for _, _, fam in FAMILIES]
    wrong = {}
    for i, (name, _, fam) in enumerate(FAMILIES):
        other = next(f for f in fams[i + 1:] + fams[:i] if f != fam)
        wrong[name] = {"type": other}
    wrong["a_point"] = {"type": "string"}
    found = {f.column: f for f in run(family_db, [_hand_contract(wrong)]).findings}
    assert sorted(found) == sorted([*right])
    assert {c: (f.code, f.details["expected"], f.details["live"]) for c, f in found.items()} == {
        c: ("PGD113", wrong[c]["type"], right[c]["type"]) for c in right
    }
    assert {f.details["contract"] for f in found.values()} == {"Family"}
    assert found["a_point"].message == (
        "family.a_point is point, the contract says string"
    )


def _contract(name: str, table: str, columns: dict, **more):
    from wdguard.contracts.model import Contract

    return Contract.model_validate(
        {"contract": name, "source": {"kind": "postgres", "table": table},
         "columns": columns, **more}
    )


def test_only_a_two_column_a_b_join_table_is_prisma_implicit(fresh_db):
    inject(fresh_db, 'CREATE TABLE "t" ("id" INTEGER);'
           'CREATE TABLE "_CatToProduct" ("A" INTEGER, "B" INTEGER);'
           'CREATE TABLE "_TagToPost" ("A" INTEGER, "B" INTEGER, "C" INTEGER);'
           'CREATE TABLE "_UserToRole" ("a" INTEGER, "b" INTEGER);'
           'CREATE TABLE "pairs" ("A" INTEGER, "B" INTEGER)')
    t = _contract("T", "t", {"id": {"type": "integer", "db_type": "integer"}})
    found = [(f.code, f.object) for f in run(fresh_db, [t]).findings]
    assert sorted(found) == [("PGD102", "_TagToPost"), ("PGD102", "_UserToRole"),
                             ("PGD102", "pairs")]


@pytest.fixture
def fk_db(fresh_db):
    inject(fresh_db, 'CREATE TABLE "parent" ("a" INTEGER, "b" INTEGER, PRIMARY KEY ("a", "b"));'
           'CREATE TABLE "child" ("a" INTEGER, "b" INTEGER, "p" INTEGER,'
           ' CONSTRAINT "child_a_b_fkey" FOREIGN KEY ("a", "b") REFERENCES "parent"("a", "b")'
           ' ON DELETE SET NULL ON UPDATE NO ACTION)')
    return fresh_db


def _fk_contracts(on_delete: str, on_update: str):
    ints = {"a": {"type": "integer", "db_type": "integer", "nullable": False},
            "b": {"type": "integer", "db_type": "integer", "nullable": False}}
    parent = _contract("Parent", "parent", ints, primary_key=["a", "b"])
    child = _contract(
        "Child", "child",
        {"a": {"type": "integer", "db_type": "integer"},
         "b": {"type": "integer", "db_type": "integer"},
         "p": {"type": "integer", "db_type": "integer"}},
        foreign_keys=[{"name": "child_a_b_fkey", "columns": ["a", "b"], "references": "Parent",
                       "ref_columns": ["a", "b"], "on_delete": on_delete,
                       "on_update": on_update}],
    )
    return [parent, child]


@pytest.mark.parametrize("on_delete,on_update", [
    ("SetNull", "NoAction"),       # Prisma's spelling
    ("set_null", "no action"),     # a hand-written one
    ("SET NULL", "NO ACTION"),     # SQL's
])
def test_referential_action_spellings_are_one_action(fk_db, on_delete, on_update):
    assert run(fk_db, _fk_contracts(on_delete, on_update)).findings == []


def test_changed_referential_action_is_named_in_sql_spelling(fk_db):
    [f] = run(fk_db, _fk_contracts("Cascade", "SetDefault")).findings
    assert (f.code, f.object, f.column) == ("PGD153", "child", None)  # two columns: no one
    assert f.message == (
        "child: foreign key child_a_b_fkey differs: on_delete SET NULL (contract: CASCADE); "
        "on_update NO ACTION (contract: SET DEFAULT)"
    )
    assert f.details["contract"] == "Child"


def test_dropped_composite_foreign_key_names_no_single_column(fk_db):
    inject(fk_db, 'ALTER TABLE "child" DROP CONSTRAINT "child_a_b_fkey"')
    [f] = run(fk_db, _fk_contracts("SetNull", "NoAction")).findings
    assert (f.code, f.object, f.column) == ("PGD151", "child", None)
    assert f.details == {"contract": "Child", "constraint": "child_a_b_fkey"}
