"""Prisma migration history: the `_prisma_migrations` table vs the migrations folder.

Prisma writes one row per attempt to apply a migration (id, checksum = hex SHA-256 of
migration.sql, started_at, finished_at, rolled_back_at, logs, applied_steps_count).
A migration counts as applied when one of its rows finished and was not rolled back.
From the rows and the folder this module derives, per migration name, exactly one
verdict: applied, pending, failed, rolled back, edited after apply, or unknown to the
folder; plus the head (the last applied migration in folder order).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from wdguard.drift.kinds import (
    pg_migration_edited,
    pg_migration_failed,
    pg_migration_pending,
    pg_migration_rolled_back,
    pg_migration_unknown,
)
from wdguard.errors import InputError, SourceError
from wdguard.findings import Finding

TABLE = "_prisma_migrations"


@dataclass
class MigrationRow:
    id: str
    checksum: str
    migration_name: str
    started_at: datetime | None
    finished_at: datetime | None
    rolled_back_at: datetime | None
    logs: str | None
    applied_steps_count: int

    @property
    def applied(self) -> bool:
        return self.finished_at is not None and self.rolled_back_at is None

    @property
    def failed(self) -> bool:
        return self.finished_at is None and self.rolled_back_at is None


@dataclass
class History:
    folder: dict[str, str]  # migration name -> checksum of its migration.sql
    rows: list[MigrationRow]
    folder_path: Path | None = None
    findings: list[Finding] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)  # name -> verdict
    missing: str | None = None  # why there are no rows: the database has no history table

    @property
    def applied(self) -> list[str]:
        return sorted(n for n, s in self.status.items() if s in ("applied", "edited"))

    @property
    def head(self) -> str | None:
        """The last applied migration that the folder knows (Prisma's order: by name)."""
        known = [n for n in self.applied if n in self.folder]
        return known[-1] if known else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "head": self.head,
            "folder_count": len(self.folder),
            "applied_count": len(self.applied),
            "missing": self.missing,
            "migrations": [{"name": n, "status": s} for n, s in sorted(self.status.items())],
        }


def read_folder(path: Path) -> dict[str, str]:
    """Migration folder name -> hex SHA-256 of its migration.sql, in apply order."""
    path = Path(path)
    if not path.is_dir():
        raise InputError("not a migrations folder (no such directory)", where=str(path))
    folder = {}
    for sub in sorted(p for p in path.iterdir() if p.is_dir()):
        script = sub / "migration.sql"
        if script.is_file():
            folder[sub.name] = hashlib.sha256(script.read_bytes()).hexdigest()
        elif not sub.name.startswith("."):  # Prisma refuses such a folder too (P3015)
            raise InputError("migration folder without migration.sql", where=str(sub))
    if not folder and not (path / "migration_lock.toml").is_file():
        raise InputError(
            "no <timestamp>_<name>/migration.sql folders and no migration_lock.toml",
            where=str(path),
        )
    return folder


def locate_migrations_table(conn: psycopg.Connection, preferred: str = "public") -> str:
    """`preferred` when it has `_prisma_migrations`, else the only schema that has one
    (none: `preferred`, so that `read_rows` says clearly that there is none; several:
    an input error, since guessing could compare the wrong app's history)."""
    found = [
        nsp
        for (nsp,) in conn.execute(
            "SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            " ON n.oid = c.relnamespace WHERE c.relname = %s AND c.relkind IN ('r', 'p')"
            " ORDER BY 1",
            (TABLE,),
        ).fetchall()
    ]
    if preferred in found or not found:
        return preferred
    if len(found) > 1:
        raise InputError(
            f"{TABLE} exists in schemas {', '.join(found)} and not in {preferred}: "
            "say which with ?schema=... in the postgresql:// DSN",
            where="--dsn",
        )
    return found[0]


def _no_table(schema: str) -> str:
    return f"no {schema}.{TABLE} table: this database was never migrated with Prisma"


def _has_no_table(conn: psycopg.Connection, schema: str) -> bool:
    return not conn.execute(
        "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
        " ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
        (schema, TABLE),
    ).fetchone()


def read_rows(conn: psycopg.Connection, schema: str = "public") -> list[MigrationRow]:
    """Every `_prisma_migrations` row, oldest first; a clear error when there is none."""
    if _has_no_table(conn, schema):
        raise SourceError(
            _no_table(schema),
            hint="run `prisma migrate deploy`, or point --dsn at the app's database",
        )
    query = sql.SQL(
        "SELECT id, checksum, migration_name, started_at, finished_at, rolled_back_at,"
        " logs, applied_steps_count FROM {} ORDER BY started_at, migration_name"
    ).format(sql.Identifier(schema, TABLE))
    return [MigrationRow(*row) for row in conn.execute(query).fetchall()]


def compare(
    folder: dict[str, str], rows: list[MigrationRow], folder_path: Path | None = None
) -> History:
    """One verdict and at most one finding per migration name."""
    history = History(folder=folder, rows=rows, folder_path=folder_path)
    by_name: dict[str, list[MigrationRow]] = {}
    for row in rows:
        by_name.setdefault(row.migration_name, []).append(row)

    def where(name: str) -> dict[str, Any]:
        if folder_path is None or name not in folder:
            return {"object": name}
        return {"object": name, "file": str(folder_path / name / "migration.sql")}

    for name in sorted(set(folder) | set(by_name)):
        attempts = by_name.get(name, [])
        applied = [r for r in attempts if r.applied]
        failed = [r for r in attempts if r.failed]
        found: Finding | None = None
        if failed:
            row = failed[-1]
            status = "failed"
            found = pg_migration_failed.MigrationFailed.finding(
                f"migration {name} started {row.started_at:%Y-%m-%d %H:%M:%S} and never "
                "finished; resolve it before the next deploy",
                details={"id": row.id, "logs": (row.logs or "")[:500] or None},
                **where(name),
            )
        elif applied and name not in folder:
            status = "unknown"
            found = pg_migration_unknown.MigrationUnknown.finding(
                f"migration {name} is applied to the database but absent from the folder",
                details={"id": applied[-1].id},
                **where(name),
            )
        elif applied:
            row = applied[-1]
            status = "applied"
            if row.checksum != folder[name]:
                status = "edited"
                found = pg_migration_edited.MigrationEdited.finding(
                    f"migration {name}: migration.sql was edited after it was applied "
                    f"(checksum {folder[name][:12]}… vs applied {row.checksum[:12]}…)",
                    details={"applied_checksum": row.checksum, "file_checksum": folder[name]},
                    **where(name),
                )
        elif attempts:  # only rolled-back attempts
            status = "rolled_back"
            found = pg_migration_rolled_back.MigrationRolledBack.finding(
                f"migration {name} was rolled back and has not been re-applied",
                details={"id": attempts[-1].id},
                **where(name),
            )
        else:
            status = "pending"
            found = pg_migration_pending.MigrationPending.finding(
                f"migration {name} is in the folder but not applied", **where(name)
            )
        history.status[name] = status
        if found is not None:
            history.findings.append(found)
    return history


def migration_history(
    conn: psycopg.Connection, migrations_dir: Path, schema: str = "public",
    *, missing_ok: bool = False,
) -> History:
    """Read the folder and the table and compare them. `missing_ok`: a database without
    the table has applied nothing (every folder migration is pending) and says so in
    `history.missing`, instead of raising."""
    folder = read_folder(migrations_dir)
    if missing_ok and _has_no_table(conn, schema):
        history = compare(folder, [], Path(migrations_dir))
        history.missing = _no_table(schema)
        return history
    return compare(folder, read_rows(conn, schema), Path(migrations_dir))
