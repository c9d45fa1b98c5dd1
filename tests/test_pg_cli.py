"""`wdguard drift postgres` and `wdguard migrations status` end to end on real Postgres."""

from __future__ import annotations

import json

import psycopg
import pytest
from typer.testing import CliRunner

from tests import pgutil
from wdguard.cli import app

pytestmark = pytest.mark.postgres

runner = CliRunner()
SCHEMA = str(pgutil.SCHEMA_PATH)
MIGRATIONS = str(pgutil.MIGRATIONS_DIR)
PASSWORD = "Sup3r-s3cret-pw"


def with_password(dsn: str) -> str:
    """Trust auth ignores the password, so it travels all the way through wdguard."""
    return f"{dsn} password={PASSWORD}"


def invoke(*args: str, env: dict | None = None):
    result = runner.invoke(app, list(args), env=env)
    assert PASSWORD not in result.output
    assert PASSWORD not in (result.stderr or "")
    return result


def drift(dsn: str, *extra: str):
    return invoke("drift", "postgres", "--dsn", with_password(dsn), "--schema", SCHEMA,
                  "--migrations", MIGRATIONS, *extra)


def test_clean_drift_exit_0_text_and_json(wastedump_db):
    text = drift(wastedump_db)
    assert text.exit_code == 0, text.output
    assert "no findings" in text.output and "20240910100000_merchant_rating" in text.output
    out = drift(wastedump_db, "--format", "json", "--strict")
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    assert set(data) == {"command", "target", "schemas", "contracts", "tables", "history",
                         "strict", "exit_code", "summary", "findings"}
    assert data["summary"] == {"error": 0, "warning": 0, "info": 0} and data["findings"] == []
    assert data["history"]["head"] == "20240910100000_merchant_rating"
    assert data["target"].startswith("postgres@127.0.0.1:5432/")


def test_breaking_drift_exit_1_with_json_findings(wastedump_db):
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute('ALTER TABLE "orders" DROP COLUMN "notes"')
        conn.execute("UPDATE _prisma_migrations SET checksum = repeat('0', 64)"
                     " WHERE migration_name = '20240105093000_init'")
    out = drift(wastedump_db, "--format", "json")
    assert out.exit_code == 1
    data = json.loads(out.stdout)
    assert data["exit_code"] == 1 and data["summary"]["error"] == 2
    assert [(f["code"], f["name"], f["severity"], f["compat"], f["object"], f.get("column"))
            for f in data["findings"]] == [
        ("PGD111", "column.dropped", "error", "breaking", "orders", "notes"),
        ("PGD204", "migration.edited", "error", "breaking", "20240105093000_init", None),
    ]
    text = drift(wastedump_db)
    assert text.exit_code == 1 and "PGD111" in text.output and "PGD204" in text.output


def test_warning_fails_only_with_strict(wastedump_db):
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute("ALTER TYPE \"OrderStatus\" ADD VALUE 'ON_HOLD'")
    assert drift(wastedump_db).exit_code == 0
    assert drift(wastedump_db, "--strict").exit_code == 1


def test_committed_contracts_folder_and_env_dsn(wastedump_db, tmp_path):
    out = invoke("drift", "postgres", "--contracts", str(tmp_path / "none"),
                 env={"WDGUARD_PG_DSN": with_password(wastedump_db)})
    assert out.exit_code == 2 and "contracts folder not found" in out.stderr


def test_unreachable_database_exit_2_one_line_no_password():
    out = invoke("drift", "postgres", "--schema", SCHEMA,
                 "--dsn", f"postgresql://app:{PASSWORD}@127.0.0.1:1/wastedump")
    assert out.exit_code == 2
    assert out.stderr.count("\n") == 1 and "cannot connect" in out.stderr
    assert "app@127.0.0.1:1/wastedump" in out.stderr


def test_bad_schema_exit_2(wastedump_db, tmp_path):
    bad = tmp_path / "schema.prisma"
    bad.write_text("model User {\n  id String @id\n  name \n}\n")
    out = invoke("drift", "postgres", "--dsn", wastedump_db, "--schema", str(bad))
    assert out.exit_code == 2 and str(bad) in out.stderr
    both = invoke("drift", "postgres", "--dsn", wastedump_db, "--schema", SCHEMA,
                  "--contracts", "contracts")
    assert both.exit_code == 2 and "not both" in both.stderr


def test_migrations_status(wastedump_db):
    ok = invoke("migrations", "status", "--dsn", with_password(wastedump_db), "-m", MIGRATIONS)
    assert ok.exit_code == 0 and "applied" in ok.output
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute("UPDATE _prisma_migrations SET finished_at = NULL"
                     " WHERE migration_name = '20240910100000_merchant_rating'")
    out = invoke("migrations", "status", "--dsn", with_password(wastedump_db), "-m", MIGRATIONS,
                 "--format", "json")
    assert out.exit_code == 1
    data = json.loads(out.stdout)
    assert data["history"]["head"] == "20240820094500_order_status_user_created_idx"
    assert {"name": "20240910100000_merchant_rating", "status": "failed"} in (
        data["history"]["migrations"])
    assert [f["code"] for f in data["findings"]] == ["PGD202"]


def test_migrations_status_pending_and_no_table(fresh_db):
    no_table = invoke("migrations", "status", "--dsn", fresh_db, "-m", MIGRATIONS)
    assert no_table.exit_code == 2 and "_prisma_migrations" in no_table.stderr
    pgutil.apply_migrations(fresh_db, pgutil.MIGRATIONS_DIR, upto="20240820094500_order_status_user_created_idx")
    pending = invoke("migrations", "status", "--dsn", fresh_db, "-m", MIGRATIONS)
    assert pending.exit_code == 0 and "pending" in pending.output
    assert invoke("migrations", "status", "--dsn", fresh_db, "-m", MIGRATIONS,
                  "--strict").exit_code == 1


@pytest.mark.postgres
def test_drift_without_a_history_table_still_diffs_the_schema(wastedump_db):
    """A database never migrated by Prisma (`db push`): the history is reported missing,
    every folder migration pending, and the schema diff still runs (issue 28, point 6)."""
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute('DROP TABLE "_prisma_migrations"')
        conn.execute('ALTER TABLE "orders" DROP COLUMN "notes"')
    out = invoke("drift", "postgres", "--dsn", wastedump_db, "--schema", SCHEMA,
                 "--migrations", MIGRATIONS, "--format", "json")
    assert out.exit_code == 1, out.output  # the dropped column, found despite no history
    data = json.loads(out.stdout)
    assert data["history"]["missing"].startswith("no public._prisma_migrations table")
    assert {m["status"] for m in data["history"]["migrations"]} == {"pending"}
    schema = [(f["object"], f.get("column")) for f in data["findings"] if f["code"] < "PGD2"]
    assert schema == [("orders", "notes")]
    pending = [f for f in data["findings"] if f["code"] == "PGD201"]
    assert len(pending) == len(data["history"]["migrations"]) == 11
    text = invoke("drift", "postgres", "--dsn", wastedump_db, "--schema", SCHEMA,
                  "--migrations", MIGRATIONS)
    assert "never migrated with Prisma; every folder migration counts as pending" in " ".join(
        text.stdout.split())


@pytest.mark.postgres
def test_live_tables_do_not_count_the_migrations_table(wastedump_db):
    """`_prisma_migrations` is ignored by the diff, so it is not a live table (point 6)."""
    out = invoke("drift", "postgres", "--dsn", wastedump_db, "--schema", SCHEMA)
    assert out.exit_code == 0, out.output
    assert "12 contracts, 12 live tables" in out.stdout


def test_help():
    for cmd in (["drift", "postgres"], ["migrations", "status"]):
        out = runner.invoke(app, [*cmd, "--help"])
        assert out.exit_code == 0 and "--dsn" in out.output and "--format" in out.output
