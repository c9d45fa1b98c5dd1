"""One missing file does not bury the real problem (issue 28, point 3).

Deleting a parent table's data file (its `_source.json` kept) used to fail every child's
foreign key, and a row-count difference counted rows that were never read as failing
rows. A partition with missing files now skips the foreign keys that need it as a parent,
as a missing partition does; a record never has more failing rows than rows scanned.
"""

from __future__ import annotations

from tests.gate_helpers import ORDER, USER, orders, users, write_contracts, write_partition
from wdguard.gate import run_gate
from wdguard.lake import layout
from wdguard.record import RunRecord
from wdguard.report.runs import contract_metrics, normalise

DATE = "2026-11-20"


def _gate(store, tmp_path) -> RunRecord:
    contracts = write_contracts(tmp_path / "contracts", USER, ORDER)
    return run_gate(store, DATE, layers=["bronze"], contracts_dir=contracts, write=False)


def test_a_parent_with_a_missing_file_skips_its_children_foreign_keys(local_lake, tmp_path):
    part = write_partition(local_lake, "bronze", "users", users(4), files=2)
    write_partition(local_lake, "bronze", "orders", orders())
    clean = _gate(local_lake, tmp_path)
    assert clean.exit_code == 0  # the same lake, whole: the foreign key is checked, passes
    assert [c.status for c in clean.checks if c.check == "orphan_fk"] == ["pass"]

    local_lake.delete(f"{part}/{layout.part_name(1)}")  # half the users, manifest kept
    record = _gate(local_lake, tmp_path)
    failed = {(c.contract, c.check) for c in record.checks if c.status == "fail"}
    assert ("User", "file_missing") in failed and ("User", "row_count") in failed
    assert ("Order", "orphan_fk") not in failed  # the children are not blamed
    [fk] = [c for c in record.checks if c.check == "orphan_fk"]
    assert fk.status == "skipped"
    assert fk.message == ("parent User is incomplete: 1 data file(s) missing from "
                          "raw/postgres/2026-11-20/users/")
    assert record.exit_code == 1


def test_a_parent_with_an_unreadable_file_skips_its_children_foreign_keys(local_lake, tmp_path):
    part = write_partition(local_lake, "bronze", "users", users(4), files=2)
    write_partition(local_lake, "bronze", "orders", orders())
    local_lake.write_bytes(f"{part}/{layout.part_name(1)}", b"not parquet")  # same name
    record = _gate(local_lake, tmp_path)
    assert [(c.contract, c.check) for c in record.checks if c.status == "error"] == [
        ("User", "unreadable")]
    [fk] = [c for c in record.checks if c.check == "orphan_fk"]
    assert fk.status == "skipped"  # undecided about the parent, not a failing child
    assert record.exit_code == 2


def test_failing_rows_never_exceed_rows_scanned(local_lake, tmp_path):
    part = write_partition(local_lake, "bronze", "users", users(4), files=1)
    write_partition(local_lake, "bronze", "orders", orders())
    local_lake.delete(f"{part}/{layout.part_name(0)}")  # no user row left to read
    record = _gate(local_lake, tmp_path)
    [rows] = [c for c in record.checks if c.contract == "User" and c.check == "row_count"]
    assert rows.status == "fail" and rows.rows_scanned == 0 and rows.failing_rows is None
    assert rows.message.startswith("read 0 row(s), _source.json says 4")
    for c in record.checks:
        if c.failing_rows is not None and c.rows_scanned is not None:
            assert c.failing_rows <= c.rows_scanned, c
    metrics = contract_metrics(normalise(record.model_dump(mode="json")))
    for name, m in metrics.items():
        if m["row_count"] is not None:
            assert m["failing_rows"] <= m["row_count"], name


def test_the_report_does_not_add_overlapping_failures_past_the_rows():
    """Three checks failing the same 3 rows of a 3-row partition, in bronze and silver:
    3 failing rows, not 18."""
    checks = [{"contract": "Order", "failed": True, "failing_rows": 3, "duration_s": 0.0,
               "details": {}, "kind": k, "check": k} for k in ("a", "b", "c") * 2]
    parts = [{"layer": layer, "contract": "Order", "row_count": 3}
             for layer in ("bronze", "silver")]
    m = contract_metrics({"checks": checks, "partitions": parts})["Order"]
    assert (m["failing_rows"], m["failed_checks"], m["row_count"]) == (3, 6, 3)
