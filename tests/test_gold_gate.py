"""The gold gate on the generated sample lake: clean days pass all three layers, each gold
fault closes the gold gate named to its table and column and fires nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wdguard.cli import app
from wdguard.contracts.gold import load_gold_contracts
from wdguard.contracts.io import load_contracts
from wdguard.gate import run_gate
from wdguard.lake.storage import LocalStore
from wdguard.sample.faults_gold import GOLD_FAULTS, inject_gold
from wdguard.sample.generate import generate_lake

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "contracts"
ROWS = 0.05
LAST = "2026-11-26"

# the gold check kinds each fault may fire (a fan-out also doubles counts and sums)
CAUGHT_BY = {
    "dropped_fact_rows": {"reconcile_count", "reconcile_sum"},
    "fanout_duplicates": {"gold_grain", "reconcile_count", "reconcile_sum"},
    "orphan_dim_key": {"gold_orphan_key"},
    "unknown_member_share": {"gold_unknown_share"},
    "dimtime_gap": {"calendar_gap"},
    "two_current_rows": {"scd2_current"},
    "overlapping_scd2": {"scd2_interval"},
    "measure_mismatch": {"reconcile_sum"},
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    root = tmp_path_factory.mktemp("gold-lake")
    result = generate_lake(
        LocalStore(root),
        load_contracts(CONTRACTS),
        rows=ROWS,
        days=2,
        gold=load_gold_contracts(CONTRACTS),
    )
    return root, result.dates


@pytest.fixture
def lake(pristine, tmp_path):
    root, _ = pristine
    shutil.copytree(root, tmp_path / "lake")
    return LocalStore(tmp_path / "lake")


def _not_passing(record):
    return [c for c in record.checks if c.status in ("fail", "error")]


def test_fault_table_covers_every_injector():
    assert set(CAUGHT_BY) == set(GOLD_FAULTS)


def test_every_clean_day_passes_all_three_layers(pristine, lake):
    _, dates = pristine
    for day in dates:
        record = run_gate(lake, day, layers=["bronze", "silver", "gold"], contracts_dir=CONTRACTS)
        assert record.exit_code == 0, (day, [(c.id, c.message) for c in _not_passing(record)])
        gold = [c for c in record.checks if c.layer == "gold"]
        assert gold and all(c.status == "pass" for c in gold), [
            (c.id, c.status, c.message) for c in gold if c.status != "pass"
        ]
        assert {p.object for p in record.partitions if p.layer == "gold"} == {
            g.gold for g in load_gold_contracts(CONTRACTS)
        }


@pytest.mark.parametrize("name", sorted(GOLD_FAULTS))
def test_each_gold_fault_closes_the_gold_gate_and_nothing_else(lake, name):
    fault = inject_gold(name, lake, LAST, load_gold_contracts(CONTRACTS))
    record = run_gate(lake, LAST, layers=["gold"], contracts_dir=CONTRACTS, write=False)
    bad = _not_passing(record)
    assert record.exit_code == 1, [(c.id, c.message) for c in bad]
    assert {c.object for c in bad} == {fault.object}, [(c.id, c.message) for c in bad]
    assert {c.check for c in bad} <= CAUGHT_BY[name], [(c.id, c.message) for c in bad]
    assert fault.check in {c.check for c in bad}
    if fault.column:
        assert any(c.column and fault.column in c.column.split(",") for c in bad)
    assert all(c.severity == "error" and c.code.startswith("WDG07") for c in bad)


def test_a_gold_fault_leaves_the_pre_gold_gate_open(lake):
    inject_gold("fanout_duplicates", lake, LAST, load_gold_contracts(CONTRACTS))
    record = run_gate(lake, LAST, layers=["bronze", "silver"], contracts_dir=CONTRACTS)
    assert record.exit_code == 0, [(c.id, c.message) for c in _not_passing(record)]


def test_reconcile_finding_names_table_column_silver_contract_and_both_numbers(lake):
    inject_gold("measure_mismatch", lake, LAST, load_gold_contracts(CONTRACTS))
    record = run_gate(lake, LAST, layers=["gold"], contracts_dir=CONTRACTS, write=False)
    (c,) = _not_passing(record)
    assert (c.check, c.code, c.object, c.column) == (
        "reconcile_sum",
        "WDG074",
        "FactOrders",
        "amount",
    )
    gold, silver = c.details["gold"], c.details["silver"]
    assert float(gold) - float(silver) == pytest.approx(1.0)
    assert c.message.startswith("FactOrders: sum(amount) ")
    assert " != silver Order sum(total_amount) " in c.message
    assert c.message.endswith(f"(status <> 'CANCELLED', created_at on {LAST})")
    assert c.details["silver_contract"] == "Order"


def test_missing_gold_partition_fails_and_its_references_are_skipped(lake):
    for f in lake.list(f"gold/DimLocation/{LAST}"):
        lake.delete(f)
    record = run_gate(lake, LAST, layers=["gold"], contracts_dir=CONTRACTS, write=False)
    bad = _not_passing(record)
    assert record.exit_code == 1
    assert [(c.check, c.object) for c in bad] == [("partition_missing", "DimLocation")]
    skipped = {(c.object, c.column) for c in record.checks if c.status == "skipped"}
    assert ("FactWasteCollection", "location_key") in skipped


def test_no_gold_for_the_date_is_undecided(lake):
    record = run_gate(lake, "2026-11-01", layers=["gold"], contracts_dir=CONTRACTS, write=False)
    assert record.exit_code == 2
    assert "no gold partitions for date 2026-11-01" in record.errors[0]


def test_cli_check_layer_gold_and_validate(lake, tmp_path):
    runner = CliRunner()
    args = ["check", "--lake", str(lake.root), "--date", LAST, "--layer", "gold",
            "--contracts", str(CONTRACTS)]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    inject_gold("dimtime_gap", lake, LAST, load_gold_contracts(CONTRACTS))
    out = runner.invoke(app, args)
    assert out.exit_code == 1 and "calendar_gap" in out.output
    ok = runner.invoke(app, ["contracts", "validate", "--contracts", str(CONTRACTS)])
    assert ok.exit_code == 0 and "24 contracts" in ok.output


def test_validate_names_bad_gold_contracts(tmp_path):
    folder = tmp_path / "contracts"
    shutil.copytree(CONTRACTS, folder)
    orders = folder / "gold" / "FactOrders.yaml"
    orders.write_text(
        orders.read_text()
        .replace("dimension: DimUsers", "dimension: DimUser")
        .replace("silver: total_amount", "silver: total")
    )
    tc = folder / "gold" / "FactWasteCollection.yaml"
    tc.write_text(tc.read_text().replace("owner: data-platform", "owner: data-platform\ntol: 1"))
    out = CliRunner().invoke(app, ["contracts", "validate", "--contracts", str(folder)])
    assert out.exit_code == 2
    text = out.stderr if hasattr(out, "stderr") else out.output
    assert "FactWasteCollection.yaml:6: tol: unknown key" in text
    assert "FactOrders.yaml: user_key references unknown dimension 'DimUser'" in text
    assert "reconcile names column(s) total that Order does not have" in text
    record = run_gate(LocalStore(tmp_path / "l"), LAST, layers=["gold"], contracts_dir=folder,
                      write=False)  # fmt: skip
    assert record.exit_code == 2


def test_nightly_report_shows_the_gold_gate_per_day(pristine, lake):
    from wdguard.report.nightly import build_report
    from wdguard.report.render_md import render_markdown

    _, dates = pristine
    for day in dates:
        run_gate(lake, day, layers=["bronze", "silver"], contracts_dir=CONTRACTS)
    run_gate(lake, dates[0], layers=["gold"], contracts_dir=CONTRACTS)
    inject_gold("orphan_dim_key", lake, LAST, load_gold_contracts(CONTRACTS))
    run_gate(lake, LAST, layers=["gold"], contracts_dir=CONTRACTS)
    r = build_report(lake, LAST, days=2)
    assert r["gate"]["today"]["verdict"] == "pass"  # the pre-gold gate of the day
    gold = r["gate"]["gold"]
    assert [d["verdict"] for d in gold["days"]] == ["pass", "fail"]
    assert [c["check"] for c in gold["today"]["failing"]] == ["gold_orphan_key"]
    assert r["status"] == "failed" and "gold gate FAILED" in r["headline"]
    md = render_markdown(r)
    assert "## Gold gate (after the build)" in md and "FactOrders.user_key" in md


def test_a_gold_table_without_contract_is_a_warning(lake):
    lake.write_bytes(f"gold/FactRefunds/{LAST}/part-00000.parquet", b"PAR1")
    record = run_gate(lake, LAST, layers=["gold"], contracts_dir=CONTRACTS, write=False)
    assert record.exit_code == 0
    (c,) = _not_passing(record)
    assert (c.check, c.object, c.severity) == ("unexpected_object", "FactRefunds", "warn")


@pytest.mark.azurite
def test_gold_gate_on_azurite(azurite):
    from tests.fixtures_azurite import new_azure_store

    store = new_azure_store(azurite)
    try:
        gold = load_gold_contracts(CONTRACTS)
        generate_lake(store, load_contracts(CONTRACTS), rows=ROWS, days=1, gold=gold)
        clean = run_gate(store, LAST, layers=["gold"], contracts_dir=CONTRACTS, write=False)
        assert clean.exit_code == 0, [(c.id, c.message) for c in _not_passing(clean)]
        inject_gold("measure_mismatch", store, LAST, gold)
        record = run_gate(store, LAST, layers=["gold"], contracts_dir=CONTRACTS)
        assert [(c.check, c.column) for c in _not_passing(record)] == [("reconcile_sum", "amount")]
        assert store.list(f"_wdguard/runs/{LAST}")
    finally:
        store._cc.delete_container()
