"""The read-only source session and password redaction."""

from __future__ import annotations

import psycopg
import pytest

from wdguard.errors import InputError, SourceError
from wdguard.redact import redact_text
from wdguard.sources.postgres import (
    DSN_ENV,
    connect,
    describe,
    dsn_schema,
    resolve_dsn,
    split_prisma_params,
)

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
    assert line.startswith("app@127.0.0.1:1/nowhere: cannot connect to PostgreSQL: ")
    # libpq's own reason, folded onto the line word by word
    assert 'port 1 failed: Connection refused Is the server running on that host' in line


def test_dsn_from_option_or_environment(monkeypatch):
    monkeypatch.delenv(DSN_ENV, raising=False)
    with pytest.raises(InputError, match="--dsn"):
        resolve_dsn(None)
    monkeypatch.setenv(DSN_ENV, "host=x")
    assert resolve_dsn(None) == "host=x"
    assert resolve_dsn("host=y") == "host=y"


def test_no_dsn_is_an_input_error_at_the_dsn_option(monkeypatch):
    monkeypatch.delenv(DSN_ENV, raising=False)
    with pytest.raises(InputError) as exc:
        resolve_dsn("")
    assert exc.value.where == "--dsn"
    assert exc.value.one_line() == (
        "--dsn: no database given: pass --dsn or set WDGUARD_PG_DSN"
    )


@pytest.mark.parametrize(
    "dsn,kept,taken",
    [
        # every Prisma-only parameter is taken out; libpq's stay, in their order
        ("postgresql://app@h:5432/wd?schema=billing&sslmode=require&connection_limit=5"
         "&pool_timeout=10&pgbouncer=true&statement_cache_size=0&socket_timeout=3"
         "&sslaccept=strict&sslidentity=id.p12&application_name=x",
         "postgresql://app@h:5432/wd?sslmode=require&application_name=x",
         {"schema": "billing", "connection_limit": "5", "pool_timeout": "10",
          "pgbouncer": "true", "statement_cache_size": "0", "socket_timeout": "3",
          "sslaccept": "strict", "sslidentity": "id.p12"}),
        ("postgres://app@h/wd?schema=", "postgres://app@h/wd", {"schema": ""}),
        # nothing Prisma-only: the DSN is returned untouched (no re-encoding)
        ("postgresql://app@h/wd?sslmode=require&options=-c%20x%3D1",
         "postgresql://app@h/wd?sslmode=require&options=-c%20x%3D1", {}),
        # a libpq key=value DSN is not a URL: `schema=` in it is not Prisma's
        ("host=h dbname=wd schema=x", "host=h dbname=wd schema=x", {}),
        ("POSTGRESQL://app@h/wd?schema=s", "POSTGRESQL://app@h/wd?schema=s", {}),
        # an unparsable URL is left for libpq to reject
        ("postgresql://app@[::1/wd?schema=s", "postgresql://app@[::1/wd?schema=s", {}),
    ],
)
def test_split_prisma_params(dsn, kept, taken):
    assert split_prisma_params(dsn) == (kept, taken)


@pytest.mark.parametrize(
    "dsn,schema",
    [
        ("postgresql://app@h/wd?schema=billing", "billing"),
        ("postgresql://app@h/wd?schema=", None),
        ("postgresql://app@h/wd?sslmode=require", None),
        ("host=h dbname=wd", None),
    ],
)
def test_dsn_schema(dsn, schema):
    assert dsn_schema(dsn) == schema


@pytest.mark.parametrize(
    "dsn,name",
    [
        ("postgresql://app:pw@h:6543/shop?schema=billing", "app@h:6543/shop"),
        ("host=h user=app dbname=shop", "app@h:5432/shop"),
        ("hostaddr=10.0.0.7 user=app", "app@10.0.0.7:5432/app"),
        ("dbname=shop", "localhost:5432/shop"),
        ("host=h port=7000", "h:7000/"),
    ],
)
def test_describe_names_user_host_port_and_database(dsn, name):
    assert describe(dsn) == name


def test_describe_of_an_unparsable_dsn_is_the_redacted_text():
    assert describe("host=h password=pw9 'unterminated") == "host=h password=*** 'unterminated"


def test_bad_dsn_is_an_input_error_without_the_password():
    with pytest.raises(InputError) as exc:
        connect("host=h password=pw9 'unterminated")
    line = exc.value.one_line()
    assert line == (
        "--dsn: bad DSN \"host=h password=*** 'unterminated\": "
        "missing \"=\" after \"'unterminated\" in connection info string"
    )
    assert "pw9" not in line


def test_session_parameters_bound_a_dead_network_path(fresh_db):
    with connect(fresh_db) as conn:
        assert conn.info.get_parameters()["connect_timeout"] == "10"
    with connect(fresh_db, connect_timeout_s=7, app="wdguard-test") as conn:
        params = conn.info.get_parameters()
        assert conn.execute("SHOW application_name").fetchone() == ("wdguard-test",)
    assert params["connect_timeout"] == "7"
    assert params["keepalives_idle"] == "30"
    assert params["keepalives_interval"] == "10"
    assert params["keepalives_count"] == "3"
    assert params["tcp_user_timeout"] == "60000"
    assert params.get("keepalives", "1") == "1"


def test_the_dsn_own_connect_timeout_wins_and_prisma_params_do_not_reach_libpq(fresh_db):
    url = psycopg.conninfo.conninfo_to_dict(fresh_db)
    dsn = (f"postgresql://{url['user']}@{url['host']}:{url.get('port', 5432)}/{url['dbname']}"
           "?connect_timeout=4&schema=billing&connection_limit=3")
    with connect(dsn) as conn:
        assert conn.info.get_parameters()["connect_timeout"] == "4"
        assert conn.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
        assert conn.execute("SHOW statement_timeout").fetchone() == ("30s",)
        assert conn.execute("SHOW lock_timeout").fetchone() == ("2s",)
