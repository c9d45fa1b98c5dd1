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
    fail,
    guarded,
    print_json,
)
from wdguard.contracts.io import contract_to_dict, dump_contract, load_contracts
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
    table = Table(title=f"{len(contracts)} contracts in {contracts_dir}", title_justify="left")
    for header in ("contract", "v", "source", "columns", "primary key", "rules"):
        table.add_column(header)
    for c in contracts:
        src = c.source
        where = f"{src.kind}:{src.schema_ + '.' if src.schema_ else ''}{c.object_name}"
        table.add_row(
            c.contract,
            str(c.version),
            where,
            str(len(c.columns)),
            ", ".join(c.primary_key),
            str(len(c.rules)),
        )
    console.print(table)


@guarded
def derive_prisma(
    schema: Path = typer.Argument(..., help="schema.prisma, or a folder of .prisma files."),
    out: Path = typer.Option(Path("contracts"), "--out", "-o", help="Folder to write to."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Derive one contract per model from a Prisma schema, keeping hand edits."""
    fail("`wdguard contracts derive prisma` is not built yet")
