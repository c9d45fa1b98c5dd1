"""`wdguard contracts derive mongoose`: contracts from Mongoose model files.

Reads model sources with tree-sitter (see `contracts/mongoose_derive.py`), merges each
model's declared facts into the existing contract of its collection (keeping what
samples observed and what reviewers wrote) and writes one contract per model. Every
contract is computed before any file is written. A file that does not parse is named
(file:line) and skipped; the others are still written, and the exit code is 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, console, guarded, print_json
from wdguard.commands.contracts_mongo import existing_mongo_contracts
from wdguard.contracts.io import atomic_write_text, dump_contract, write_schema_file
from wdguard.contracts.merge import merge_declared
from wdguard.contracts.model import Contract
from wdguard.errors import EXIT_UNDECIDED, InputError

if TYPE_CHECKING:  # tree-sitter loads only when the command runs
    from wdguard.contracts.mongoose_derive import Derivation


def derive_mongoose_contracts(
    paths: list[Path], out: Path, database: str | None = None
) -> tuple[Derivation, list[tuple[Contract, Contract | None, Path, bool]]]:
    """Derive, merge and write; returns the derivation and (contract, old, file, changed)
    per model. Nothing is written before every contract has been computed."""
    from wdguard.contracts.mongoose_derive import derive_models

    for path in paths:
        if not path.exists():
            raise InputError("no such file or folder", where=str(path))
    derivation = derive_models(paths, database=database)
    existing = existing_mongo_contracts(out)
    planned: list[tuple[Contract, Contract | None, Path]] = []
    for model in derivation.models:
        derived = model.contract
        old = next(
            (c for c in existing if c.source.collection == derived.source.collection), None
        ) or next((c for c in existing if c.contract == derived.contract), None)
        if old is not None and old.contract != derived.contract:
            derived = derived.model_copy(update={"contract": old.contract})
        if database is None and old is not None and old.source.database:
            derived = derived.model_copy(update={
                "source": derived.source.model_copy(update={"database": old.source.database})
            })
        contract = merge_declared(old, derived)
        planned.append((contract, old, Path(out) / f"{contract.contract}.yaml"))
    texts = [(c, old, path, dump_contract(c)) for c, old, path in planned]
    written = []
    for contract, old, path, text in texts:
        changed = not path.exists() or path.read_text(encoding="utf-8") != text
        if changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(path, text)
        written.append((contract, old, path, changed))
    if written:
        write_schema_file(Path(out))
    return derivation, written


@guarded
def derive_mongoose(
    paths: list[Path] = typer.Argument(
        ..., help="Model files (.js .mjs .cjs .ts) or folders to search for files using Schema."
    ),
    db: str | None = typer.Option(
        None, "--db", help="Database the collections live in (recorded in the contracts)."
    ),
    out: Path = typer.Option(Path("contracts"), "--out", "-o", help="Folder to write to."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Derive one contract per Mongoose model from its source, keeping sampled facts and
    hand edits. Exit 2 when a file does not parse (the other files are still derived)."""
    derivation, written = derive_mongoose_contracts(paths, out, db)
    if not derivation.models and not derivation.failures:
        raise InputError("no mongoose.model(...) found", where=" ".join(map(str, paths)))
    failures = [f"{f.file}:{f.line}: {f.message}; file skipped" for f in derivation.failures]

    def status(old: Contract | None, changed: bool) -> str:
        return "new" if old is None else "changed" if changed else "unchanged"

    if fmt is OutputFormat.json:
        print_json({
            "files": [str(p) for p in derivation.files],
            "contracts": [
                {
                    "contract": c.contract,
                    "model": c.mongoose.model if c.mongoose else c.contract,
                    "collection": c.source.collection,
                    "collection_from": c.mongoose.collection_from if c.mongoose else None,
                    "file": str(path),
                    "version": c.version,
                    "fields": len(c.columns),
                    "status": status(old, changed),
                }
                for c, old, path, changed in written
            ],
            "warnings": derivation.warnings,
            "not_applied": [x for c, *_ in written for x in (
                c.mongoose.not_applied if c.mongoose else [])],
            "errors": failures,
        })
    else:
        table = Table(title=f"Mongo contracts from {len(derivation.files)} model file(s)",
                      title_justify="left")
        for header in ("contract", "collection", "v", "fields", "model file", "file", "status"):
            table.add_column(header)
        for c, old, path, changed in written:
            table.add_row(
                c.contract,
                c.source.collection or "",
                str(c.version),
                str(len(c.columns)),
                f"{c.mongoose.file}:{c.mongoose.line}" if c.mongoose else "",
                str(path),
                status(old, changed),
            )
        console.print(table)
        for c, *_ in written:
            for item in c.mongoose.not_applied if c.mongoose else []:
                console.print(f"[yellow]not applied[/] to {c.contract}: {item}")
        for text in derivation.warnings:
            console.print(f"[yellow]warning:[/] {text}")
    for line in failures:
        sys.stderr.write(f"wdguard: error: {' '.join(line.split())}\n")
    if failures:
        raise typer.Exit(EXIT_UNDECIDED)
