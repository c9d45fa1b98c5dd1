"""Each fault injector breaks exactly what it says, on a local lake and on Azurite."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.lake_checks import problems
from wdguard.contracts.io import load_contracts
from wdguard.errors import InputError
from wdguard.lake import layout
from wdguard.lake.manifest import load_manifest
from wdguard.lake.storage import LocalStore
from wdguard.sample.faults import FAULTS, inject
from wdguard.sample.faults_elements import inject_elements
from wdguard.sample.generate import generate_lake

ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-11-26"


@pytest.fixture(scope="module")
def contracts():
    return load_contracts(ROOT / "contracts")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, contracts):
    root = tmp_path_factory.mktemp("pristine")
    generate_lake(LocalStore(root), contracts, end=dt.date(2026, 11, 26), days=2, rows=0.3, seed=11)
    return root


@pytest.fixture
def lake(pristine, tmp_path):
    root = tmp_path / "lake"
    shutil.copytree(pristine, root)
    return LocalStore(root)


EXPECTED = {  # fault -> (check the independent checker must report, column reported)
    "missing_partition": "completeness",
    "missing_file": "completeness",
    "row_count_off_by_one": "completeness",
    "duplicate_pk": "primary_key",
    "null_in_required": "nullable",
    "bad_enum_value": "enum",
    "out_of_range": "range",
    "wrong_type": "dtype",
    "orphan_fk": "references",
    "broken_rule": "rule:",
    "stale_data": "freshness",
}


def test_every_fault_is_known():
    assert set(FAULTS) == set(EXPECTED) | {"volume_drop"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fault_trips_the_check_it_names(lake, contracts, name):
    assert problems(lake, DAY, contracts, "silver") == set()
    fault = inject(name, lake, DAY, contracts)
    assert fault.fault == name and fault.date == DAY and fault.layers == ["bronze", "silver"]
    for layer in ("silver", "bronze"):
        found = problems(lake, DAY, contracts, layer)
        expected_check = EXPECTED[name]
        hits = {
            (check, obj, col)
            for check, obj, col in found
            if check.startswith(expected_check) and obj == fault.object
        }
        assert hits, (layer, found, fault)
        if fault.column and expected_check not in ("completeness", "freshness"):
            if expected_check == "rule:":
                assert any(check == fault.check for check, _, _ in hits)
            else:
                assert any(col == fault.column for _, _, col in hits), (hits, fault)
        # only the named object is affected (a removed partition may orphan nothing else)
        assert {obj for _, obj, _ in found} == {fault.object}, found
    # the other day is untouched
    assert problems(lake, "2026-11-25", contracts, "silver") == set()


def test_volume_drop_keeps_the_partition_consistent(lake, contracts):
    part = layout.partition_dir("silver", "postgres", DAY, "waste_collections")
    before = load_manifest(lake, part).row_count
    fault = inject("volume_drop", lake, DAY, contracts)
    after = load_manifest(lake, part).row_count
    assert fault.object == "waste_collections" and fault.rows == before - after
    assert after < 0.4 * before
    assert problems(lake, DAY, contracts, "silver") == set()  # only volume can tell


def test_fault_on_one_layer_and_chosen_target(lake, contracts):
    fault = inject(
        "null_in_required",
        lake,
        DAY,
        contracts,
        layers=["silver"],
        contract="Payment",
        column="amount",
    )
    assert (fault.object, fault.column) == ("payments", "amount")
    assert ("nullable", "payments", "amount") in problems(lake, DAY, contracts, "silver")
    assert problems(lake, DAY, contracts, "bronze") == set()


def test_bad_fault_requests(lake, contracts):
    with pytest.raises(InputError, match="unknown fault"):
        inject("meteor_strike", lake, DAY, contracts)
    # the element faults go through the same loop, their own table and name
    with pytest.raises(InputError, match="unknown element fault 'duplicate_pk'; known: element_"):
        inject_elements("duplicate_pk", lake, DAY, contracts)
    with pytest.raises(InputError, match="no contract"):
        inject("duplicate_pk", lake, DAY, contracts, contract="Nope")
    with pytest.raises(InputError, match="no partition"):
        inject("duplicate_pk", lake, "2026-11-01", contracts)


@pytest.mark.azurite
@pytest.mark.parametrize("name", ["missing_file", "duplicate_pk", "orphan_fk"])
def test_faults_on_azurite(azure_lake, pristine, contracts, name):
    src = LocalStore(pristine)
    for path in src.list(""):
        if f"/{DAY}/" in path:
            azure_lake.write_bytes(path, src.read_bytes(path))
    assert problems(azure_lake, DAY, contracts, "silver") == set()
    fault = inject(name, azure_lake, DAY, contracts)
    found = problems(azure_lake, DAY, contracts, "silver")
    assert any(c.startswith(EXPECTED[name]) and o == fault.object for c, o, _ in found), found
