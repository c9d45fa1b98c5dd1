"""`wdguard demo`: the main job on the built-in sample data.

Derives the WasteDump contracts from the bundled Prisma schema and shows them, then
generates the seeded sample lake (a temporary folder, or `--lake DIR` to keep it) with
its gold layer, and shows the three gates of a day: the pre-gold gate on a clean day
(expected exit 0), the gold gate after that day's build (expected exit 0), the pre-gold
gate on a day with realistic injected faults (expected exit 1: gold must not be built),
and the gold gate on a day whose gold build went wrong (expected exit 1). The demo exits
0 when every verdict is as expected.
"""

from __future__ import annotations

import os
import shlex
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
# what a broken gold build makes: a fan-out join and a late dimension row
DEMO_GOLD_FAULTS = ("fanout_duplicates", "orphan_dim_key")
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
    if (src / "gold").is_dir():
        shutil.copytree(src / "gold", dest / "gold", dirs_exist_ok=True)
    return dest


def mongoose_declared() -> dict:
    """The Mongo contracts derived from WasteDump's Mongoose models (fixtures/mongoose),
    and their declared-vs-observed drift against the fixture documents (fixtures/mongo)."""
    from wdguard.contracts.mongoose_derive import derive_models
    from wdguard.drift.mongo_diff import drift_collection
    from wdguard.sources.mongo import JsonDocuments

    models = fixtures_dir() / "mongoose"
    derivation = derive_models([models], database="wastedump")
    if derivation.failures:
        raise InputError(str(derivation.failures[0]), where=str(models))
    source = JsonDocuments(fixtures_dir() / "mongo", "wastedump")
    findings = []
    for model in derivation.models:
        found, _ = drift_collection(source, model.contract, size=100_000)
        findings.extend(found)
    return {
        "models": str(models),
        "contracts": [m.contract for m in derivation.models],
        "warnings": derivation.warnings,
        "findings": findings,
    }


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
        "summary": record.summary.model_dump(),
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
    """Generate the lake (with gold) and run the three gates of a day; the facts of each run."""
    from wdguard.contracts.gold import load_gold_contracts
    from wdguard.gate import run_gate
    from wdguard.lake.storage import LocalStore
    from wdguard.sample.faults import inject
    from wdguard.sample.faults_gold import inject_gold
    from wdguard.sample.generate import generate_lake

    lake.mkdir(parents=True, exist_ok=True)
    store = LocalStore(lake)
    all_contracts = load_contracts(fixtures_dir().parent / "contracts")
    sources = {c.source.kind for c in all_contracts}
    gold = load_gold_contracts(fixtures_dir().parent / "contracts")
    generated = generate_lake(store, all_contracts, rows=DEMO_ROWS, gold=gold)
    sources = {p.source for p in generated.partitions} & sources
    contracts_dir = _lake_contracts(work / "contracts", sources)
    contracts = load_contracts(contracts_dir)
    gold_day, clean_day, bad_day = generated.dates[-3:]
    clean = run_gate(store, clean_day, contracts_dir=contracts_dir)
    clean_gold = run_gate(store, clean_day, layers=["gold"], contracts_dir=contracts_dir)
    faults = [inject(name, store, bad_day, contracts).to_dict() for name in DEMO_FAULTS]
    faulty = run_gate(store, bad_day, contracts_dir=contracts_dir)
    gold_faults = [inject_gold(name, store, gold_day, gold).to_dict() for name in DEMO_GOLD_FAULTS]
    faulty_gold = run_gate(store, gold_day, layers=["gold"], contracts_dir=contracts_dir)
    return {
        "lake": str(lake),
        "dates": generated.dates,
        "clean": clean,
        "clean_gold": clean_gold,
        "faulty": faulty,
        "faults": faults,
        "faulty_gold": faulty_gold,
        "gold_faults": gold_faults,
        "ok": clean.exit_code == 0
        and clean_gold.exit_code == 0
        and faulty.exit_code == 1
        and faulty_gold.exit_code == 1,
    }


LINT_EXAMPLE = "20240820094500_order_status_user_created_idx"  # WDL101: no CONCURRENTLY


def _shown(path: Path) -> str:
    """A path as the user would type it from where they are: relative below the current
    folder, else absolute; quoted for the shell."""
    path = Path(os.path.abspath(path))
    rel = os.path.relpath(path)
    return shlex.quote(path.as_posix() if rel.startswith("..") else Path(rel).as_posix())


def next_commands(lake: Path | None, bad_day: str) -> list[dict]:
    """What to try after the demo, each runnable exactly as printed from the current folder
    (a test runs them): gate the faulty day again, build its report, lint a migration.
    Without `--lake` the sample lake is gone, so the first step keeps one."""
    steps = []
    if lake is None:
        lake = Path("demo_lake")
        steps.append({"command": f"wdguard demo --lake {_shown(lake)}", "exit_code": 0,
                      "why": "the same demo, keeping the sample lake in ./demo_lake"})
    contracts = _shown(fixtures_dir().parent / "contracts")
    where = f"--lake {_shown(lake)}"
    steps += [
        {"command": f"wdguard check {where} --date {bad_day} --contracts {contracts}",
         "exit_code": 1, "why": "gate the faulty day again: FAIL, gold must not be built"},
        {"command": f"wdguard report nightly {where} --date {bad_day} --contracts {contracts}"
                   f" --out {_shown(Path('demo_report'))}",
         "exit_code": 1, "why": "the nightly report of that day: report.md, report.html"},
        {"command": f"wdguard migrations lint "
                    f"{_shown(fixtures_dir() / 'prisma' / 'migrations' / LINT_EXAMPLE)}"
                    f" --contracts {contracts}",
         "exit_code": 0, "why": "lint a migration: an index built without CONCURRENTLY"},
    ]
    return steps


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
    declared = mongoose_declared()
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
                "mongoose": {
                    "models": declared["models"],
                    "contracts": [contract_to_dict(c) for c in declared["contracts"]],
                    "warnings": declared["warnings"],
                    "drift": [f.to_dict() for f in declared["findings"]],
                },
                "lake": result["lake"] if lake else None,
                "dates": result["dates"],
                "clean": _summary(result["clean"]),
                "faulty": {**_summary(result["faulty"]), "faults": result["faults"]},
                "clean_gold": _summary(result["clean_gold"]),
                "faulty_gold": {
                    **_summary(result["faulty_gold"]),
                    "faults": result["gold_faults"],
                },
                "ok": result["ok"],
                "next": next_commands(lake, result["faulty"].inputs.date),
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
        names = ", ".join(c.contract for c in declared["contracts"])
        console.print(
            f"{len(declared['contracts'])} Mongo contracts derived from the Mongoose models in "
            f"{declared['models']} ({names}); declared vs observed on fixtures/mongo: "
            f"{len(declared['findings'])} finding(s)."
        )
        for f in declared["findings"]:
            console.print(f"  {f.code} {f.object}.{f.column}: {f.message}")
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
        console.print(
            f"\n[bold]3. The gold gate after the clean day's build "
            f"({result['clean_gold'].inputs.date}): expected PASS[/]"
        )
        render_text(result["clean_gold"])
        console.print(
            f"\n[bold]4. The gold gate after a broken gold build "
            f"({result['faulty_gold'].inputs.date}): expected FAIL[/]"
        )
        for f in result["gold_faults"]:
            console.print(
                f"  injected [yellow]{f['fault']}[/] into {f['contract']}"
                f"{'.' + f['column'] if f['column'] else ''}: {f['detail']}"
            )
        render_text(result["faulty_gold"])
        verdict = "as expected" if result["ok"] else "NOT as expected"
        console.print(
            f"\nDemo verdicts {verdict}: clean day exit {result['clean'].exit_code}, "
            f"its gold exit {result['clean_gold'].exit_code}, "
            f"faulty day exit {result['faulty'].exit_code}, "
            f"broken gold exit {result['faulty_gold'].exit_code}."
        )
        console.print("\n[bold]Next[/], from this folder (each line runs as printed):")
        for step in next_commands(lake, result["faulty"].inputs.date):
            console.print(f"  {step['command']}", markup=False, soft_wrap=True)
            console.print(f"    [dim]# {step['why']} (exit {step['exit_code']})[/]")
    if not result["ok"]:
        raise typer.Exit(1)
