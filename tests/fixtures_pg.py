"""PostgreSQL fixtures for every area's tests (real server on 127.0.0.1:5432).

    pg_server_dsn  session: DSN of the server's maintenance database (fails clearly if down)
    fresh_db       DSN of an empty, uniquely named database, dropped after the test
    wastedump_db   DSN of a database with every fixture migration applied and
                   `_prisma_migrations` written as Prisma does, dropped after the test

Helpers to build other states (apply up to a migration, fake failed rows, paths of the
fixture schema and migrations) are in `tests.pgutil`.
"""

from __future__ import annotations

import psycopg
import pytest

from tests import pgutil


@pytest.fixture(scope="session")
def pg_server_dsn() -> str:
    try:
        with psycopg.connect(pgutil.SERVER_DSN, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {pgutil.SERVER_DSN!r}: {exc}")
    return pgutil.SERVER_DSN


@pytest.fixture
def fresh_db(pg_server_dsn: str):
    name, dsn = pgutil.create_database()
    try:
        yield dsn
    finally:
        pgutil.drop_database(name)


@pytest.fixture
def wastedump_db(pg_server_dsn: str):
    name, dsn = pgutil.create_database("wdg_wastedump")
    try:
        pgutil.apply_migrations(dsn, pgutil.MIGRATIONS_DIR)
        yield dsn
    finally:
        pgutil.drop_database(name)
