"""Zero noise on healthy Prisma databases, and real drift still caught in them.

Each history under tests/drift_corpus/ is applied, in order, to a fresh database on the
real server (as `prisma migrate deploy` would), then `wdguard drift postgres --strict`
must exit 0 with nothing above info; the info findings it does give are listed here, so
a new one is a decision, not an accident. Then each injected drift must add exactly the
expected findings, with the right class, on top of that clean baseline.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from tests import pgutil
from wdguard.cli import app
from wdguard.contracts.prisma_derive import derive_contracts
from wdguard.drift.pg_drift import postgres_drift
from wdguard.sources.postgres import connect

pytestmark = pytest.mark.postgres

CORPUS = Path(__file__).parent / "drift_corpus"

# history -> (Prisma ?schema= of its DATABASE_URL, the info findings of the clean database)
HISTORIES = {
    "shop_years": (None, [
        ("PGD123", "OrderStatus", None),  # REFUNDED added BEFORE 'CANCELLED'
        ("PGD123", "Role", None),  # SUPPORT appended, listed in the middle
        ("PGD142", "clients", None),  # expression index by hand
        ("PGD142", "Order", "customerId"),  # partial unique index by hand
        ("PGD144", "clients", "email"),  # Customer_email_key kept its name after RENAME
    ]),
    "bookings": (None, [
        ("PGD161", "Booking", None),  # CHECK (guests > 0)
        ("PGD161", "Booking", None),  # EXCLUDE USING gist
        ("PGD162", "room_names", None),  # a view no `view` block declares
    ]),
    "native_types": ("app", []),
    "multi_schema": (None, []),
}


def schema_path(history: str) -> Path:
    folder = CORPUS / history
    return folder / "schema.prisma" if (folder / "schema.prisma").is_file() else folder / "schema"


def url(dsn: str, db_schema: str | None) -> str:
    """The database as a Prisma DATABASE_URL (postgresql://...?schema=...)."""
    p = psycopg.conninfo.conninfo_to_dict(dsn)
    base = f"postgresql://{p['user']}@{p['host']}:{p.get('port', 5432)}/{p['dbname']}"
    return base + (f"?schema={db_schema}" if db_schema else "")


@pytest.fixture
def migrated(request, pg_server_dsn):
    """A fresh database with one history applied; yields (dsn, history)."""
    history = request.param
    name, dsn = pgutil.create_database("wdg_corpus")
    try:
        pgutil.apply_migrations(
            dsn, CORPUS / history / "migrations", schema=HISTORIES[history][0] or "public"
        )
        yield dsn, history
    finally:
        pgutil.drop_database(name)


def findings(dsn: str, history: str, schema: Path | None = None) -> set[tuple]:
    db_schema = HISTORIES[history][0]
    contracts = derive_contracts(schema or schema_path(history), db_schema)
    with connect(dsn) as conn:
        result = postgres_drift(conn, contracts, migrations_dir=CORPUS / history / "migrations",
                                migrations_schema=db_schema)
    return {(f.code, f.object, f.column, f.compat) for f in result.findings}


@pytest.mark.parametrize("migrated", list(HISTORIES), indirect=True)
def test_healthy_history_has_nothing_above_info(migrated):
    dsn, history = migrated
    db_schema, infos = HISTORIES[history]
    out = CliRunner().invoke(app, [
        "drift", "postgres", "--dsn", url(dsn, db_schema), "--schema", str(schema_path(history)),
        "--migrations", str(CORPUS / history / "migrations"), "--strict", "-f", "json",
    ])
    assert out.exit_code == 0, out.output + (out.stderr or "")
    data = json.loads(out.stdout)
    assert data["summary"] == {"error": 0, "warning": 0, "info": len(infos)}, data["findings"]
    got = [(f["code"], f["object"], f.get("column")) for f in data["findings"]]
    assert sorted(got, key=str) == sorted(infos, key=str)
    assert data["history"]["applied_count"] == data["history"]["folder_count"]
    assert all(m["status"] == "applied" for m in data["history"]["migrations"])
    if db_schema:
        assert data["schemas"] == [db_schema]


# (history, id, SQL run on the database or None, (old, new) edit of schema.prisma or None,
#  the findings it must add: (code, object, column, compat))
DRIFTS = [
    ("shop_years", "drop_column", 'ALTER TABLE "Order" DROP COLUMN "internal_note"', None,
     [("PGD111", "Order", "internal_note", "breaking")]),
    ("shop_years", "type_change", 'ALTER TABLE "clients" ALTER COLUMN "email" TYPE VARCHAR(50)',
     None, [("PGD113", "clients", "email", "breaking")]),
    ("shop_years", "drop_unique", 'DROP INDEX "Product_sku_key"', None,
     [("PGD132", "Product", "sku", "breaking")]),
    ("shop_years", "enum_value_gone_from_schema", None, ("  SHIPPED\n", ""),
     [("PGD121", "OrderStatus", "SHIPPED", "warning")]),
    ("shop_years", "index_same_name_other_columns",
     'DROP INDEX "Order_createdAt_idx"; CREATE INDEX "Order_createdAt_idx" ON "Order"("status")',
     None, [("PGD143", "Order", "createdAt", "warning")]),
    ("shop_years", "redundant_pk_unique_dropped", 'DROP INDEX "Customer_id_key"', None, []),
    ("bookings", "drop_column", 'ALTER TABLE "Booking" DROP COLUMN "note"', None,
     [("PGD111", "Booking", "note", "breaking")]),
    ("bookings", "type_change", 'ALTER TABLE "Booking" ALTER COLUMN "note" TYPE VARCHAR(10)',
     None, [("PGD113", "Booking", "note", "breaking")]),
    ("bookings", "drop_gin_index", 'DROP INDEX "Room_tags_idx"', None,
     [("PGD141", "Room", "tags", "warning")]),
    ("bookings", "drop_foreign_key", 'ALTER TABLE "Booking" DROP CONSTRAINT "Booking_roomId_fkey"',
     None, [("PGD151", "Booking", "roomId", "warning")]),
    ("bookings", "index_renamed_only", 'ALTER INDEX "Room_tags_idx" RENAME TO "room_tags_gin"',
     None, [("PGD144", "Room", "tags", "compatible")]),
    ("native_types", "drop_column", 'ALTER TABLE app.samples DROP COLUMN "ip"', None,
     [("PGD111", "app.samples", "ip", "breaking")]),
    ("native_types", "narrow_decimal",
     'ALTER TABLE app.samples ALTER COLUMN "price" TYPE DECIMAL(8,2)', None,
     [("PGD113", "app.samples", "price", "breaking")]),
    ("native_types", "widen_timestamp",
     'ALTER TABLE app.samples ALTER COLUMN "seenAtTz" TYPE TIMESTAMPTZ(6)', None,
     [("PGD113", "app.samples", "seenAtTz", "warning")]),
    ("native_types", "drop_unique", 'DROP INDEX app."batch_sample_lot_uq"', None,
     [("PGD132", "app.batches", None, "breaking")]),
    ("multi_schema", "enum_value_gone_from_schema", None, ("  EUR\n", ""),
     [("PGD121", "base.Currency", "EUR", "warning")]),
    ("multi_schema", "list_enum_value_gone_from_schema", None, ("  SMS\n", ""),
     [("PGD121", "base.Channel", "SMS", "warning")]),
    ("multi_schema", "drop_column", 'ALTER TABLE billing."Invoice" DROP COLUMN "paidAt"', None,
     [("PGD111", "billing.Invoice", "paidAt", "breaking")]),
    ("multi_schema", "type_change",
     'ALTER TABLE billing."Invoice" ALTER COLUMN "amount" TYPE INTEGER', None,
     [("PGD113", "billing.Invoice", "amount", "breaking")]),
    ("multi_schema", "drop_cross_schema_fk",
     'ALTER TABLE billing."Invoice" DROP CONSTRAINT "Invoice_accountId_fkey"', None,
     [("PGD151", "billing.Invoice", "accountId", "warning")]),
    ("multi_schema", "hand_made_expression_unique",
     'CREATE UNIQUE INDEX "Tag_label_lower" ON base."Tag"(lower(label))', None,
     [("PGD142", "base.Tag", None, "compatible")]),
]


@pytest.mark.parametrize(
    "migrated,sql,edit,expected",
    [(d[0], d[2], d[3], d[4]) for d in DRIFTS],
    ids=[f"{d[0]}-{d[1]}" for d in DRIFTS],
    indirect=["migrated"],
)
def test_injected_drift_is_caught_with_its_class(migrated, tmp_path, sql, edit, expected):
    dsn, history = migrated
    before = findings(dsn, history)
    assert not [f for f in before if f[3] != "compatible"], before
    schema = None
    if edit is not None:
        src = schema_path(history)
        schema = tmp_path / src.name
        shutil.copyfile(src, schema)
        text = schema.read_text()
        assert edit[0] in text
        schema.write_text(text.replace(edit[0], edit[1], 1))
    if sql is not None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql)
    after = findings(dsn, history, schema)
    assert sorted(after - before, key=str) == sorted(expected, key=str), after - before
