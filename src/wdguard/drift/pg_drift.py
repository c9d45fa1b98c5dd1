"""One Postgres drift run: introspect, diff against contracts, read migration history.

The commands, the gate and the nightly report call `postgres_drift` with a connection
they opened (read-only, see `sources.postgres`) and render the result; the result is
data first, with a stable JSON form (`to_dict`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from wdguard.contracts.model import Contract
from wdguard.drift.history import History, locate_migrations_table, migration_history
from wdguard.drift.pg_diff import IGNORED_TABLES, diff, postgres_contracts, schemas_of
from wdguard.drift.pg_introspect import introspect
from wdguard.findings import Finding, HasExitCode, findings_json


@dataclass
class PostgresDrift(HasExitCode):
    target: str  # password-free description of the database
    schemas: list[str]
    contracts: int
    tables: int
    findings: list[Finding] = field(default_factory=list)
    history: History | None = None

    def to_dict(self, *, strict: bool = False) -> dict[str, Any]:
        return findings_json(
            self.findings,
            command="drift postgres",
            target=self.target,
            schemas=self.schemas,
            contracts=self.contracts,
            tables=self.tables,
            history=self.history.to_dict() if self.history else None,
            strict=strict,
            exit_code=self.strict_exit_code if strict else int(self.exit_code),
        )


def postgres_drift(
    conn: psycopg.Connection,
    contracts: list[Contract],
    *,
    target: str = "",
    migrations_dir: Path | None = None,
    migrations_schema: str | None = None,
) -> PostgresDrift:
    """Schema drift of every Postgres contract, plus the migration history when asked.

    `migrations_schema` None: `_prisma_migrations` is looked up in public, else in the one
    schema that has it (a `?schema=` or multiSchema project). `tables` counts the live
    tables the diff compares (not `_prisma_migrations`, which it ignores)."""
    schemas = schemas_of(contracts)
    live = introspect(conn, schemas)
    result = PostgresDrift(
        target=target,
        schemas=schemas,
        contracts=len(postgres_contracts(contracts)),
        tables=sum(1 for _, name in live.tables if name not in IGNORED_TABLES),
        findings=diff(contracts, live),
    )
    if migrations_dir is not None:
        where = migrations_schema or locate_migrations_table(conn)
        # no history table: the schema diff above still stands, the history says so
        result.history = migration_history(conn, migrations_dir, where, missing_ok=True)
        result.findings.extend(result.history.findings)
    return result
