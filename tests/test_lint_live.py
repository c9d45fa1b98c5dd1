"""Live-data lint (`migrations lint --dsn`) on a real PostgreSQL: each data hazard of a
pending migration found with its counts on dirty rows, nothing on the same migration over
clean rows, the database unchanged to the byte and never locked beyond ACCESS SHARE, the
statement timeout honoured."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg
import pytest

from tests import pgutil
from wdguard.api import lint_migrations
from wdguard.drift.lint.live import LiveProbe
from wdguard.drift.lint.runner import lint
from wdguard.drift.lint.select import select_unapplied
from wdguard.sources.postgres import connect

pytestmark = pytest.mark.postgres

INIT = """
CREATE TYPE "Status" AS ENUM ('NEW', 'PAID', 'REFUNDED');
CREATE TABLE "users" ("id" INTEGER NOT NULL, "email" TEXT, "code" TEXT, "age" TEXT,
    "nick" TEXT, CONSTRAINT "users_pkey" PRIMARY KEY ("id"));
CREATE TABLE "orders" ("id" INTEGER NOT NULL, "user_id" INTEGER,
    "status" "Status" NOT NULL DEFAULT 'NEW', CONSTRAINT "orders_pkey" PRIMARY KEY ("id"));
CREATE TABLE "audit" ("id" INTEGER NOT NULL, CONSTRAINT "audit_pkey" PRIMARY KEY ("id"));
"""

PENDING = """
SET lock_timeout = '2s';
ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL;
CREATE UNIQUE INDEX "users_code_key" ON "users"("code");
ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id")
    REFERENCES "users"("id");
ALTER TABLE "users" ALTER COLUMN "age" SET DATA TYPE INTEGER USING "age"::integer;
ALTER TABLE "users" ALTER COLUMN "nick" SET DATA TYPE VARCHAR(5);
CREATE TYPE "Status_new" AS ENUM ('NEW', 'PAID');
ALTER TABLE "orders" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "orders" ALTER COLUMN "status" TYPE "Status_new" USING ("status"::text::"Status_new");
ALTER TYPE "Status" RENAME TO "Status_old";
ALTER TYPE "Status_new" RENAME TO "Status";
DROP TYPE "Status_old";
ALTER TABLE "audit" ADD COLUMN "tier" TEXT NOT NULL;
ALTER TABLE "audit" ADD COLUMN "ref" TEXT;
ALTER TABLE "audit" ALTER COLUMN "ref" SET NOT NULL;
ALTER TABLE "users" ADD COLUMN "plan" TEXT NOT NULL DEFAULT 'free';
ALTER TABLE "users" RENAME COLUMN "nick" TO "handle";
"""

CLEAN_ROWS = """
INSERT INTO "users" SELECT i, 'u' || i || '@x.io', 'C' || i, (20 + i % 50)::text, 'n' || i % 9
    FROM generate_series(1, 100) i;
INSERT INTO "orders" SELECT i, i, 'PAID' FROM generate_series(1, 50) i;
"""

DIRTY_ROWS = CLEAN_ROWS + """
UPDATE "users" SET "email" = NULL WHERE "id" IN (1, 2, 3);
UPDATE "users" SET "code" = 'A' WHERE "id" IN (10, 11, 12);
UPDATE "users" SET "code" = 'B' WHERE "id" IN (20, 21);
UPDATE "users" SET "age" = 'n/a' WHERE "id" = 7;
UPDATE "users" SET "age" = '3000000000' WHERE "id" = 8;
UPDATE "users" SET "nick" = 'much-too-long' WHERE "id" = 9;
UPDATE "orders" SET "user_id" = 999 WHERE "id" IN (5, 6);
UPDATE "orders" SET "status" = 'REFUNDED' WHERE "id" IN (1, 2);
INSERT INTO "audit" SELECT i FROM generate_series(1, 4) i;
"""

LIVE_CODES = {"WDL200", "WDL201", "WDL202", "WDL203", "WDL204", "WDL205", "WDL206"}


def _folder(root: Path) -> Path:
    for name, text in (("20240101000000_init", INIT), ("20240201000000_pending", PENDING)):
        (root / name).mkdir(parents=True)
        (root / name / "migration.sql").write_text(text)
    return root


def _database(rows: str, tmp: Path):
    name, dsn = pgutil.create_database("wdg_live")
    init_only = tmp / "init"
    (init_only / "20240101000000_init").mkdir(parents=True)
    (init_only / "20240101000000_init" / "migration.sql").write_text(INIT)
    pgutil.apply_migrations(dsn, init_only)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(rows)
        conn.execute("ANALYZE")
    return name, dsn


@pytest.fixture(scope="module")
def migrations(tmp_path_factory) -> Path:
    return _folder(tmp_path_factory.mktemp("live") / "migrations")


@pytest.fixture(scope="module")
def dirty_db(pg_server_dsn, tmp_path_factory):
    name, dsn = _database(DIRTY_ROWS, tmp_path_factory.mktemp("dirty"))
    yield dsn
    pgutil.drop_database(name)


@pytest.fixture(scope="module")
def clean_db(pg_server_dsn, tmp_path_factory):
    name, dsn = _database(CLEAN_ROWS, tmp_path_factory.mktemp("clean"))
    yield dsn
    pgutil.drop_database(name)


def fingerprint(dsn: str) -> str:
    """Catalog (columns, types, defaults, NOT NULL, indexes, constraints, enums) and every
    row of every table, hashed: equal before and after means nothing changed."""
    parts = []
    with psycopg.connect(dsn) as conn:
        for query in (
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
            " pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_class c ON"
            " c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN"
            " pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE"
            " n.nspname = 'public' AND a.attnum > 0 ORDER BY 1, 2",
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace ORDER BY 1",
            "SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid"
            " ORDER BY 1, e.enumsortorder",
        ):
            parts.append(repr(conn.execute(query).fetchall()))
        for table in ("users", "orders", "audit", "_prisma_migrations"):
            parts.append(repr(conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def by_code(findings, code):
    return [f for f in findings if f.code == code]


def test_each_data_hazard_is_found_with_its_counts_and_the_database_is_unchanged(
    dirty_db: str, migrations: Path
) -> None:
    before = fingerprint(dirty_db)
    result = lint_migrations([migrations], dsn=dirty_db)
    after = fingerprint(dirty_db)
    assert before == after
    [pending] = result.migrations
    assert pending.endswith("20240201000000_pending/migration.sql")
    f = result.findings

    [nulls_email, nulls_ref] = by_code(f, "WDL201")
    assert (nulls_email.object, nulls_email.column) == ("users", "email")
    assert nulls_email.details["null_rows"] == 3
    assert nulls_email.details["sample_keys"] == ["id=1", "id=2", "id=3"]
    assert (nulls_ref.object, nulls_ref.column) == ("audit", "ref")
    assert "added earlier in this migration without a default" in nulls_ref.message

    [dups] = by_code(f, "WDL202")
    assert (dups.details["duplicate_keys"], dups.details["duplicate_rows"]) == (2, 5)
    assert dups.details["sample_keys"] == ["(A) x3", "(B) x2"]

    [orphans] = by_code(f, "WDL203")
    assert orphans.details["orphan_rows"] == 2 and orphans.details["sample_keys"] == ["999"]

    casts = {x.column: x for x in by_code(f, "WDL204")}
    assert set(casts) == {"age", "nick"}
    assert casts["age"].details["failing_values"] == ["3000000000", "n/a"]
    assert casts["age"].details["failing_rows"] == 2
    assert sorted(casts["age"].details["sample_keys"]) == ["id=7", "id=8"]
    assert casts["nick"].details["failing_rows"] == 1
    assert casts["nick"].details["sample_keys"] == ["id=9"]

    [enum] = by_code(f, "WDL205")
    assert enum.details["values_in_use"] == {"REFUNDED": 2}
    assert enum.details["enum"] == "Status_new"

    [required] = by_code(f, "WDL206")
    assert (required.object, required.column) == ("audit", "tier")
    assert required.details["rows"] == 4 and required.details["sample_keys"][0] == "id=1"
    assert not by_code(f, "WDL200")
    assert all(x.severity == "error" for x in f if x.code in LIVE_CODES)


def test_the_same_migration_over_clean_rows_has_no_data_finding(
    clean_db: str, migrations: Path
) -> None:
    before = fingerprint(clean_db)
    result = lint_migrations([migrations], dsn=clean_db)
    assert fingerprint(clean_db) == before
    assert [f for f in result.findings if f.code in LIVE_CODES] == []


def test_the_lock_and_rewrite_warnings_carry_the_catalog_size(
    dirty_db: str, migrations: Path
) -> None:
    result = lint_migrations([migrations], dsn=dirty_db)
    [rewrite] = [f for f in result.findings if f.code == "WDL105" and f.column == "age"]
    assert "users: ~100 rows" in rewrite.message
    assert rewrite.details["rows_estimate"] == 100 and rewrite.details["bytes_estimate"] > 0


def test_no_lock_beyond_access_share_is_taken(dirty_db: str, migrations: Path) -> None:
    selection = select_unapplied(migrations, {"20240101000000_init"})
    with connect(dirty_db) as conn, LiveProbe(conn) as live:
        result = lint(selection.targets, history=selection.history, live=live)
        held = live.locks()
        read_only = conn.execute("SHOW transaction_read_only").fetchone()[0]
    assert by_code(result.findings, "WDL202") and held == [] and read_only == "on"


def test_a_table_beyond_max_scan_rows_is_sampled_and_says_so(
    dirty_db: str, migrations: Path
) -> None:
    result = lint_migrations([migrations], dsn=dirty_db, max_scan_rows=10)
    about_email = [f for f in result.findings if f.code in ("WDL201", "WDL200")
                   and f.column == "email"]
    assert about_email and all("TABLESAMPLE" in f.message for f in about_email)


def test_a_statement_timeout_is_honoured_and_reported(dirty_db: str, migrations: Path) -> None:
    with psycopg.connect(dirty_db) as holder:
        holder.execute('LOCK TABLE "users" IN ACCESS EXCLUSIVE MODE')
        result = lint_migrations([migrations], dsn=dirty_db, live_timeout=0.1)
        holder.rollback()
    undecided = by_code(result.findings, "WDL200")
    assert {f.column for f in undecided} >= {"email", "age", "nick"}
    assert all("statement timeout (0.1 s)" in f.message for f in undecided)
    assert [f.object for f in by_code(result.findings, "WDL201")] == ["audit"]


def test_earlier_pending_migrations_count_and_their_new_tables_are_not_probed(
    dirty_db: str, tmp_path: Path
) -> None:
    folder = tmp_path / "migrations"
    for name, text in (
        ("20240101000000_init", INIT),
        ("20240301000000_tags", 'CREATE TABLE "tags" ("id" INTEGER NOT NULL, "name" TEXT);\n'
         'ALTER TABLE "users" ADD COLUMN "tag_id" INTEGER;\n'
         'UPDATE "orders" SET "user_id" = 1 WHERE "user_id" = 999;\n'),
        ("20240401000000_constrain", 'ALTER TABLE "tags" ALTER COLUMN "name" SET NOT NULL;\n'
         'CREATE UNIQUE INDEX "tags_name_key" ON "tags"("name");\n'
         'ALTER TABLE "users" ALTER COLUMN "tag_id" SET NOT NULL;\n'
         'ALTER TABLE "orders" ADD CONSTRAINT "o_fk" FOREIGN KEY ("user_id") '
         'REFERENCES "users"("id");\n'),
    ):
        (folder / name).mkdir(parents=True)
        (folder / name / "migration.sql").write_text(text)
    result = lint_migrations([folder], dsn=dirty_db)
    live = [(f.code, f.object, f.column) for f in result.findings if f.code in LIVE_CODES]
    # tags is created empty by a pending migration; orders was backfilled before the FK
    assert live == [("WDL201", "users", "tag_id")]


def test_a_migrations_own_expressions_run_only_when_harmless(dirty_db: str, tmp_path: Path) -> None:
    """lower(code) is evaluated (and finds A/a-style duplicates); a function that could act
    on the server (pg_terminate_backend) is never run: WDL200 names it; a table of another
    schema is not confused with its namesake on the search_path."""
    folder = tmp_path / "migrations"
    for name, text in (
        ("20240101000000_init", INIT),
        ("20240501000000_expr", 'CREATE UNIQUE INDEX "u_lower" ON "users"(lower("code"));\n'
         'CREATE UNIQUE INDEX "u_evil" ON "users"((pg_terminate_backend("id")));\n'
         'ALTER TABLE "users" ALTER COLUMN "age" TYPE INTEGER USING '
         '(CASE WHEN pg_sleep(100) IS NULL THEN 1 END);\n'
         'ALTER TABLE "billing"."users" ALTER COLUMN "email" SET NOT NULL;\n'),
    ):
        (folder / name).mkdir(parents=True)
        (folder / name / "migration.sql").write_text(text)
    result = lint_migrations([folder], dsn=dirty_db)
    [dups] = by_code(result.findings, "WDL202")
    assert dups.details["sample_keys"] == ["(a) x3", "(b) x2"]
    refused = {f.message.split(": not checked")[0]: f.message for f in by_code(result.findings,
                                                                               "WDL200")}
    assert len(refused) == 3
    assert any("in schema billing, outside" in m for m in refused.values())  # not public.users
    assert any("pg_terminate_backend()" in m for m in refused.values())
    assert any("pg_sleep()" in m for m in refused.values())
