"""`wdguard drift postgres`: contracts (or schema.prisma) vs the live PostgreSQL schema."""

from __future__ import annotations

from pathlib import Path

import typer

from wdguard.audit import audit_command
from wdguard.commands._common import (
    FORMAT_OPTION,
    OutputFormat,
    console,
    guarded,
    print_json,
)
from wdguard.report.findings import render_findings_table, summary_line

DSN_OPTION = typer.Option(
    None,
    "--dsn",
    help="libpq DSN or postgresql:// URL of the app database (default: $WDGUARD_PG_DSN).",
    show_default=False,
)
MIGRATIONS_OPTION = typer.Option(
    None, "--migrations", "-m", help="Prisma migrations folder to check against _prisma_migrations."
)


@guarded
@audit_command("drift postgres")
def drift_postgres(
    dsn: str | None = DSN_OPTION,
    schema: Path | None = typer.Option(
        None, "--schema", help="schema.prisma (or a folder of .prisma files) to derive from."
    ),
    contracts_dir: Path | None = typer.Option(
        None, "--contracts", "-c", help="Folder of contract YAML files [default: ./contracts]."
    ),
    migrations: Path | None = MIGRATIONS_OPTION,
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too (exit 1)."),
    statement_timeout_ms: int = typer.Option(
        30_000, "--statement-timeout-ms", help="Per-statement timeout of the read-only session."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Compare contracts with the live PostgreSQL schema (and its migration history).

    Exit 0: no breaking drift. 1: breaking drift (or any warning with --strict).
    2: the database is unreachable or the schema/contracts cannot be read.
    """
    from wdguard.api import drift_postgres as run  # pulls in deepdiff: only when run

    result = run(dsn, contracts=contracts_dir, schema=schema, migrations=migrations,
                 statement_timeout_ms=statement_timeout_ms)
    if fmt is OutputFormat.json:
        print_json(result.to_dict(strict=strict))
    else:
        console.print(
            f"PostgreSQL drift of {result.target} (schemas {', '.join(result.schemas)}): "
            f"{result.contracts} contracts, {result.tables} live tables"
        )
        schema_findings = [f for f in result.findings if not f.name.startswith("migration.")]
        render_findings_table(console, schema_findings, "schema drift")
        if result.history is not None:
            console.print(f"migration head: {result.history.head or 'none'}")
            if result.history.missing:
                console.print(f"migration history: {result.history.missing}; every folder "
                              "migration counts as pending", markup=False)
            history_findings = [f for f in result.findings if f.name.startswith("migration.")]
            render_findings_table(console, history_findings, "migration history")
        console.print(summary_line(result.findings))
    raise typer.Exit(result.strict_exit_code if strict else result.exit_code)
