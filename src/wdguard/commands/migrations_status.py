"""`wdguard migrations status`: `_prisma_migrations` vs the Prisma migrations folder."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from wdguard.audit import audit_command
from wdguard.commands._common import FORMAT_OPTION, OutputFormat, console, guarded, print_json
from wdguard.commands.drift_postgres import DSN_OPTION
from wdguard.drift.history import migration_history
from wdguard.findings import worst_exit
from wdguard.report.findings import findings_json, render_findings_table, summary_line
from wdguard.sources.postgres import connect, describe, dsn_schema, resolve_dsn

_STATUS_STYLE = {
    "applied": "green",
    "pending": "yellow",
    "failed": "bold red",
    "rolled_back": "bold red",
    "edited": "bold red",
    "unknown": "bold red",
}


@guarded
@audit_command("migrations status")
def migrations_status(
    dsn: str | None = DSN_OPTION,
    migrations: Path = typer.Option(
        Path("prisma/migrations"), "--migrations", "-m", help="Prisma migrations folder."
    ),
    table_schema: str | None = typer.Option(
        None,
        "--table-schema",
        help="Postgres schema holding _prisma_migrations [default: the DSN's ?schema=, "
        "else public].",
        show_default=False,
    ),
    strict: bool = typer.Option(False, "--strict", help="Warnings (pending) fail too."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Which migrations are applied, pending, failed, rolled back, edited or unknown.

    Exit 0: history is sound. 1: a failed, rolled-back, edited or unknown migration
    (pending too with --strict). 2: database unreachable or no _prisma_migrations.
    """
    dsn = resolve_dsn(dsn)
    with connect(dsn) as conn:
        history = migration_history(conn, migrations, table_schema or dsn_schema(dsn) or "public")
    code = worst_exit(history.findings, strict=strict)
    if fmt is OutputFormat.json:
        print_json(
            findings_json(
                history.findings,
                command="migrations status",
                target=describe(dsn),
                migrations_dir=str(migrations),
                history=history.to_dict(),
                strict=strict,
                exit_code=code,
            )
        )
    else:
        table = Table(title=f"migrations of {describe(dsn)}", title_justify="left")
        table.add_column("migration")
        table.add_column("status")
        for name, status in sorted(history.status.items()):
            table.add_row(name, f"[{_STATUS_STYLE[status]}]{status}[/]")
        console.print(table)
        console.print(f"head: {history.head or 'none'}")
        render_findings_table(console, history.findings, "migration history")
        console.print(summary_line(history.findings))
    raise typer.Exit(code)
