"""Parity: the Spark engine and the Polars engine give the same run record.

On every day of the generated sample lake and for every built-in fault injector, both
engines must hold the same checks with the same status and the same failing-row counts,
and the same partition row counts and max timestamps. Any difference is a bug in one of
the two engines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_gate_lake import ROWS, _named, generated_contracts
from wdguard.contracts.io import load_contract, load_contracts
from wdguard.gate import run_gate
from wdguard.lake.storage import LocalStore
from wdguard.sample.faults import FAULTS, inject
from wdguard.sample.generate import generate_lake

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

ROOT = Path(__file__).resolve().parents[1]
LAST = "2026-11-26"


def verdicts(record) -> dict:
    return {c.id: (c.status, c.failing_rows) for c in record.checks}


def partitions(record) -> dict:
    return {
        (p.layer, p.object): (p.row_count, p.max_timestamps, p.exists)
        for p in record.partitions
    }


def assert_same(polars_record, spark_record) -> None:
    a, b = verdicts(polars_record), verdicts(spark_record)
    diff = {k: (a.get(k), b.get(k)) for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    assert not diff, f"polars vs spark: {diff}"
    assert partitions(polars_record) == partitions(spark_record)
    assert (polars_record.exit_code, polars_record.errors) == (
        spark_record.exit_code,
        spark_record.errors,
    )
    assert spark_record.inputs.engine == "spark" and "spark" in spark_record.versions
    assert polars_record.inputs.engine == "polars"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("lake")
    result = generate_lake(LocalStore(root), load_contracts(ROOT / "contracts"), rows=ROWS)
    folder = generated_contracts(tmp_path_factory.mktemp("c") / "contracts", result)
    return root, folder, result.dates


def test_every_sample_day_same_record_on_both_engines(sample, spark_engine, tmp_path):
    root, contracts, dates = sample
    lake = tmp_path / "lake"
    shutil.copytree(root, lake)
    store = LocalStore(lake)
    for day in dates:  # in order: each day's Polars record is the next days' volume history
        on_spark = run_gate(store, day, contracts_dir=contracts, engine=spark_engine, write=False)
        on_polars = run_gate(store, day, contracts_dir=contracts)
        assert on_polars.exit_code == 0
        assert_same(on_polars, on_spark)


def _subset(contracts: Path, name: str, dest: Path) -> Path:
    """The faulted contract and the ones it references: the rest of the day is the clean
    case the test above already compares."""
    files = {load_contract(p).contract: p for p in sorted(contracts.glob("*.yaml"))}
    keep = {name} | {fk.references for fk in load_contract(files[name]).references()}
    dest.mkdir()
    for c in keep & files.keys():
        shutil.copy(files[c], dest / files[c].name)
    return dest


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_fault_same_record_on_both_engines(sample, spark_engine, tmp_path, name):
    root, contracts, _ = sample
    lake = tmp_path / "lake"
    shutil.copytree(root, lake)
    store = LocalStore(lake)
    fault = inject(name, store, LAST, load_contracts(contracts))
    folder = _subset(contracts, fault.contract, tmp_path / "contracts")
    on_polars = run_gate(store, LAST, contracts_dir=folder, write=False)
    on_spark = run_gate(store, LAST, contracts_dir=folder, engine=spark_engine, write=False)
    assert on_spark.exit_code == 1 and _named(on_spark, fault), name
    assert_same(on_polars, on_spark)


@pytest.mark.parametrize("name", ["orphan_fk", "wrong_type"])
def test_generated_code_path_same_record(sample, spark_engine, with_codegen, tmp_path, name):
    """The session above runs Spark interpreted (fast on tiny data); a cluster generates
    code. The same fault, the same record with whole-stage code generation on."""
    assert with_codegen.conf.get("spark.sql.codegen.wholeStage") == "true"
    test_each_fault_same_record_on_both_engines(sample, spark_engine, tmp_path, name)
