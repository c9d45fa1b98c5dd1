"""Real PostgreSQL for tests: throw-away databases and Prisma-style migration history.

Everything here talks to the server on 127.0.0.1:5432 as user `postgres` (trust auth;
override with WDGUARD_TEST_PG_DSN, a libpq DSN of a database to connect to for
CREATE/DROP DATABASE). It is test tooling, not wdguard: it writes.

    name, dsn = create_database()              # empty, uniquely named
    apply_migrations(dsn, MIGRATIONS_DIR)      # every folder, in order, like `prisma migrate deploy`
    apply_migrations(dsn, MIGRATIONS_DIR, upto="20240301101000_subscriptions")
    record_migration(conn, "x", checksum="...", finished=False)   # fake a failed row
    drop_database(name)

`apply_migrations` mirrors Prisma: it creates `_prisma_migrations` with Prisma's DDL,
inserts a row (uuid id, hex SHA-256 checksum of migration.sql, started_at) before the
script, sends the script as one simple-protocol query (PostgreSQL runs it as one implicit
transaction, as Prisma's schema engine does: a lone `CREATE INDEX CONCURRENTLY` works,
explicit BEGIN/COMMIT too), then sets finished_at and applied_steps_count = 1. With
`schema=` (Prisma's `?schema=`) the schema is created, put first on the search_path and
holds `_prisma_migrations`.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "fixtures" / "prisma" / "schema.prisma"
MIGRATIONS_DIR = ROOT / "fixtures" / "prisma" / "migrations"

SERVER_DSN = os.environ.get(
    "WDGUARD_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)

# exactly the table Prisma's schema engine creates
PRISMA_MIGRATIONS_DDL = """
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)
"""


def dsn_for(dbname: str) -> str:
    """The server DSN pointed at another database."""
    params = psycopg.conninfo.conninfo_to_dict(SERVER_DSN)
    params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**params)


def create_database(prefix: str = "wdg_test") -> tuple[str, str]:
    """Create an empty database with a unique name; return (name, dsn)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER_DSN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name, dsn_for(name)


def drop_database(name: str) -> None:
    with psycopg.connect(SERVER_DSN, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def temp_database(prefix: str = "wdg_test", *, migrations: Path | None = None):
    """A uniquely named database for the `with` block (migrated when `migrations` is given)."""
    name, dsn = create_database(prefix)
    try:
        if migrations is not None:
            apply_migrations(dsn, migrations)
        yield dsn
    finally:
        drop_database(name)


def migration_names(migrations_dir: Path = MIGRATIONS_DIR) -> list[str]:
    """Migration folder names in the order Prisma applies them (lexical)."""
    return sorted(
        p.name for p in migrations_dir.iterdir() if p.is_dir() and (p / "migration.sql").is_file()
    )


def checksum(path: Path) -> str:
    """Prisma's checksum: hex SHA-256 of the migration.sql bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_migration(
    conn: psycopg.Connection,
    name: str,
    *,
    checksum: str,
    finished: bool = True,
    rolled_back: bool = False,
    logs: str | None = None,
) -> str:
    """Write one `_prisma_migrations` row as Prisma would; returns its id."""
    conn.execute(PRISMA_MIGRATIONS_DDL)
    row_id = str(uuid.uuid4())
    conn.execute(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at,'
        " finished_at, applied_steps_count, rolled_back_at)"
        " VALUES (%s, %s, %s, %s, now(), CASE WHEN %s THEN now() END, %s,"
        " CASE WHEN %s THEN now() END)",
        (row_id, checksum, name, logs, finished, 1 if finished else 0, rolled_back),
    )
    return row_id


def apply_migrations(
    dsn: str,
    migrations_dir: Path = MIGRATIONS_DIR,
    *,
    upto: str | None = None,
    schema: str = "public",
) -> list[str]:
    """Apply every migration folder in order (up to and including `upto`); return names."""
    applied = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        if schema != "public":
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        conn.execute(PRISMA_MIGRATIONS_DDL)
        for name in migration_names(migrations_dir):
            script = migrations_dir / name / "migration.sql"
            row_id = record_migration(conn, name, checksum=checksum(script), finished=False)
            conn.execute(script.read_text())  # type: ignore[arg-type]  # no params: simple query
            conn.execute(
                'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1'
                " WHERE id = %s",
                (row_id,),
            )
            applied.append(name)
            if name == upto:
                break
    return applied
