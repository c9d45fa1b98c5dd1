"""pg_catalog introspection of the migrated fixture database."""

from __future__ import annotations

import psycopg
import pytest

from wdguard.drift.pg_introspect import introspect
from wdguard.sources.postgres import connect

pytestmark = pytest.mark.postgres


def test_fixture_schema_as_prisma_created_it(wastedump_db):
    with connect(wastedump_db) as conn:
        live = introspect(conn)
    assert live.enums[("public", "waste_category")] == [
        "GENERAL", "RECYCLABLE", "ORGANIC", "HAZARDOUS", "ELECTRONIC", "BULKY"]
    orders = live.table("public", "orders")
    assert list(orders.columns)[:5] == ["id", "number", "user_id", "status", "total_amount"]
    status, number = orders.columns["status"], orders.columns["number"]
    assert (status.db_type, status.enum_name, status.default) == (
        '"OrderStatus"', "OrderStatus", "'PENDING'::\"OrderStatus\"")
    assert number.default == "nextval('orders_number_seq'::regclass)" and not number.nullable
    assert orders.columns["created_at"].db_type == "timestamp(3) without time zone"
    assert orders.primary_key == ["id"] and orders.primary_key_name == "orders_pkey"
    assert orders.unique_keys == [["number"]]
    assert {i.name: i.columns for i in orders.indexes if not i.unique} == {
        "orders_status_idx": ["status"],
        "orders_user_id_created_at_idx": ["user_id", "created_at"],
    }
    (fk,) = orders.foreign_keys
    assert (fk.name, fk.ref_table, fk.on_delete, fk.on_update) == (
        "orders_user_id_fkey", "users", "RESTRICT", "CASCADE")
    m2m = live.table("public", "_ProductToTag")
    assert m2m.primary_key == ["A", "B"] and m2m.primary_key_name == "_ProductToTag_AB_pkey"
    assert sorted((f.columns[0], f.ref_table, f.on_delete) for f in m2m.foreign_keys) == [
        ("A", "products", "CASCADE"), ("B", "tags", "CASCADE")]


def test_identity_partial_and_expression_indexes_in_another_schema(fresh_db):
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(
            'CREATE SCHEMA "ops";'
            'CREATE TABLE "ops"."events" ("id" BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,'
            ' "kind" TEXT NOT NULL, "at" TIMESTAMPTZ(6), "tags" TEXT[] DEFAULT \'{}\','
            ' CONSTRAINT "events_kind_at_key" UNIQUE ("kind", "at"));'
            'CREATE UNIQUE INDEX "events_open_idx" ON "ops"."events"("kind") WHERE "at" IS NULL;'
            'CREATE INDEX "events_lower_kind_idx" ON "ops"."events"(lower("kind"));'
            'CREATE TABLE "public"."other" ("x" INT)'
        )
    with connect(fresh_db) as conn:
        live = introspect(conn, ["ops"])
    assert list(live.tables) == [("ops", "events")]
    ev = live.table("ops", "events")
    assert ev.columns["id"].identity and ev.columns["id"].default is None
    assert ev.columns["at"].db_type == "timestamp(6) with time zone"
    assert ev.columns["tags"].db_type == "text[]"
    assert ev.unique_keys == [["kind", "at"]]  # the partial unique index is not a key
    by_name = {i.name: i for i in ev.indexes}
    assert by_name["events_kind_at_key"].constraint
    assert by_name["events_open_idx"].partial
    assert by_name["events_lower_kind_idx"].columns == ["lower(kind)"]
