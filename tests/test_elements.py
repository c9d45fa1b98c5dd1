"""Array-element paths (`tags[]`, `photos[].url`, `metadata.items[].productId`, `a[].b[]`):
checked on both engines, counted per document and per element, faults named.

The lake is small and Mongo-only (plus Product, which `metadata.items[].productId`
references); Review gets a nested array (`photos[].labels[]`) so nested paths are
exercised in bronze (structs) and silver (JSON text) alike.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from wdguard.checks.elements import label, parse
from wdguard.checks.engines import check_partition
from wdguard.contracts.io import load_contract, load_contracts, parse_contract_text
from wdguard.gate import run_gate
from wdguard.lake.storage import LocalStore
from wdguard.sample.faults_elements import DOCS, ELEMENT_FAULTS, inject_elements
from wdguard.sample.generate import generate_lake

ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-11-26"
NESTED = """
  photos[].labels: {type: list, nullable: false, items: enum}
  photos[].labels[]: {type: enum, nullable: false, values: [bag, bin, skip], severity: error}
"""


def _contracts(dest: Path) -> Path:
    dest.mkdir()
    for name in ("PickupTracking", "Review", "UserActivity", "Product", "Merchant", "User"):
        text = (ROOT / "contracts" / f"{name}.yaml").read_text()
        if name == "Review":
            text = text.replace("\n  photos[].url:", NESTED.rstrip("\n") + "\n  photos[].url:")
        (dest / f"{name}.yaml").write_text(text)
    return dest


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    """(lake root, contracts folder, clean copy of the faulted day's lake)."""
    contracts = _contracts(tmp_path_factory.mktemp("c") / "contracts")
    root = tmp_path_factory.mktemp("lake")
    generate_lake(LocalStore(root), load_contracts(contracts), rows=0.3, days=2,
                  layers=("bronze", "silver"))
    return root, contracts


@pytest.fixture(scope="module")
def faulted(lake, tmp_path_factory):
    """The lake with every element fault injected into the last day (different paths)."""
    root, contracts = lake
    copy = tmp_path_factory.mktemp("faulted")
    shutil.copytree(root, copy, dirs_exist_ok=True)
    store = LocalStore(copy)
    faults = [inject_elements(n, store, DAY, load_contracts(contracts)) for n in ELEMENT_FAULTS]
    return store, contracts, faults


def _array_checks(record):
    return [c for c in record.checks if "[]" in (c.column or "")]


def test_clean_day_checks_every_array_path_and_skips_none(lake):
    root, contracts = lake
    record = run_gate(LocalStore(root), DAY, contracts_dir=contracts, write=False)
    checks = _array_checks(record)
    assert record.exit_code == 0
    assert {c.column for c in checks} >= {"tags[]", "photos[].url", "photos[].labels[]",
                                          "metadata.items[].productId",
                                          "location.coordinates[]"}
    assert [c.id for c in checks if c.status != "pass"] == []
    fk = [c for c in checks if c.check == "orphan_fk"]
    assert {(c.layer, c.column) for c in fk} == {
        ("bronze", "metadata.items[].productId"), ("silver", "metadata.items[].productId")}


def _named(record, fault) -> dict:
    """layer -> the failing check that names the fault."""
    return {
        c.layer: c
        for c in record.checks
        if c.status == "fail" and c.object == fault.object and c.column == fault.column
        and c.check == fault.check
    }


def test_each_element_fault_is_named_per_document_with_its_element(faulted):
    store, contracts, faults = faulted
    record = run_gate(store, DAY, contracts_dir=contracts, write=False)
    assert record.exit_code == 1
    for fault in faults:
        named = _named(record, fault)
        assert set(named) == {"bronze", "silver"}, fault.fault
        for check in named.values():
            assert check.failing_rows == DOCS, (fault.fault, check.message)
            assert check.details["failing_elements"] >= DOCS
            sample = check.sample_keys[0]
            assert sample["_id"] and sample["element"].startswith(fault.column.split("[]")[0] + "[")
    # nothing else fails: one fault trips one check per layer
    failing = {(c.layer, c.column, c.check) for c in record.checks if c.status == "fail"}
    assert failing == {(lay, f.column, f.check) for f in faults for lay in ("bronze", "silver")}


def test_samples_name_the_document_and_the_element_index(faulted):
    store, contracts, faults = faulted
    record = run_gate(store, DAY, contracts_dir=contracts, write=False)
    by = {(c.layer, c.column, c.check): c for c in record.checks}
    url = next(f for f in faults if f.fault == "element_null_field").column
    sample = by[("silver", url, "not_null")].sample_keys[0]["element"]
    assert sample == f"{label(parse(url), [0])} is null"
    enum = by[("bronze", "tags[]", "in_values")].sample_keys[0]["element"]
    assert enum.startswith("tags[") and enum.endswith("] = 'eco_friendly'")
    nested = by[("bronze", "photos[].labels[]", "in_values")].sample_keys[0]["element"]
    assert nested.startswith("photos[") and nested.endswith("].labels[0] = 'crate'")


def test_quarantine_is_per_document(faulted):
    store, contracts, faults = faulted
    contract = load_contract(contracts / "Review.yaml")
    part = f"silver/mongodb/{DAY}/reviews"
    lf = pl.scan_parquet(str(Path(store.root) / part / "*.parquet"))
    result = check_partition(lf, contract, "silver", where=part, quarantine=True)
    bad = result.quarantine.collect()
    docs = lf.select(pl.len()).collect().item()
    assert 0 < bad.height < docs
    assert bad["_id"].is_unique().all()  # one row per document, not per element
    reasons = {r for rs in bad["_wdguard_reasons"].to_list() for r in rs}
    assert "tags[]:in_values" in reasons and "photos[].labels[]:in_values" in reasons


def _nested_frame():
    contract = parse_contract_text(
        """
contract: T
source: {kind: mongodb, collection: t}
primary_key: [_id]
columns:
  _id: {type: string, nullable: false}
  a: {type: list, items: object, min_items: 1, max_items: 2}
  a[]: {type: object, nullable: false}
  a[].b: {type: list, items: integer}
  a[].b[]: {type: integer, nullable: false, min: 0}
""",
        "T.yaml",
    )
    rows = {
        "_id": ["d0", "d1", "d2", "d3", "d4"],
        "a": [
            [{"b": [1, 2]}, {"b": [-1, None, -3]}],  # 2 below min, 1 null
            [{"b": []}, None],  # a null element
            [],  # too few elements
            None,  # no array: nothing to check
            [{"b": None}, {"b": [5]}, {"b": [0]}],  # too many elements
        ],
    }
    return contract, pl.DataFrame(rows)


def _by_label(result) -> dict:
    return {o.spec.label: o for o in result.outcomes}


def test_nested_arrays_count_documents_and_elements_on_polars():
    contract, df = _nested_frame()
    got = _by_label(check_partition(df.lazy(), contract, "bronze", where="t"))
    between = got["a[].b[]:between"]
    assert (between.failing_rows, between.details["failing_elements"]) == (1, 2)
    assert between.sample_keys == [{"_id": "d0", "element": "a[1].b[0] = -1"}]
    assert (got["a[].b[]:not_null"].failing_rows, got["a[]:not_null"].failing_rows) == (1, 1)
    assert got["a[]:not_null"].sample_keys == [{"_id": "d1", "element": "a[1] is null"}]
    assert got["a:array_length"].failing_rows == 2  # d2 (none) and d4 (three)
    assert all(o.status != "skipped" for o in got.values())


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_nested_arrays_same_on_spark(spark_engine):
    contract, df = _nested_frame()
    polars = _by_label(check_partition(df.lazy(), contract, "bronze", where="t"))
    frame = spark_engine.spark.createDataFrame(df.to_arrow())
    with spark_engine.running():
        spark = _by_label(spark_engine.check_partition(
            frame, contract, "bronze", where="t", sample_keys=5, quarantine=False))
    assert {k: (o.status, o.failing_rows, o.details, o.sample_keys) for k, o in spark.items()} == {
        k: (o.status, o.failing_rows, o.details, o.sample_keys) for k, o in polars.items()}


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_element_faults_same_record_on_spark(faulted, spark_engine, tmp_path):
    store, contracts, faults = faulted
    folder = tmp_path / "contracts"  # the faulted collections and the referenced Product
    folder.mkdir()
    for name in ("Review", "UserActivity", "Product"):
        shutil.copy(contracts / f"{name}.yaml", folder)
    on_polars = run_gate(store, DAY, contracts_dir=folder, write=False)
    on_spark = run_gate(store, DAY, contracts_dir=folder, engine=spark_engine, write=False)

    def seen(record):
        return {c.id: (c.status, c.failing_rows, c.details) for c in record.checks}

    a, b = seen(on_polars), seen(on_spark)
    assert {k: (a.get(k), b.get(k)) for k in a.keys() | b.keys() if a.get(k) != b.get(k)} == {}
    for fault in faults:
        assert set(_named(on_spark, fault)) == {"bronze", "silver"}, fault.fault
    # the same documents and elements named (an anti-join's rows come in no set order)
    def samples(record, fk):
        return {c.id: c.sample_keys for c in record.checks
                if c.status == "fail" and (c.check == "orphan_fk") == fk}

    assert samples(on_polars, False) == samples(on_spark, False)
    for check_id, found in samples(on_spark, True).items():
        assert len(found) == len(samples(on_polars, True)[check_id]), check_id
        assert all(s["element"].startswith("metadata.items[") for s in found)


def test_mongoose_array_length_validators_become_min_and_max_items(tmp_path):
    from wdguard.contracts.mongoose_derive import derive_models

    model = tmp_path / "thing.js"
    model.write_text("""
const mongoose = require('mongoose');
function arrayLimit(val) { return val.length <= 10; }
const s = new mongoose.Schema({
  photos: { type: [{ url: String }], validate: [arrayLimit, '{PATH} exceeds 10'] },
  tags: { type: [String], validate: { validator: (v) => v.length >= 1 && v.length < 6 } },
  ids: { type: [String], validate: (v) => v.every(Boolean) },
});
module.exports = mongoose.model('Thing', s);
""")
    (found,) = derive_models([model]).models
    cols = found.contract.columns
    limits = {n: (cols[n].min_items, cols[n].max_items) for n in ("photos", "tags", "ids")}
    assert limits == {"photos": (None, 10), "tags": (1, 5), "ids": (None, None)}
