"""`wdguard drift mongo`: sample each contracted collection and diff it with its contract.

Exit 0 no failing finding, 1 a breaking change (or a warning with --strict), 2 could not
decide (unreachable server, bad contract). Same text and JSON shapes as the Postgres drift.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import typer

from wdguard.audit import audit_command
from wdguard.commands._common import FORMAT_OPTION, OutputFormat, console, guarded, print_json
from wdguard.commands.contracts_mongo import (
    COLLECTION_OPTION,
    FROM_JSON_OPTION,
    SAMPLE_OPTION,
    SINCE_FIELD_OPTION,
    SINCE_OPTION,
    URI_OPTION,
    parse_since,
)
from wdguard.errors import InputError
from wdguard.redact import redact_text
from wdguard.report.findings import findings_json, render_findings_table, summary_line
from wdguard.sources.mongo import URI_ENV


@guarded
@audit_command("drift mongo")
def drift_mongo(
    uri: str | None = URI_OPTION,
    db: str | None = typer.Option(
        None, "--db", help="Database name (default: each contract's source.database)."
    ),
    contracts_dir: Path = typer.Option(
        Path("contracts"), "--contracts", "-c", help="Folder of contract YAML files."
    ),
    collections: list[str] | None = COLLECTION_OPTION,
    sample_size: int = SAMPLE_OPTION,
    since: str | None = SINCE_OPTION,
    since_field: str | None = SINCE_FIELD_OPTION,
    from_json: Path | None = FROM_JSON_OPTION,
    today: str | None = typer.Option(
        None, "--today", help="Date retire_after deadlines are judged on (default: today).",
        hidden=True,
    ),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too (exit 1)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Compare Mongo contracts with freshly sampled documents of their collections."""
    since_at = parse_since(since)
    on = _parse_day(today)
    from wdguard.api import drift_mongo as run

    result = run(uri=uri, db=db, from_json=from_json, contracts=contracts_dir,
                 collections=collections, sample_size=sample_size, since=since_at,
                 since_field=since_field, today=on)
    findings, sampled, code = result.findings, result.collections, (
        int(result.strict_exit_code if strict else result.exit_code))
    if fmt is OutputFormat.json:
        print_json(
            findings_json(
                findings,
                command="drift mongo",
                target=_target(uri, from_json),
                contracts=result.contracts,
                collections=sampled,
                strict=strict,
                exit_code=code,
            )
        )
    else:
        render_findings_table(console, findings, "mongo drift")
        console.print(
            f"{_target(uri, from_json)}: sampled "
            + ", ".join(f"{k} ({v} documents)" for k, v in sampled.items())
        )
        console.print(summary_line(findings))
    raise typer.Exit(code)


def _target(uri: str | None, from_json: Path | None) -> str:
    """What was sampled, safe to print: the JSON folder or the redacted URI."""
    if from_json is not None:
        return str(from_json)
    return redact_text(uri or os.environ.get(URI_ENV, ""))


def _parse_day(text: str | None) -> dt.date:
    if text is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"bad date {text!r}: expected YYYY-MM-DD", where="--today") from None
