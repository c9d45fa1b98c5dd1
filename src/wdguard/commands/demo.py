"""`wdguard demo`: the main job on the built-in sample data."""

from __future__ import annotations

from pathlib import Path

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, console, guarded, print_json
from wdguard.commands.contracts import summary_table
from wdguard.contracts.io import contract_to_dict
from wdguard.contracts.prisma_derive import derive_contracts
from wdguard.errors import InputError


def fixtures_dir() -> Path:
    """The repository's fixtures/ folder (the package is installed editable from the repo)."""
    return Path(__file__).resolve().parents[3] / "fixtures"


def fixture_schema() -> Path:
    path = fixtures_dir() / "prisma" / "schema.prisma"
    if not path.is_file():
        raise InputError(
            "the WasteDump fixture schema is missing; `wdguard demo` needs a source checkout "
            "installed with `pip install -e .`",
            where=str(path),
        )
    return path


@guarded
def demo(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Derive the WasteDump contracts from the bundled fixtures and show them."""
    schema = fixture_schema()
    contracts = derive_contracts(schema)
    if fmt is OutputFormat.json:
        print_json({"schema": str(schema), "contracts": [contract_to_dict(c) for c in contracts]})
        return
    title = f"{len(contracts)} WasteDump contracts derived from {schema}"
    console.print(summary_table(contracts, title))
