"""The read-only source session and password redaction."""

from __future__ import annotations

import psycopg
import pytest

from wdguard.errors import InputError, SourceError
from wdguard.redact import redact_text
from wdguard.sources.postgres import DSN_ENV, connect, describe, resolve_dsn

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    "dsn",
    [
        "postgresql://app:s3cr3t-pw@db.example:5432/wastedump?sslmode=require",
        "postgres://app:s3cr3t-pw@db.example/wastedump",
        "host=db.example user=app password=s3cr3t-pw dbname=wastedump",
        "host=db.example user=app password='s3cr3t-pw with space' dbname=wastedump",
        "postgresql://db.example/wastedump?user=app&password=s3cr3t-pw",
        "PASSWORD = s3cr3t-pw host=db.example",
    ],
)
def test_redact_removes_the_password(dsn):
    out = redact_text(dsn)
    assert "s3cr3t" not in out and "***" in out
    assert "db.example" in out


def test_describe_never_contains_the_password():
    assert describe("postgresql://app:pw123@h:6543/shop") == "app@h:6543/shop"
    assert "pw123" not in describe("host=h user=app password=pw123")


def test_write_through_wdguard_connection_fails_even_for_a_superuser(fresh_db):
    with connect(fresh_db) as conn:
        assert conn.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
        assert conn.execute("SHOW application_name").fetchone() == ("wdguard",)
        assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                            ).fetchone() == (True,)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TABLE t (a int)")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE DATABASE should_not_exist")


def test_timeouts_are_set(fresh_db):
    with connect(fresh_db, statement_timeout_ms=1500, lock_timeout_ms=700) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone() == ("1500ms",)
        assert conn.execute("SHOW lock_timeout").fetchone() == ("700ms",)
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("SELECT pg_sleep(3)")


def test_existing_options_in_the_dsn_are_kept(fresh_db):
    dsn = fresh_db + " options='-c search_path=pg_catalog'"
    with connect(dsn) as conn:
        assert conn.execute("SHOW search_path").fetchone() == ("pg_catalog",)
        assert conn.execute("SHOW default_transaction_read_only").fetchone() == ("on",)


def test_unreachable_database_is_one_redacted_line():
    with pytest.raises(SourceError) as exc:
        connect("postgresql://app:hunter2@127.0.0.1:1/nowhere", connect_timeout_s=2)
    line = exc.value.one_line()
    assert "hunter2" not in line and "\n" not in line
    assert line.startswith("app@127.0.0.1:1/nowhere: cannot connect")


def test_dsn_from_option_or_environment(monkeypatch):
    monkeypatch.delenv(DSN_ENV, raising=False)
    with pytest.raises(InputError, match="--dsn"):
        resolve_dsn(None)
    monkeypatch.setenv(DSN_ENV, "host=x")
    assert resolve_dsn(None) == "host=x"
    assert resolve_dsn("host=y") == "host=y"
