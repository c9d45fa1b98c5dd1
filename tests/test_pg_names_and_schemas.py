"""Prisma's `?schema=` and multiSchema, index/constraint names, CHECK constraints and views.

On the real server: the fixture database (`wastedump_db`) for names and unmodelled
objects, a corpus history applied under `?schema=app` for the default schema.
"""

from __future__ import annotations

import psycopg
import pytest
from typer.testing import CliRunner

from tests import pgutil
from tests.test_drift_corpus import CORPUS, url
from wdguard.cli import app
from wdguard.contracts.prisma_derive import derive_contracts, derive_from_schema
from wdguard.contracts.prisma_parser import parse_text
from wdguard.drift.pg_drift import postgres_drift
from wdguard.sources.postgres import connect, describe, dsn_schema, split_prisma_params

pytestmark = pytest.mark.postgres
runner = CliRunner()
NATIVE = CORPUS / "native_types"


def test_prisma_url_parameters_are_taken_out_before_libpq():
    dsn = "postgresql://app:s3cret@db:5432/shop?schema=app&connection_limit=5&sslmode=require"
    clean, taken = split_prisma_params(dsn)
    assert taken == {"schema": "app", "connection_limit": "5"}
    assert clean == "postgresql://app:s3cret@db:5432/shop?sslmode=require"
    assert dsn_schema(dsn) == "app"
    assert describe(dsn) == "app@db:5432/shop"
    assert split_prisma_params("host=db dbname=shop") == ("host=db dbname=shop", {})
    assert dsn_schema("postgresql://db/shop") is None


def test_default_schema_from_literal_url_argument_or_public():
    text = """
datasource db {
  provider = "postgresql"
  url      = "postgresql://u@h:5432/d?schema=shop"
}
model A {
  id Int @id
  bs B[]
}
model B {
  id Int @id
  as A[]
}
"""
    def schemas(text: str, default: str | None = None) -> list[str | None]:
        return [c.source.schema_ for c in derive_from_schema(parse_text(text), default)]

    assert schemas(text) == ["shop", "shop", "shop"]  # A, B and the _AToB join table
    assert schemas(text, "x") == ["x", "x", "x"]
    plain = text.replace('  url      = "postgresql://u@h:5432/d?schema=shop"\n', "")
    assert schemas(plain) == ["public", "public", "public"]


@pytest.fixture
def app_schema_db(pg_server_dsn):
    name, dsn = pgutil.create_database("wdg_appschema")
    try:
        pgutil.apply_migrations(dsn, NATIVE / "migrations", schema="app")
        yield dsn
    finally:
        pgutil.drop_database(name)


def test_migrations_table_outside_public_is_found(app_schema_db):
    contracts = derive_contracts(NATIVE / "schema.prisma", "app")
    with connect(app_schema_db) as conn:  # no migrations_schema: located in `app`
        result = postgres_drift(conn, contracts, migrations_dir=NATIVE / "migrations")
    assert result.findings == []
    assert result.history.head == "20240301000000_batches"


def test_migrations_status_reads_the_schema_of_the_url(app_schema_db):
    dsn = url(app_schema_db, "app")
    ok = runner.invoke(app, ["migrations", "status", "--dsn", dsn, "-m", str(NATIVE / "migrations")])
    assert ok.exit_code == 0, ok.output
    wrong = runner.invoke(app, ["migrations", "status", "--dsn", dsn, "--table-schema", "public",
                                "-m", str(NATIVE / "migrations")])
    assert wrong.exit_code == 2
    assert wrong.stderr.count("\n") == 1 and "public._prisma_migrations" in wrong.stderr


def test_without_the_schema_parameter_models_are_expected_in_public(app_schema_db):
    """The URL decides: the same schema against `public` reports every table missing."""
    out = runner.invoke(app, ["drift", "postgres", "--dsn", url(app_schema_db, None),
                              "--schema", str(NATIVE / "schema.prisma")])
    assert out.exit_code == 1 and "PGD101" in out.stdout


def test_unknown_url_parameter_is_one_line_exit_2(app_schema_db):
    bad = url(app_schema_db, "app") + "&bogus=1"
    out = runner.invoke(app, ["drift", "postgres", "--dsn", bad,
                              "--schema", str(NATIVE / "schema.prisma")])
    assert out.exit_code == 2
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def inject(dsn: str, statements: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(statements)


def run(dsn: str):
    with connect(dsn) as conn:
        return postgres_drift(conn, derive_contracts(pgutil.SCHEMA_PATH))


NAMED = [
    ("unique_renamed", 'ALTER INDEX "users_email_key" RENAME TO "users_email_uq"',
     "PGD144", "users", "email", "compatible"),
    ("unique_same_name_other_columns",
     'DROP INDEX "users_email_key"; CREATE UNIQUE INDEX "users_email_key" ON "users"("email", "phone")',
     "PGD134", "users", "email", "breaking"),
    ("unique_same_name_not_unique",
     'DROP INDEX "users_email_key"; CREATE INDEX "users_email_key" ON "users"("email")',
     "PGD134", "users", "email", "breaking"),
    ("index_renamed", 'ALTER INDEX "orders_status_idx" RENAME TO "orders_by_status"',
     "PGD144", "orders", "status", "compatible"),
    ("fk_renamed",
     'ALTER TABLE "payments" RENAME CONSTRAINT "payments_order_id_fkey" TO "payments_order_fk"',
     "PGD154", "payments", "order_id", "compatible"),
    ("check_constraint",
     'ALTER TABLE "orders" ADD CONSTRAINT "orders_total_positive" CHECK ("total_amount" >= 0)',
     "PGD161", "orders", None, "compatible"),
    ("view", 'CREATE VIEW "paid_orders" AS SELECT * FROM "orders" WHERE "paid_at" IS NOT NULL',
     "PGD162", "paid_orders", None, "compatible"),
    ("partial_index", 'CREATE INDEX "orders_open_idx" ON "orders"("user_id") WHERE "paid_at" IS NULL',
     "PGD142", "orders", "user_id", "compatible"),
]


@pytest.mark.parametrize("sql,code,obj,column,compat", [n[1:] for n in NAMED],
                         ids=[n[0] for n in NAMED])
def test_names_and_unmodelled_objects(wastedump_db, sql, code, obj, column, compat):
    inject(wastedump_db, sql)
    found = run(wastedump_db).findings
    assert [(f.code, f.object, f.column, f.compat) for f in found] == [(code, obj, column, compat)]


def test_unmodelled_objects_carry_their_definition(wastedump_db):
    inject(wastedump_db,
           'ALTER TABLE "orders" ADD CONSTRAINT "orders_total_positive" CHECK ("total_amount" >= 0);'
           'CREATE MATERIALIZED VIEW "daily" AS SELECT count(*) AS n FROM "orders"')
    by_code = {f.code: f for f in run(wastedump_db).findings}
    assert by_code["PGD161"].details["definition"] == "CHECK (total_amount >= 0::numeric)"
    assert by_code["PGD162"].details["materialized"] is True
    assert "count(*)" in by_code["PGD162"].details["definition"]
    assert all(f.severity == "info" for f in by_code.values())


def test_nightly_report_derives_into_the_schema_of_the_dsn():
    from wdguard.commands.report import _contracts

    contracts = _contracts(NATIVE / "schema.prisma", None, "postgresql://u@h/d?schema=app")
    assert {c.source.schema_ for c in contracts} == {"app"}


def test_only_a_name_the_contract_states_is_compared(wastedump_db):
    """A hand-written `unique: true` states no index name: wdguard's guess is not compared."""
    inject(wastedump_db, 'ALTER INDEX "tags_name_key" RENAME TO "tag_names_uq"')
    derived = derive_contracts(pgutil.SCHEMA_PATH)
    renamed = [(f.code, f.object) for f in run(wastedump_db).findings]
    assert renamed == [("PGD144", "tags")]
    hand = [c if c.contract != "Tag" else c.model_copy(update={"indexes": []}) for c in derived]
    with connect(wastedump_db) as conn:
        assert postgres_drift(conn, hand).findings == []


def test_views_of_an_extension_are_not_the_apps(wastedump_db):
    inject(wastedump_db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    assert run(wastedump_db).findings == []


def test_migrations_table_in_two_schemas_is_an_input_error(fresh_db):
    for schema in ("a", "b"):
        inject(fresh_db, f"CREATE SCHEMA {schema}; SET search_path TO {schema};"
               + pgutil.PRISMA_MIGRATIONS_DDL)
    out = runner.invoke(app, ["drift", "postgres", "--dsn", fresh_db, "--schema",
                              str(NATIVE / "schema.prisma"), "-m", str(NATIVE / "migrations")])
    assert out.exit_code == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "schemas a, b" in out.stderr
