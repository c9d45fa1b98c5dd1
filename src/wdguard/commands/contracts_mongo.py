"""`wdguard contracts derive mongo`: contracts from sampled Mongo documents.

Samples each collection (read-only `$sample`), infers the shape and merges it into the
existing contract, keeping hand edits. Input is a live database (`--uri`/`--db`) or, for
exports and the demo, a folder of Extended JSON files (`--from-json DIR`). Every contract
is computed before any file is written, so a failure writes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, console, guarded, print_json
from wdguard.contracts.io import (
    atomic_write_text,
    dump_contract,
    load_contracts,
    write_schema_file,
)
from wdguard.contracts.model import Contract
from wdguard.errors import InputError
from wdguard.sources.mongo import DEFAULT_SAMPLE, JsonDocuments, LiveDocuments, connect

URI_OPTION = typer.Option(
    None, "--uri", help="MongoDB URI (default: $WDGUARD_MONGO_URI). The password is never shown."
)
COLLECTION_OPTION = typer.Option(
    None, "--collection", "-C", help="Collection to use (repeatable); default: all."
)
SAMPLE_OPTION = typer.Option(DEFAULT_SAMPLE, "--sample", "-n", help="Documents to sample.")
SINCE_OPTION = typer.Option(
    None, "--since", help="Only sample documents newer than this date (YYYY-MM-DD or ISO)."
)
SINCE_FIELD_OPTION = typer.Option(
    None,
    "--since-field",
    help="Date field --since applies to (default: the contract's freshness column).",
)
FROM_JSON_OPTION = typer.Option(
    None,
    "--from-json",
    help="Read documents from Extended JSON files (COLLECTION.json) instead of a server.",
)


def parse_since(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"bad date {text!r}: expected YYYY-MM-DD or ISO 8601",
                         where="--since") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def open_documents(uri: str | None, db: str | None, from_json: Path | None):
    """The document source the options name: a live database or Extended JSON files."""
    if from_json is not None:
        return JsonDocuments(from_json, db)
    if not db:
        raise InputError("which database? pass --db NAME", where="--db")
    return LiveDocuments(connect(uri), db)


def contract_name(collection: str) -> str:
    """`user_activities` -> `UserActivity`: the Mongoose model name the app would use."""
    words = [w for w in collection.replace("-", "_").split("_") if w]
    if words:
        last = words[-1]
        if last.endswith("ies") and len(last) > 4:
            last = last[:-3] + "y"
        elif last.endswith("s") and not last.endswith("ss") and len(last) > 3:
            last = last[:-1]
        words[-1] = last
    return "".join(w[:1].upper() + w[1:] for w in words) or collection


def existing_mongo_contracts(directory: Path) -> list[Contract]:
    if not Path(directory).is_dir():
        return []
    return [c for c in load_contracts(directory) if c.source.kind == "mongodb"]


@guarded
def derive_mongo(
    uri: str | None = URI_OPTION,
    db: str | None = typer.Option(
        None, "--db", help="Database name (with --from-json: recorded in the contracts)."
    ),
    collections: list[str] | None = COLLECTION_OPTION,
    sample_size: int = SAMPLE_OPTION,
    since: str | None = SINCE_OPTION,
    since_field: str | None = SINCE_FIELD_OPTION,
    required_ratio: float | None = typer.Option(
        None,
        "--required-ratio",
        help="Share of documents a field needs to be required (default: the contract's, 0.99).",
    ),
    version_field: str | None = typer.Option(
        None, "--version-field", help="Schema-version field (default: schemaVersion, then __v)."
    ),
    enum_max_distinct: int = typer.Option(
        20, "--enum-max-distinct", help="A string field with at most this many values ..."
    ),
    enum_max_ratio: float = typer.Option(
        0.1, "--enum-max-ratio", help="... that are at most this share of its values is enum-like."
    ),
    from_json: Path | None = FROM_JSON_OPTION,
    out: Path = typer.Option(Path("contracts"), "--out", "-o", help="Folder to write to."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Derive one contract per collection from sampled documents, keeping hand edits."""
    from wdguard.contracts.merge import merge
    from wdguard.contracts.mongo_infer import InferOptions, keep_stable_stats, profile, to_contract

    if required_ratio is not None and not 0 < required_ratio <= 1:
        raise InputError("must be in (0, 1]", where="--required-ratio")
    since_at = parse_since(since)
    source = open_documents(uri, db, from_json)
    existing = existing_mongo_contracts(out)
    names = collections or source.collections()
    if not names:
        raise InputError("no collections to sample", where=source.label)

    results: list[tuple[Contract, Contract | None]] = []
    for collection in names:
        old = next((c for c in existing if c.source.collection == collection), None)
        old_mongo = old.mongo if old else None
        options = InferOptions(
            required_ratio=required_ratio or (old_mongo.required_ratio if old_mongo else 0.99),
            version_field=version_field or (old_mongo.schema_version_field if old_mongo else None),
            enum_max_distinct=enum_max_distinct,
            enum_max_ratio=enum_max_ratio,
        )
        field = since_field or (old.freshness.column if old and old.freshness else None)
        docs = source.sample(collection, sample_size, since_at, field)
        if not docs:
            raise InputError(f"collection {collection!r} has no documents to sample",
                             where=source.label)
        prof = profile(docs, options.version_field)
        derived = to_contract(
            prof,
            name=old.contract if old else contract_name(collection),
            database=source.database,
            collection=collection,
            options=options,
        )
        results.append((keep_stable_stats(old, merge(old, derived)), old))

    written = []
    for contract, old in results:  # everything computed: now write
        path = Path(out) / f"{contract.contract}.yaml"
        text = dump_contract(contract)
        changed = not path.exists() or path.read_text(encoding="utf-8") != text
        if changed:
            atomic_write_text(path, text)
        written.append((contract, old, path, changed))
    if written:
        write_schema_file(Path(out))

    if fmt is OutputFormat.json:
        print_json(
            {
                "source": source.label,
                "contracts": [
                    {
                        "contract": c.contract,
                        "collection": c.source.collection,
                        "file": str(path),
                        "version": c.version,
                        "fields": len(c.columns),
                        "sample_size": c.mongo.sample_size if c.mongo else None,
                        "status": "new" if old is None else "changed" if changed else "unchanged",
                    }
                    for c, old, path, changed in written
                ],
            }
        )
        return
    table = Table(title=f"Mongo contracts from {source.label}", title_justify="left")
    for header in ("contract", "collection", "v", "fields", "sampled", "file", "status"):
        table.add_column(header)
    for c, old, path, changed in written:
        status = "new" if old is None else "changed" if changed else "unchanged"
        table.add_row(
            c.contract,
            c.source.collection or "",
            str(c.version),
            str(len(c.columns)),
            str(c.mongo.sample_size if c.mongo else ""),
            str(path),
            status,
        )
    console.print(table)
