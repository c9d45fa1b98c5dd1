"""`wdguard demo`: the main job on the built-in sample data.

Derives the WasteDump contracts from the bundled Prisma schema and shows them, then
generates the seeded sample lake (a temporary folder, or `--lake DIR` to keep it), runs
the gate on a clean day (expected exit 0) and on a day with realistic injected faults
(expected exit 1), and shows both. The demo exits 0 when both verdicts are as expected.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import typer

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, console, guarded, print_json
from wdguard.commands.check import render_text
from wdguard.commands.contracts import summary_table
from wdguard.contracts.io import contract_to_dict, load_contract, load_contracts
from wdguard.contracts.merge import fingerprint
from wdguard.contracts.model import Contract
from wdguard.contracts.prisma_derive import derive_contracts
from wdguard.errors import InputError

# realistic faults for the demo's bad day: what a broken extraction or app bug lands
DEMO_FAULTS = ("orphan_fk", "bad_enum_value", "stale_data", "row_count_off_by_one")  # manifest last
DEMO_ROWS = 0.2  # small factors leave some tables without a fresh row every day


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


def _lake_contracts(dest: Path, sources: set[str]) -> Path:
    """The reviewed contracts (with their hand rules) of the sources the lake holds."""
    src = fixtures_dir().parent / "contracts"
    if not src.is_dir():
        raise InputError("the WasteDump contracts folder is missing", where=str(src))
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.glob("*.yaml")):
        if load_contract(path).source.kind in sources:
            shutil.copy(path, dest / path.name)
    return dest


def _reviewed_contracts() -> dict[str, Contract]:
    folder = fixtures_dir().parent / "contracts"
    if not folder.is_dir():
        raise InputError("the WasteDump contracts folder is missing", where=str(folder))
    return {c.contract: c for c in load_contracts(folder)}


def _summary(record) -> dict:
    return {
        "date": record.inputs.date,
        "verdict": record.verdict,
        "exit_code": record.exit_code,
        "run_id": record.run_id,
        "checks": record.summary.checks,
        "failing": [
            {
                "code": c.code,
                "layer": c.layer,
                "contract": c.contract or c.object,
                "column": c.column,
                "check": c.check,
                "failing_rows": c.failing_rows,
                "message": c.message,
            }
            for c in record.checks
            if c.status in ("fail", "error")
        ],
    }


def run_demo_gate(lake: Path, work: Path) -> dict:
    """Generate the lake, gate a clean day and a faulty day; the facts of both runs."""
    from wdguard.gate import run_gate
    from wdguard.lake.storage import LocalStore
    from wdguard.sample.faults import inject
    from wdguard.sample.generate import generate_lake

    lake.mkdir(parents=True, exist_ok=True)
    store = LocalStore(lake)
    all_contracts = load_contracts(fixtures_dir().parent / "contracts")
    sources = {c.source.kind for c in all_contracts}
    generated = generate_lake(store, all_contracts, rows=DEMO_ROWS)
    sources = {p.source for p in generated.partitions} & sources
    contracts_dir = _lake_contracts(work / "contracts", sources)
    contracts = load_contracts(contracts_dir)
    clean_day, bad_day = generated.dates[-2], generated.dates[-1]
    clean = run_gate(store, clean_day, contracts_dir=contracts_dir)
    faults = [inject(name, store, bad_day, contracts).to_dict() for name in DEMO_FAULTS]
    faulty = run_gate(store, bad_day, contracts_dir=contracts_dir)
    return {
        "lake": str(lake),
        "dates": generated.dates,
        "clean": clean,
        "faulty": faulty,
        "faults": faults,
        "ok": clean.exit_code == 0 and faulty.exit_code == 1,
    }


@guarded
def demo(
    fmt: OutputFormat = FORMAT_OPTION,
    lake: Path | None = typer.Option(
        None,
        "--lake",
        help="Keep the generated sample lake in this folder (default: a temp folder).",
    ),
) -> None:
    """Derive the WasteDump contracts, generate the sample lake, gate a clean and a faulty day."""
    if lake is not None and lake.exists() and not lake.is_dir():
        raise InputError("not a folder", where=f"--lake {lake}")
    schema = fixture_schema()
    contracts = derive_contracts(schema)
    work = Path(tempfile.mkdtemp(prefix="wdguard-demo-"))
    try:
        result = run_demo_gate(lake or work / "lake", work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if fmt is OutputFormat.json:
        print_json(
            {
                "schema": str(schema),
                "contracts": [contract_to_dict(c) for c in contracts],
                "lake": result["lake"] if lake else None,
                "dates": result["dates"],
                "clean": _summary(result["clean"]),
                "faulty": {**_summary(result["faulty"]), "faults": result["faults"]},
                "ok": result["ok"],
            }
        )
    else:
        reviewed = _reviewed_contracts()
        same = [c for c in contracts if c.contract in reviewed
                and fingerprint(c) == reviewed[c.contract].fingerprint]
        console.print(
            f"{len(contracts)} contracts derived from {schema}: {len(same)} match the "
            f"reviewed contracts/ exactly (same fingerprint). The reviewed files add what "
            "people wrote by hand (rules, freshness, volume, bounds) and the Mongo contracts "
            "sampled from fixtures/mongo:"
        )
        console.print(summary_table(list(reviewed.values()), "contracts/"))
        where = result["lake"] if lake else "a temporary folder (use --lake DIR to keep it)"
        console.print(f"\nSample lake for {', '.join(result['dates'])} generated in {where}.")
        console.print(f"\n[bold]1. A clean day ({result['clean'].inputs.date}): expected PASS[/]")
        render_text(result["clean"])
        console.print(
            f"\n[bold]2. A day with injected faults ({result['faulty'].inputs.date}): "
            "expected FAIL[/]"
        )
        for f in result["faults"]:
            console.print(
                f"  injected [yellow]{f['fault']}[/] into {f['contract']}"
                f"{'.' + f['column'] if f['column'] else ''}: {f['detail']}"
            )
        render_text(result["faulty"])
        verdict = "as expected" if result["ok"] else "NOT as expected"
        console.print(
            f"\nDemo verdicts {verdict}: clean day exit {result['clean'].exit_code}, "
            f"faulty day exit {result['faulty'].exit_code}."
        )
    if not result["ok"]:
        raise typer.Exit(1)
