"""`wdguard migrations lint`: lint Prisma migrations before they deploy."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from wdguard.commands._common import command_contracts, console, guarded, print_json
from wdguard.config import load_config
from wdguard.drift.lint.engine import LintConfig, LintResult, lint, lint_rules
from wdguard.drift.lint.select import Selection, select_paths, select_since, select_unapplied
from wdguard.errors import InputError
from wdguard.findings import worst_exit
from wdguard.report.findings import findings_json, summary_line
from wdguard.report.github import render_github
from wdguard.report.junit_lint import render_junit_findings
from wdguard.report.sarif import render_sarif

DEFAULT_MIGRATIONS = Path("prisma/migrations")
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"


DSN_OPTION = typer.Option(
    None,
    "--dsn",
    help="Lint only the folder's migrations this database has not applied yet "
    "(per _prisma_migrations); libpq DSN or postgresql:// URL.",
    show_default=False,
)


def _select(paths: list[Path], since: str | None, dsn: str | None) -> Selection:
    if since and dsn:
        raise InputError("give either --since or --dsn, not both", where="--since")
    if dsn:
        from wdguard.drift.history import read_rows
        from wdguard.sources.postgres import connect, resolve_dsn

        if len(paths) > 1:
            raise InputError("--dsn takes one Prisma migrations folder", where="--dsn")
        folder = paths[0] if paths else DEFAULT_MIGRATIONS
        with connect(resolve_dsn(dsn)) as conn:
            applied = {r.migration_name for r in read_rows(conn) if r.applied}
        return select_unapplied(folder, applied)
    if since:
        return select_since(since, paths)
    if not paths:
        if not DEFAULT_MIGRATIONS.is_dir():
            raise InputError("no migrations given and no ./prisma/migrations folder", where="PATHS")
        paths = [DEFAULT_MIGRATIONS]
    return select_paths(paths)


def render_text(result: LintResult) -> None:
    for f in result.findings:
        style = _STYLE[f.severity]
        console.print(
            f"{f.location}: [{style}]{f.code}[/] [{style}]{f.severity}[/] {f.message}",
            markup=True,
            highlight=False,
        )
        if f.help:
            console.print(f"  [dim]help:[/] {f.help}")
        d = f.details
        if d.get("contracts"):
            line = f"  [dim]impact:[/] contracts {', '.join(d['contracts'])}"
            if d.get("consumers"):
                line += f"; gold {', '.join(d['consumers'])}"
            if not d.get("contract_changes"):
                line += " (the contracts already reflect this change)"
            console.print(line)
        for change in d.get("contract_changes", []):
            console.print(f"    {change}", markup=False)
    files = len(result.migrations)
    tail = f"; {len(result.suppressed)} suppressed" if result.suppressed else ""
    console.print(f"{files} migration(s) linted: {summary_line(result.findings)}{tail}")


@guarded
def migrations_lint(
    paths: list[Path] = typer.Argument(
        None,
        help="migration.sql files, migration folders or a Prisma migrations folder "
        "(default: ./prisma/migrations).",
        show_default=False,
    ),
    since: str | None = typer.Option(
        None, "--since", help="Lint only migration.sql files added since this git ref."
    ),
    dsn: str | None = DSN_OPTION,
    contracts_dir: Path | None = typer.Option(
        None, "--contracts", "-c", help="Contracts folder for impact (default: ./contracts)."
    ),
    schema: Path | None = typer.Option(
        None, "--schema", help="Derive contracts from this schema.prisma instead."
    ),
    config_path: Path | None = typer.Option(
        None,
        "--config",
        help="wdguard.toml whose lint table disables rules or sets severities "
        "(default: ./wdguard.toml).",
    ),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too (exit 1)."),
    fmt: LintFormat = typer.Option(
        LintFormat.text, "--format", "-f", help="text, json, sarif, junit or github."
    ),
) -> None:
    """Lint Prisma migrations before deploy: pipeline-breaking changes and live-DB hazards.

    Exit 0: clean, or only info/warnings. 1: an error-level finding (warnings too with
    --strict). 2: unparsable SQL or bad input (file:line on stderr).
    Suppress one statement with `-- wdguard-ignore: CODE reason` on the line before it.
    """
    cfg = load_config(config_path)
    config = LintConfig.from_table(cfg.get("lint"), where=str(config_path or "wdguard.toml"))
    contracts = command_contracts(schema, contracts_dir, default_optional=True)
    selection = _select(list(paths or []), since, dsn)
    result = lint(selection.targets, history=selection.history, contracts=contracts, config=config)
    code = worst_exit(result.findings, strict=strict)
    if fmt is LintFormat.json:
        print_json(
            findings_json(
                result.findings,
                command="migrations lint",
                migrations=result.migrations,
                suppressed=[f.to_dict() for f in result.suppressed],
                strict=strict,
                exit_code=code,
            )
        )
    elif fmt is LintFormat.sarif:
        print_json(render_sarif(result.findings, lint_rules(), base=Path.cwd()))
    elif fmt is LintFormat.junit:
        typer.echo(render_junit_findings(result.findings, result.migrations), nl=False)
    elif fmt is LintFormat.github:
        typer.echo(render_github(result.findings), nl=False)
    else:
        render_text(result)
    raise typer.Exit(code)
