"""`wdguard migrations lint`: lint Prisma migrations before they deploy."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wdguard.commands._common import console, guarded, print_json

if TYPE_CHECKING:  # the lint runner pulls in pglast and psycopg: imported when run
    from wdguard.drift.lint.runner import LintResult

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


def repo_root() -> Path:
    """Where annotation paths are relative to: the git work tree, else the current
    folder (GitHub and SARIF viewers resolve paths from the repository root)."""
    import subprocess

    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return Path.cwd()
    return Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else Path.cwd()


def render_text(result: LintResult) -> None:
    from wdguard.report.findings import summary_line

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
    if result.untracked:
        console.print(f"[dim]not in git yet (linted too):[/] {', '.join(result.untracked)}")
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
        None, "--schema",
        help="schema.prisma (or a folder of .prisma files): the contracts for impact, and the "
        "schema the migrations must build (default: the one beside the migrations folder)."
    ),
    config_path: Path | None = typer.Option(
        None,
        "--config",
        help="wdguard.toml whose lint table disables rules or sets severities "
        "(default: ./wdguard.toml).",
    ),
    max_scan_rows: int = typer.Option(
        1_000_000, "--max-scan-rows", min=1,
        help="With --dsn: rows a live-data check reads per table; bigger tables are "
        "sampled (TABLESAMPLE) and the finding says so.",
    ),
    live_timeout: float = typer.Option(
        20.0, "--live-timeout", min=0.001,
        help="With --dsn: statement timeout of each live-data query, in seconds.",
    ),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too (exit 1)."),
    fmt: LintFormat = typer.Option(
        LintFormat.text, "--format", "-f", help="text, json, sarif, junit or github."
    ),
) -> None:
    """Lint Prisma migrations before deploy: pipeline-breaking changes and live-DB hazards.

    With --dsn, the migrations the database has not applied are also checked against its
    live data (read-only: NULLs under SET NOT NULL, duplicates under a unique key,
    orphans under a foreign key, failing casts, enum values still in use, rows under a
    required column). schema.prisma (--schema, or the one beside the migrations folder)
    is compared with what the migrations build.

    Exit 0: clean, or only info/warnings. 1: an error-level finding (warnings too with
    --strict). 2: unparsable SQL or bad input (file:line on stderr).
    Suppress one statement with `-- wdguard-ignore: CODE reason` on the line before it.
    """
    from wdguard.api import lint_migrations
    from wdguard.drift.lint.runner import lint_rules
    from wdguard.report.findings import findings_json
    from wdguard.report.github import render_github
    from wdguard.report.junit_lint import render_junit_findings
    from wdguard.report.sarif import render_sarif

    result = lint_migrations(list(paths or []), since=since, dsn=dsn, schema=schema,
                             contracts=contracts_dir, config=config_path,
                             max_scan_rows=max_scan_rows, live_timeout=live_timeout)
    code = int(result.strict_exit_code if strict else result.exit_code)
    if fmt is LintFormat.json:
        print_json(
            findings_json(
                result.findings,
                command="migrations lint",
                migrations=result.migrations,
                untracked=result.untracked,
                suppressed=[f.to_dict() for f in result.suppressed],
                strict=strict,
                exit_code=code,
            )
        )
    elif fmt is LintFormat.sarif:
        print_json(render_sarif(result.findings, lint_rules(), base=repo_root()))
    elif fmt is LintFormat.junit:
        typer.echo(render_junit_findings(result.findings, result.migrations), nl=False)
    elif fmt is LintFormat.github:
        typer.echo(render_github(result.findings, base=repo_root()), nl=False)
    else:
        render_text(result)
    raise typer.Exit(code)
