"""Prisma migration history (`_prisma_migrations` vs the folder) on a real database."""

from __future__ import annotations

import hashlib
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
    assert h.findings[0].message == f"migration {LAST} is in the folder but not applied"
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
    with pytest.raises(SourceError, match="_prisma_migrations") as exc:
        history(fresh_db)
    assert exc.value.hint == "run `prisma migrate deploy`, or point --dsn at the app's database"


def test_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as exc:
        read_folder(tmp_path / "nope")
    assert str(tmp_path / "nope") in exc.value.one_line()
    assert exc.value.message == "not a migrations folder (no such directory)"


def test_history_in_another_schema_is_read_there_only(fresh_db):
    """Prisma's `?schema=app`: `_prisma_migrations` lives in `app`; `public` has none."""
    from wdguard.drift.history import read_rows

    pgutil.apply_migrations(fresh_db, pgutil.MIGRATIONS_DIR, schema="app")
    with connect(fresh_db) as conn:
        h = migration_history(conn, pgutil.MIGRATIONS_DIR, "app")
        assert h.findings == [] and h.head == LAST
        assert [r.migration_name for r in read_rows(conn, "app")] == NAMES
        with pytest.raises(SourceError):
            read_rows(conn)  # the default is public, which has no history here


def test_compare_without_database_each_name_one_verdict():
    h = compare({"a": "1", "b": "2"}, [])
    assert h.status == {"a": "pending", "b": "pending"} and h.head is None


# --- several rows per migration: the LATEST applied attempt decides --------------------


def _attempt(conn, name: str, checksum: str, started: str, *, rolled_back: bool = False) -> str:
    """One more `_prisma_migrations` row for `name`, started at an explicit time."""
    row_id = pgutil.record_migration(conn, name, checksum=checksum, rolled_back=rolled_back)
    conn.execute("UPDATE _prisma_migrations SET started_at = %s, finished_at = %s WHERE id = %s",
                 (started, started, row_id))
    return row_id


def _edited_copy(tmp_path, name: str):
    folder = tmp_path / "migrations"
    shutil.copytree(pgutil.MIGRATIONS_DIR, folder)
    script = folder / name / "migration.sql"
    script.write_text(script.read_text() + "\n-- edited after the re-apply\n")
    return folder, pgutil.checksum(script)


def test_applied_twice_with_the_same_checksum_is_clean(wastedump_db):
    original = pgutil.checksum(pgutil.MIGRATIONS_DIR / LAST / "migration.sql")
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        _attempt(conn, LAST, original, "2099-01-01T00:00:00Z")
        n = conn.execute("SELECT count(*) FROM _prisma_migrations WHERE migration_name = %s",
                         (LAST,)).fetchone()[0]
    assert n == 2
    h = history(wastedump_db)
    assert h.findings == [] and h.status[LAST] == "applied" and h.head == LAST


def test_rolled_back_then_reapplied_with_new_sql_compares_the_latest_row(wastedump_db, tmp_path):
    """First row: the old SQL, rolled back. Second: the new SQL, applied. The folder holds
    the new SQL, so this is clean; comparing the first row would call it edited."""
    folder, new = _edited_copy(tmp_path, LAST)
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute("UPDATE _prisma_migrations SET rolled_back_at = now()"
                     " WHERE migration_name = %s", (LAST,))
        _attempt(conn, LAST, new, "2099-01-01T00:00:00Z")
    h = history(wastedump_db, folder)
    assert h.findings == [] and h.status[LAST] == "applied" and h.head == LAST


def test_applied_twice_old_then_new_sql_compares_the_latest_row(wastedump_db, tmp_path):
    """Two finished rows (a manual re-apply): the older with the old checksum. The folder
    matches the newer one: clean. The folder matching only the older one: edited."""
    original = pgutil.checksum(pgutil.MIGRATIONS_DIR / LAST / "migration.sql")
    folder, new = _edited_copy(tmp_path, LAST)
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        latest = _attempt(conn, LAST, new, "2099-01-01T00:00:00Z")
    h = history(wastedump_db, folder)
    assert h.findings == [] and h.status[LAST] == "applied"
    stale = history(wastedump_db)  # the folder still holds the OLD sql: edited vs the latest
    assert one(stale) == ("PGD204", LAST, "breaking")
    assert stale.findings[0].details == {"applied_checksum": new, "file_checksum": original}
    assert stale.status[LAST] == "edited" and stale.head == LAST  # edited still counts applied
    assert latest in {r.id for r in stale.rows}


def test_edited_after_a_reapply_names_the_latest_applied_checksum(wastedump_db, tmp_path):
    original = pgutil.checksum(pgutil.MIGRATIONS_DIR / LAST / "migration.sql")
    second = "cd" * 32
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute("UPDATE _prisma_migrations SET rolled_back_at = now()"
                     " WHERE migration_name = %s", (LAST,))
        _attempt(conn, LAST, second, "2099-01-01T00:00:00Z")
    h = history(wastedump_db)  # the folder holds the original sql; the db applied `second`
    assert one(h) == ("PGD204", LAST, "breaking")
    f = h.findings[0]
    assert f.details == {"applied_checksum": second, "file_checksum": original}
    assert f.message == (f"migration {LAST}: migration.sql was edited after it was applied "
                         f"(checksum {original[:12]}… vs applied {second[:12]}…)")
    assert f.file == str(pgutil.MIGRATIONS_DIR / LAST / "migration.sql")


def test_rolled_back_twice_is_one_rolled_back_finding_naming_the_last_attempt(wastedump_db):
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute("UPDATE _prisma_migrations SET rolled_back_at = now()"
                     " WHERE migration_name = %s", (LAST,))
        again = _attempt(conn, LAST, "ef" * 32, "2099-01-01T00:00:00Z", rolled_back=True)
    h = history(wastedump_db)
    assert one(h) == ("PGD203", LAST, "breaking")
    assert h.findings[0].details == {"id": again}
    assert h.findings[0].message == f"migration {LAST} was rolled back and has not been re-applied"
    assert h.status[LAST] == "rolled_back" and h.head == NAMES[-2]


def test_a_failed_attempt_after_an_applied_one_is_failed(wastedump_db):
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        failed = pgutil.record_migration(conn, LAST, checksum="ab" * 32, finished=False,
                                         logs="ERROR: deadlock detected")
    h = history(wastedump_db)
    assert one(h) == ("PGD202", LAST, "breaking")
    assert h.findings[0].details == {"id": failed, "logs": "ERROR: deadlock detected"}
    assert h.status[LAST] == "failed" and h.head == NAMES[-2]
    message = h.findings[0].message
    assert message.startswith(f"migration {LAST} started 20") and message.endswith(
        " and never finished; resolve it before the next deploy")
    assert h.folder_path == pgutil.MIGRATIONS_DIR


def test_history_summary_counts(wastedump_db):
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute("DELETE FROM _prisma_migrations WHERE migration_name = %s", (LAST,))
    d = history(wastedump_db).to_dict()
    assert d["head"] == NAMES[-2]
    assert (d["folder_count"], d["applied_count"]) == (len(NAMES), len(NAMES) - 1)
    assert {"name": LAST, "status": "pending"} in d["migrations"]
    assert len(d["migrations"]) == len(NAMES)


def test_failed_attempt_logs_are_cut_at_500_and_absent_logs_are_none(wastedump_db):
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute("UPDATE _prisma_migrations SET finished_at = NULL, logs = %s"
                     " WHERE migration_name = %s", ("E" * 600, LAST))
        conn.execute("UPDATE _prisma_migrations SET finished_at = NULL, logs = NULL"
                     " WHERE migration_name = %s", (NAMES[-2],))
    h = history(wastedump_db)
    by_object = {f.object: f for f in h.findings}
    assert by_object[LAST].details["logs"] == "E" * 500
    assert by_object[NAMES[-2]].details["logs"] is None
    assert {h.status[LAST], h.status[NAMES[-2]]} == {"failed"}


def test_unknown_migration_status_message_and_row(wastedump_db):
    name = "20991231000000_from_another_branch"
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        row_id = pgutil.record_migration(conn, name, checksum="ab" * 32)
    h = history(wastedump_db)
    assert h.status[name] == "unknown"
    [f] = h.findings
    assert f.message == f"migration {name} is applied to the database but absent from the folder"
    assert f.details == {"id": row_id} and f.file is None
    assert h.head == LAST and name not in h.to_dict()["head"]


# --- the folder and where the table lives ---------------------------------------------------


def test_folder_reader_skips_hidden_folders_and_refuses_a_folder_without_its_script(tmp_path):
    (tmp_path / "20240101000000_init").mkdir()
    (tmp_path / "20240101000000_init" / "migration.sql").write_bytes(b"SELECT 1;\n")
    (tmp_path / ".git").mkdir()  # not a migration, ignored as Prisma does
    (tmp_path / "README.md").write_text("not a folder")
    assert read_folder(tmp_path) == {
        "20240101000000_init": hashlib.sha256(b"SELECT 1;\n").hexdigest()
    }
    (tmp_path / "20240102000000_empty").mkdir()
    with pytest.raises(InputError) as exc:
        read_folder(tmp_path)
    assert exc.value.where == str(tmp_path / "20240102000000_empty")
    assert exc.value.message == "migration folder without migration.sql"


def test_an_empty_folder_is_a_history_only_with_prisma_lock_file(tmp_path):
    with pytest.raises(InputError) as exc:
        read_folder(tmp_path)
    assert exc.value.where == str(tmp_path)
    assert exc.value.message == (
        "no <timestamp>_<name>/migration.sql folders and no migration_lock.toml")
    (tmp_path / "migration_lock.toml").write_text('provider = "postgresql"\n')
    assert read_folder(tmp_path) == {}


def test_the_migrations_table_is_found_in_the_preferred_or_the_only_schema(fresh_db):
    from wdguard.drift.history import locate_migrations_table

    def where(preferred=None):  # None: the default, what `drift postgres` passes
        with connect(fresh_db) as conn:
            if preferred is None:
                return locate_migrations_table(conn)
            return locate_migrations_table(conn, preferred)

    assert where() == "public" and where("app") == "app"  # none anywhere: the preferred one
    write(fresh_db, 'CREATE SCHEMA "app"; CREATE SCHEMA "old";'
          'CREATE TABLE "app"."_prisma_migrations" (id int)')
    assert where() == "app" and where("app") == "app"
    write(fresh_db, 'CREATE TABLE "old"."_prisma_migrations" (id int)')
    with pytest.raises(InputError) as exc:
        where()
    assert exc.value.where == "--dsn"
    assert exc.value.message == (
        "_prisma_migrations exists in schemas app, old and not in public: "
        "say which with ?schema=... in the postgresql:// DSN"
    )
    assert where("old") == "old"
    write(fresh_db, 'DROP TABLE "old"."_prisma_migrations";'
          'CREATE VIEW "old"."_prisma_migrations" AS SELECT 1 AS id')
    assert where() == "app"  # a view of that name is not the table
    write(fresh_db, 'CREATE TABLE "public"."_prisma_migrations" (id int)')
    assert where() == "public"
