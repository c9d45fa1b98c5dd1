"""The gate on H5's generated WasteDump sample lake: clean days pass, each injected fault
fails the gate named to its contract and column, locally and on Azurite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wdguard.contracts.io import load_contracts
from wdguard.gate import run_gate
from wdguard.lake.storage import LocalStore
from wdguard.sample.faults import FAULTS, inject
from wdguard.sample.generate import generate_lake

ROOT = Path(__file__).resolve().parents[1]
ROWS = 0.05  # small, but enough rows that every table has fresh activity each day
LAST = "2026-11-26"

# the gate's check kinds that may catch each fault (bronze and silver see it differently)
CAUGHT_BY = {
    "missing_partition": {"partition_missing"},
    "missing_file": {"file_missing"},
    "row_count_off_by_one": {"row_count"},
    "duplicate_pk": {"duplicate_pk"},
    "null_in_required": {"not_null"},
    "bad_enum_value": {"in_values"},
    "out_of_range": {"between"},
    "wrong_type": {"dtype", "castable"},
    "orphan_fk": {"orphan_fk"},
    "broken_rule": {"rule"},
    "stale_data": {"stale"},
    "volume_drop": {"volume_change"},
}


def generated_contracts(dest: Path, result) -> Path:
    """The contracts of the sources the generator wrote (it may not write Mongo yet)."""
    sources = {p.source for p in result.partitions}
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "contracts").glob("*.yaml")):
        (c,) = load_contracts_file(path)
        if c.source.kind in sources:
            shutil.copy(path, dest / path.name)
    return dest


def load_contracts_file(path: Path):
    from wdguard.contracts.io import load_contract

    return (load_contract(path),)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    root = tmp_path_factory.mktemp("lake")
    contracts = load_contracts(ROOT / "contracts")
    result = generate_lake(LocalStore(root), contracts, rows=ROWS)
    folder = generated_contracts(tmp_path_factory.mktemp("c") / "contracts", result)
    return root, folder, result.dates


def test_every_clean_generated_day_passes(pristine, tmp_path):
    root, contracts, dates = pristine
    lake = tmp_path / "lake"
    shutil.copytree(root, lake)
    store = LocalStore(lake)
    for day in dates:
        record = run_gate(store, day, contracts_dir=contracts)
        bad = [
            (c.id, c.message)
            for c in record.checks
            if c.status in ("fail", "error") and c.severity == "error"
        ]
        assert record.exit_code == 0, (day, bad)
        assert not record.errors
    assert len(store.list("_wdguard/runs")) == len(dates)


def _named(record, fault) -> list:
    return [
        c
        for c in record.checks
        if c.status == "fail"
        and c.check in CAUGHT_BY[fault.fault]
        and c.object == fault.object
        and (fault.column is None or c.column is None or fault.column in c.column.split(","))
    ]


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_injected_fault_fails_the_gate_named(pristine, tmp_path, name):
    root, contracts, _ = pristine
    lake = tmp_path / "lake"
    shutil.copytree(root, lake)
    store = LocalStore(lake)
    fault = inject(name, store, LAST, load_contracts(contracts))
    record = run_gate(store, LAST, contracts_dir=contracts)
    assert record.exit_code == 1, [c.id for c in record.checks if c.status != "pass"]
    hits = _named(record, fault)
    assert hits, (fault, [(c.id, c.message) for c in record.checks if c.status == "fail"])
    assert {c.contract for c in hits} == {fault.contract}
    assert all(c.severity == "error" for c in hits)
    if fault.column:
        assert any(c.column and fault.column in c.column for c in hits)


def test_unreadable_partition_in_generated_lake_is_undecided(pristine, tmp_path):
    root, contracts, _ = pristine
    lake = tmp_path / "lake"
    shutil.copytree(root, lake)
    victim = next((lake / "silver/postgres" / LAST / "orders").glob("part-*.parquet"))
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])  # truncated upload
    record = run_gate(LocalStore(lake), LAST, contracts_dir=contracts)
    assert (record.verdict, record.exit_code) == ("undecided", 2)
    (err,) = [c for c in record.checks if c.status == "error"]
    assert err.object == "orders" and f"silver/postgres/{LAST}/orders" in err.message


# one fault per store code path (listing, manifest, data, cross-partition, history): the
# whole list runs locally above; all twelve here would add ~30 s on two shared cores
AZURE_FAULTS = [
    "missing_partition",
    "missing_file",
    "row_count_off_by_one",
    "wrong_type",
    "orphan_fk",
    "volume_drop",
]


@pytest.mark.azurite
@pytest.mark.parametrize("name", [None, *AZURE_FAULTS])
def test_generated_lake_on_azurite(azurite, pristine, name):
    from tests.fixtures_azurite import new_azure_store

    _, contracts, _ = pristine
    store = new_azure_store(azurite)
    try:
        generate_lake(store, load_contracts(contracts), rows=ROWS, days=4)
        fault = inject(name, store, LAST, load_contracts(contracts)) if name else None
        record = run_gate(store, LAST, contracts_dir=contracts)
        if fault is None:
            assert record.exit_code == 0, [c.id for c in record.checks if c.status == "fail"]
        else:
            assert record.exit_code == 1 and _named(record, fault)
        assert store.list(f"_wdguard/runs/{LAST}")
    finally:
        store._cc.delete_container()
