"""Prisma migration history (`_prisma_migrations` vs the folder) on a real database."""

from __future__ import annotations

import shutil

import psycopg
import pytest

from tests import pgutil
from wdguard.drift.history import compare, migration_history, read_folder
from wdguard.errors import InputError, SourceError
from wdguard.sources.postgres import connect

pytestmark = pytest.mark.postgres

LAST = "20240910100000_merchant_rating"
NAMES = pgutil.migration_names()


def history(dsn, folder=pgutil.MIGRATIONS_DIR):
    with connect(dsn) as conn:
        return migration_history(conn, folder)


def write(dsn: str, statement: str, params=()) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(statement, params)


def one(h):
    assert len(h.findings) == 1, [f.message for f in h.findings]
    f = h.findings[0]
    return f.code, f.object, f.compat


def test_fixture_folder_has_at_least_eight_prisma_migrations():
    assert len(NAMES) >= 8
    assert all(len(n.split("_", 1)[0]) == 14 for n in NAMES)
    assert 'provider = "postgresql"' in (pgutil.MIGRATIONS_DIR / "migration_lock.toml").read_text()


def test_clean_history(wastedump_db):
    h = history(wastedump_db)
    assert h.findings == []
    assert h.head == LAST
    assert h.applied == NAMES
    with psycopg.connect(wastedump_db) as conn:
        rows = conn.execute(
            "SELECT checksum, applied_steps_count, finished_at IS NOT NULL FROM _prisma_migrations"
            " ORDER BY migration_name"
        ).fetchall()
    folder = read_folder(pgutil.MIGRATIONS_DIR)
    assert [r[0] for r in rows] == [folder[n] for n in NAMES]
    assert all(r[1] == 1 and r[2] for r in rows)


def test_pending_migration(fresh_db):
    pgutil.apply_migrations(fresh_db, pgutil.MIGRATIONS_DIR, upto=NAMES[-2])
    h = history(fresh_db)
    assert one(h) == ("PGD201", LAST, "warning")
    assert h.head == NAMES[-2]
    assert h.status[LAST] == "pending"


def test_edited_migration_file(wastedump_db, tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(pgutil.MIGRATIONS_DIR, folder)
    script = folder / NAMES[1] / "migration.sql"
    script.write_text(script.read_text().replace("VARCHAR(32)", "VARCHAR(40)"))
    h = history(wastedump_db, folder)
    assert one(h) == ("PGD204", NAMES[1], "breaking")
    assert h.findings[0].file == str(script)


def test_failed_migration_row(wastedump_db):
    write(wastedump_db, "UPDATE _prisma_migrations SET finished_at = NULL,"
          " applied_steps_count = 0, logs = 'ERROR: lock timeout' WHERE migration_name = %s",
          (LAST,))
    h = history(wastedump_db)
    assert one(h) == ("PGD202", LAST, "breaking")
    assert h.findings[0].details["logs"] == "ERROR: lock timeout"
    assert h.head == NAMES[-2]


def test_rolled_back_row(wastedump_db):
    write(wastedump_db, "UPDATE _prisma_migrations SET rolled_back_at = now()"
          " WHERE migration_name = %s", (LAST,))
    assert one(history(wastedump_db)) == ("PGD203", LAST, "breaking")


def test_rolled_back_then_reapplied_is_clean(wastedump_db):
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute("UPDATE _prisma_migrations SET rolled_back_at = now(), finished_at = NULL"
                     " WHERE migration_name = %s", (LAST,))
        pgutil.record_migration(
            conn, LAST, checksum=pgutil.checksum(pgutil.MIGRATIONS_DIR / LAST / "migration.sql")
        )
    h = history(wastedump_db)
    assert h.findings == [] and h.head == LAST


def test_unknown_applied_migration(wastedump_db):
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        pgutil.record_migration(conn, "20241001000000_hotfix_from_other_branch", checksum="ab" * 32)
    h = history(wastedump_db)
    assert one(h) == ("PGD205", "20241001000000_hotfix_from_other_branch", "breaking")
    assert h.head == LAST  # the head is the last migration the folder knows


def test_database_without_prisma_migrations_is_a_clear_error(fresh_db):
    with pytest.raises(SourceError, match="_prisma_migrations"):
        history(fresh_db)


def test_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as exc:
        read_folder(tmp_path / "nope")
    assert str(tmp_path / "nope") in exc.value.one_line()


def test_compare_without_database_each_name_one_verdict():
    h = compare({"a": "1", "b": "2"}, [])
    assert h.status == {"a": "pending", "b": "pending"} and h.head is None
