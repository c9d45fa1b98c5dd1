"""`wdguard contracts show|derive prisma`: contracts as reviewed YAML."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.syntax import Syntax
from rich.table import Table

from wdguard.commands._common import (
    FORMAT_OPTION,
    OutputFormat,
    console,
    guarded,
    print_json,
)
from wdguard.contracts.io import contract_to_dict, dump_contract, load_contracts
from wdguard.contracts.model import Contract
from wdguard.contracts.prisma_derive import derive_contracts
from wdguard.contracts.sync import sync_contracts
from wdguard.errors import InputError

CONTRACTS_OPTION = typer.Option(
    Path("contracts"), "--contracts", "-c", help="Folder of contract YAML files."
)


@guarded
def show(
    name: str | None = typer.Argument(None, help="Contract to show; all when omitted."),
    contracts_dir: Path = CONTRACTS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Show one contract in full, or a summary of all of them."""
    contracts = load_contracts(contracts_dir)
    if name is not None:
        found = [c for c in contracts if c.contract == name or c.object_name == name]
        if not found:
            raise InputError(f"no contract named {name!r}", where=str(contracts_dir))
        contract = found[0]
        if fmt is OutputFormat.json:
            print_json(contract_to_dict(contract))
        else:
            console.print(Syntax(dump_contract(contract), "yaml", theme="ansi_dark"))
        return
    if fmt is OutputFormat.json:
        print_json([contract_to_dict(c) for c in contracts])
        return
    console.print(summary_table(contracts, f"{len(contracts)} contracts in {contracts_dir}"))


def summary_table(contracts: list[Contract], title: str) -> Table:
    """One row per contract: where it lives, its size, its keys and rules."""
    table = Table(title=title, title_justify="left")
    for header in ("contract", "v", "source", "cols", "key", "fks", "rules"):
        table.add_column(header)
    for c in contracts:
        src = c.source
        where = f"{src.kind}:{src.schema_ + '.' if src.schema_ else ''}{c.object_name}"
        table.add_row(
            c.contract,
            str(c.version),
            where + (" (view)" if src.view else ""),
            str(len(c.columns)),
            ", ".join(c.primary_key),
            str(len(c.foreign_keys)),
            str(len(c.rules)),
        )
    return table


@guarded
def derive_prisma(
    schema: Path = typer.Argument(..., help="schema.prisma, or a folder of .prisma files."),
    out: Path = typer.Option(Path("contracts"), "--out", "-o", help="Folder to write to."),
    prune: bool = typer.Option(
        False, "--prune", help="Delete contracts whose Prisma model no longer exists."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Derive one contract per model from a Prisma schema, keeping hand edits.

    Re-deriving keeps what reviewers added (rules, freshness, volume, descriptions, ...)
    and bumps a contract's version only when its derived part changed. Nothing is
    written when the schema does not parse.
    """
    derived = derive_contracts(schema)  # raises before anything is written
    result = sync_contracts(derived, out, kind="postgres", prune=prune)
    result = {"schema": str(schema), **result}
    if fmt is OutputFormat.json:
        print_json(result)
        return
    table = Table(
        title=f"{len(result['contracts'])} contracts from {schema} -> {out}", title_justify="left"
    )
    for header in ("contract", "file", "status", "version"):
        table.add_column(header)
    for row in result["contracts"]:
        table.add_row(row["contract"], row["file"], row["status"], str(row["version"]))
    console.print(table)
    for row in result["orphaned"]:
        action = "deleted (--prune)" if row["pruned"] else "kept; --prune deletes it"
        console.print(
            f"[yellow]no model {row['contract']} in the schema any more:[/] {row['file']} {action}"
        )
