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
    existing_mongo_contracts,
    parse_since,
)
from wdguard.drift.mongo_diff import drift_collection, extra_collections
from wdguard.errors import InputError
from wdguard.findings import Finding, worst_exit
from wdguard.redact import redact_text
from wdguard.report.findings import findings_json, render_findings_table, summary_line
from wdguard.sources.mongo import URI_ENV, JsonDocuments, LiveDocuments, connect


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
    contracts = existing_mongo_contracts(contracts_dir)
    if collections:
        contracts = [c for c in contracts if c.source.collection in collections]
    if not contracts:
        raise InputError("no MongoDB contracts to check", where=str(contracts_dir))

    client = connect(uri) if from_json is None else None
    sources: dict[str, LiveDocuments | JsonDocuments] = {}
    findings: list[Finding] = []
    sampled: dict[str, int] = {}
    for contract in contracts:
        database = db or contract.source.database
        if not database and from_json is None:
            raise InputError(f"contract {contract.contract} names no database; pass --db",
                             where="--db")
        key = database or ""
        if key not in sources:
            sources[key] = (
                JsonDocuments(from_json, database) if from_json is not None
                else LiveDocuments(client, database)
            )
        found, count = drift_collection(
            sources[key], contract, size=sample_size, since=since_at,
            since_field=since_field, today=on,
        )
        sampled[contract.source.collection or contract.contract] = count
        findings.extend(found)
    if not collections:
        contracted = {c.source.collection for c in contracts}
        modelled = {c.source.collection for c in contracts if c.mongoose is not None}
        for source in sources.values():
            findings.extend(extra_collections(contracted, source.collections(), source.database,
                                              modelled))

    code = worst_exit(findings, strict=strict)
    if fmt is OutputFormat.json:
        print_json(
            findings_json(
                findings,
                command="drift mongo",
                target=_target(uri, from_json),
                contracts=[c.contract for c in contracts],
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
