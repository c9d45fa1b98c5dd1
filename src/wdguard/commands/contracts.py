"""`wdguard contracts show|derive prisma`: contracts as reviewed YAML."""

from __future__ import annotations

import sys
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
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 if a contract would change "
        "(schema.prisma changed but the contracts were not re-derived)."
    ),
    migrations: Path | None = typer.Option(
        None, "--migrations", help="Prisma migrations folder: each column added to an "
        "existing table records its migration (`added_by`). Default: migrations/ next to "
        "the schema, when present."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Derive one contract per model from a Prisma schema, keeping hand edits.

    Re-deriving keeps what reviewers added (rules, freshness, volume, descriptions, ...)
    and bumps a contract's version only when its derived part changed. Nothing is
    written when the schema does not parse.
    """
    from wdguard.api import derive_contracts

    # raises before anything is written
    result = derive_contracts(schema, out, prune=prune, write=not check,
                              migrations=migrations)
    stale = [r for r in result["contracts"] if r["status"] != "unchanged"] + result["orphaned"]
    code = 1 if check and stale else 0
    if fmt is OutputFormat.json:
        print_json({**result, "check": check, "exit_code": code} if check else result)
        raise typer.Exit(code)
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
    if check:
        console.print(
            f"[bold red]{len(stale)} contract(s) not re-derived:[/] run wdguard contracts "
            f"derive prisma {schema} --out {out}" if stale else "contracts are up to date"
        )
    raise typer.Exit(code)


def contract_problems(contracts_dir: Path) -> tuple[int, list[str]]:
    """Every problem of a contracts folder, one line each: unreadable or invalid files,
    rules that do not compile, foreign keys to contracts or columns that do not exist."""
    from wdguard.checks.rules import compile_rule  # polars: only when validating
    from wdguard.contracts.io import load_contract

    if not contracts_dir.is_dir():
        raise InputError("contracts folder not found", where=str(contracts_dir))
    problems: list[str] = []
    contracts: dict[str, Contract] = {}
    for path in sorted(contracts_dir.glob("*.y*ml")):
        try:
            contract = load_contract(path)
        except InputError as exc:
            problems.append(exc.one_line())
            continue
        if contract.contract in contracts:
            problems.append(f"{path}: contract {contract.contract!r} is defined twice")
        contracts[contract.contract] = contract
    for contract in contracts.values():
        where = contracts_dir / f"{contract.contract}.yaml"
        for rule in contract.rules:
            try:
                compile_rule(contract, rule.name, rule.sql)
            except InputError as exc:
                problems.append(exc.one_line())  # names the file and line of the rule
        for fk in contract.references():
            target = contracts.get(fk.references)
            if target is None:
                problems.append(f"{where}: foreign key {fk.name} references unknown contract "
                                f"{fk.references!r}")
                continue
            missing = [c for c in fk.ref_columns if c not in target.columns]
            missing += [c for c in fk.columns if c not in contract.columns]
            if missing:
                problems.append(f"{where}: foreign key {fk.name} names unknown column(s) "
                                f"{', '.join(missing)}")
    from wdguard.contracts.gold import gold_folder_problems

    gold_count, gold_lines = gold_folder_problems(contracts_dir, list(contracts.values()))
    return len(contracts) + gold_count, problems + gold_lines


@guarded
def validate(
    contracts_dir: Path = CONTRACTS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Check a contracts folder before review: files parse, rules compile, references resolve.

    Exit 0: every contract is valid. 2: one line per problem on stderr.
    """
    count, problems = contract_problems(contracts_dir)
    if fmt is OutputFormat.json:
        print_json({"contracts": count, "valid": not problems, "problems": problems})
    elif not problems:
        console.print(f"[green]{count} contracts in {contracts_dir} are valid[/]")
    for line in problems:
        sys.stderr.write(f"wdguard: error: {' '.join(line.split())}\n")
    if problems:
        raise typer.Exit(2)


@guarded
def schema() -> None:
    """Print the JSON Schema of a contract file (what derive writes as contract.schema.json).

    Editors use it to complete and check contracts: every derived file starts with
    `# yaml-language-server: $schema=contract.schema.json`."""
    from wdguard.contracts.io import schema_text

    sys.stdout.write(schema_text())
