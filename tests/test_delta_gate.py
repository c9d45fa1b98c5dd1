"""The gate on Delta tables (issue 24): the same data as Delta or as parquet files gives
the same verdicts on both engines; a table's date needs no configuration; columns that
arrived with a later migration are skipped on the dates before it; a feature no reader
honours is refused (exit 2, naming table and feature)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.delta_tables import enable_deletion_vectors, evolving_table, mapped_table
from tests.lakes import CLEAN, FAULTY, ROOT, ROW_FAULTS, faulty_lake, merchant_contract
from wdguard.cli import app
from wdguard.gate import run_gate
from wdguard.lake import layout
from wdguard.lake.dates import list_dates
from wdguard.lake.manifest import load_manifest
from wdguard.lake.storage import LocalStore
from wdguard.sample.delta import append_date, delta_table_path

# a manifest's own faults have no Delta twin: the log is the manifest there
FAULTS = ROW_FAULTS


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """users and orders for two days in wdguard's layout, the second day faulty."""
    root, folder, _, faults = faulty_lake(tmp_path_factory, {"users", "orders"}, FAULTS)
    return root, folder, None, faults


def to_delta(src: Path, dst: Path) -> Path:
    """The lake with silver rewritten as Delta tables (one append per day, the manifest's
    extraction time and migration head in the commit's metadata); bronze stays files."""
    shutil.copytree(src / "raw", dst / "raw")
    store, out = LocalStore(src), LocalStore(dst)
    for source in layout.SOURCES:
        for date in list_dates(store, "silver", source):
            for obj in store.list_dirs(layout.date_dir("silver", source, date)):
                part = layout.partition_dir("silver", source, date, obj)
                files = layout.data_files(store.list(part))
                frame = pl.concat([pl.read_parquet(src / f) for f in files])
                m = load_manifest(store, part)
                append_date(out, delta_table_path("silver", source, obj), frame,
                            m.date, extracted_at=m.extracted_at, migration_head=m.migration_head)
    return dst


@pytest.fixture(scope="module")
def twins(base, tmp_path_factory):
    root, contracts, _, faults = base
    return root, to_delta(root, tmp_path_factory.mktemp("delta") / "lake"), contracts, faults


def verdicts(record) -> dict:
    return {c.id: (c.status, c.failing_rows) for c in record.checks}


def partitions(record) -> dict:
    return {(p.layer, p.object): (p.row_count, p.manifest_row_count, p.max_timestamps)
            for p in record.partitions}


def _same(got, ref) -> None:
    assert verdicts(got) == verdicts(ref)
    assert partitions(got) == partitions(ref)
    assert (got.exit_code, got.errors) == (ref.exit_code, ref.errors)


def test_delta_silver_same_verdicts_as_parquet(twins):
    files, delta, contracts, _ = twins
    assert (delta / "silver/postgres/orders/_delta_log").is_dir()
    assert not (delta / "silver/postgres" / FAULTY).exists()  # no date folder: the log says
    for day, code in ((CLEAN, 0), (FAULTY, 1)):
        ref = run_gate(LocalStore(files), day, contracts_dir=contracts, write=False)
        got = run_gate(LocalStore(delta), day, contracts_dir=contracts, write=False)
        assert ref.exit_code == code
        _same(got, ref)
        silver = {p.object: p for p in got.partitions if p.layer == "silver"}
        assert silver["orders"].path == "silver/postgres/orders"
        assert silver["orders"].manifest_row_count == silver["orders"].row_count
        # the log stands in for _source.json: counts and files checked, not skipped
        stand_in = [c for c in got.checks if c.layer == "silver" and c.check in (
            "row_count", "file_missing")]
        assert stand_in and all(c.status == "pass" for c in stand_in)


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_delta_silver_same_verdicts_on_spark_without_jars(twins, spark_engine):
    files, delta, contracts, _ = twins
    # the faulty day only (every fault kind; the clean day is the Polars test's): Spark
    # jobs are what this suite's time goes to
    # and silver only: bronze stays files either way
    ref = run_gate(LocalStore(files), FAULTY, layers=["silver"], contracts_dir=contracts,
                   write=False)
    got = run_gate(LocalStore(delta), FAULTY, layers=["silver"], contracts_dir=contracts,
                   write=False, engine=spark_engine)
    assert ref.exit_code == 1
    _same(got, ref)


def test_a_lost_data_file_fails_file_missing_and_row_count(twins, tmp_path):
    _, delta, contracts, _ = twins
    lake = tmp_path / "lake"
    shutil.copytree(delta, lake)
    lost = next((lake / "silver/postgres/users" / f"snapshot_date={CLEAN}").glob("*.parquet"))
    lost.unlink()
    record = run_gate(LocalStore(lake), CLEAN, layers=["silver"], contracts_dir=contracts,
                      write=False)
    by = {(c.object, c.check): c for c in record.checks}
    assert by[("users", "file_missing")].status == "fail"
    assert by[("users", "file_missing")].message.startswith(
        "missing file(s) listed in _delta_log: snapshot_date=")
    assert by[("users", "row_count")].status == "fail"
    assert record.exit_code == 1


@pytest.mark.parametrize(
    ("migration", "date", "status"),
    [
        ("20261127000000_add_rating", "2026-11-25", "skipped"),  # before its migration
        ("20261127000000_add_rating", "2026-11-27", "pass"),  # merged in with it
        ("20261120000000_add_rating", "2026-11-25", "fail"),  # should be there, is not
    ],
)
def test_column_merged_into_a_delta_table_by_a_later_migration(tmp_path, migration, date,
                                                                status):
    root = tmp_path / "lake"
    evolving_table(root / "silver" / "postgres" / "merchants")
    contracts = merchant_contract(tmp_path / "contracts", score="string", rating_by=migration)
    record = run_gate(LocalStore(root), date, layers=["silver"], contracts_dir=contracts,
                      write=False)
    out = next(c for c in record.checks if c.column == "rating" and c.check == "column_missing")
    assert out.status == status, out.message
    if status == "skipped":
        assert out.message == f"column added by {migration}, after this partition"
    assert record.exit_code == (1 if status == "fail" else 0), [
        (c.id, c.message) for c in record.checks if c.status == "fail"]


def test_column_mapped_table_gates_by_logical_names(tmp_path):
    root = tmp_path / "lake"
    mapped_table(root / "silver" / "postgres" / "orders")
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "Order.yaml").write_text(
        "contract: Order\nsource: {kind: postgres, table: orders}\nprimary_key: [id]\n"
        "columns:\n  id: {type: string, nullable: false}\n"
        "  total_amount: {type: float, nullable: false, min: 2}\n")
    record = run_gate(LocalStore(root), "2026-11-25", layers=["silver"],
                      contracts_dir=contracts, write=False)
    failing = {(c.column, c.check): c.failing_rows for c in record.checks if c.status == "fail"}
    assert failing == {("total_amount", "between"): 1}  # 1.5 < 2: read by its new name


def test_deletion_vectors_refused_by_check_exit_2(tmp_path):
    root = tmp_path / "lake"
    table = evolving_table(root / "silver" / "postgres" / "merchants")
    enable_deletion_vectors(table)
    contracts = merchant_contract(tmp_path / "contracts", score="string",
                                  rating_by="20261127000000_x")
    res = CliRunner().invoke(app, ["check", "--lake", str(root), "--date", "2026-11-27",
                                   "--layer", "silver", "--contracts", str(contracts),
                                   "--format", "json"])
    assert res.exit_code == 2, res.output
    record = json.loads(res.stdout)
    unreadable = [c for c in record["checks"] if c["check"] == "unreadable"]
    assert len(unreadable) == 1
    assert "silver/postgres/merchants" in unreadable[0]["message"]
    assert "Delta table feature deletionVectors is not supported by the polars reader" in \
        unreadable[0]["message"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The sample lake, one day, written both ways."""
    folder = tmp_path_factory.mktemp("generated")
    runner = CliRunner()
    for fmt in ("parquet", "delta"):
        res = runner.invoke(app, ["lake", "generate", "--out", str(folder / fmt), "--days", "1",
                                  "--rows", "0.02", "--format", fmt,
                                  "--contracts", str(ROOT / "contracts")])
        assert res.exit_code == 0, res.output
    return folder / "parquet", folder / "delta"


@pytest.mark.parametrize("layer", ["bronze,silver", "gold"])
def test_generated_delta_lake_gates_as_it_is(generated, layer):
    files, delta = generated
    assert (delta / "silver/postgres/orders/_delta_log").is_dir()
    assert (delta / "gold/FactOrders/_delta_log").is_dir()
    assert list((delta / "raw/postgres/2026-11-26/orders").glob("part-*.parquet"))
    records = []
    for lake in (files, delta):
        res = CliRunner().invoke(app, ["check", "--lake", str(lake), "--date", "2026-11-26",
                                       "--layer", layer, "--contracts", str(ROOT / "contracts"),
                                       "--format", "json"])
        assert res.exit_code == 0, res.output
        records.append(json.loads(res.stdout))
    ref, got = ({c["id"]: c["status"] for c in r["checks"]} for r in records)
    assert got == ref
    if layer == "gold":
        paths = {p["object"]: p["path"] for p in records[1]["partitions"]}
        assert paths["FactOrders"] == "gold/FactOrders"
    else:
        silver = [p for p in records[1]["partitions"] if p["layer"] == "silver"]
        assert all(p["path"].count("/") == 2 and "2026" not in p["path"] for p in silver)
        assert all(p["row_count"] == p["manifest_row_count"] for p in silver)


def test_a_date_as_a_predicate_on_a_date_column(tmp_path):
    import datetime as dt

    import pyarrow as pa
    from deltalake import write_deltalake

    from wdguard.lake.layout import LakeLayout

    root = tmp_path / "lake"
    days = [dt.date(2026, 11, 25)] * 2 + [dt.date(2026, 11, 26)] * 3
    write_deltalake(str(root / "silver/postgres/orders"), pa.table({
        "id": ["a", "b", "c", "d", "e"], "order_date": pa.array(days, pa.date32()),
        "qty": pa.array([1, 2, 3, 400, 5], pa.int32())}))  # not partitioned by date
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "Order.yaml").write_text(
        "contract: Order\nsource: {kind: postgres, table: orders}\nprimary_key: [id]\n"
        "columns:\n  id: {type: string, nullable: false}\n  order_date: {type: date}\n"
        "  qty: {type: integer, max: 100}\n")
    store = LocalStore(root)
    # no date partition and nothing configured: undecided, saying what to set
    record = run_gate(store, "2026-11-26", layers=["silver"], contracts_dir=contracts,
                      write=False)
    bad = [c for c in record.checks if c.check == "unreadable"]
    assert record.exit_code == 2 and "set date_column in [lake.<layer>]" in bad[0].message
    lake = LakeLayout.from_table({"silver": {"date_column": "order_date"}})
    record = run_gate(store, "2026-11-26", layers=["silver"], contracts_dir=contracts,
                      write=False, lake=lake)
    assert [p.row_count for p in record.partitions] == [3]  # the date's rows only
    by = {(c.column, c.check): c for c in record.checks}
    assert (by[("qty", "between")].status, by[("qty", "between")].failing_rows) == ("fail", 1)
    assert by[(None, "row_count")].status == "skipped"
    assert "predicate on order_date" in by[(None, "row_count")].message
    assert record.exit_code == 1
