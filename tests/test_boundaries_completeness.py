"""Completeness at its boundaries: a row count one off `_source.json` fails (either way),
a manifest whose files do not sum to its row_count fails, one missing or one extra data
file fails; the exact match passes. On real partitions in a local lake."""

from __future__ import annotations

import pytest

from tests.gate_helpers import USER, users, write_contracts, write_partition
from wdguard.checks.completeness import files_match, partition_present, rows_match
from wdguard.checks.partition import locate
from wdguard.contracts.io import parse_contract_text
from wdguard.gate import run_gate
from wdguard.lake.manifest import Expected, load_manifest, write_manifest

DATE = "2026-11-20"
CONTRACT = parse_contract_text(USER, "User.yaml")


def part_of(store):
    return locate(store, "bronze", "postgres", DATE, "users")


@pytest.mark.parametrize("rows_read,status", [(4, "pass"), (3, "fail"), (5, "fail")])
def test_rows_read_one_off_the_manifest_fail(local_lake, rows_read, status):
    write_partition(local_lake, "bronze", "users", users(4), files=2)
    out = rows_match(CONTRACT, part_of(local_lake), rows_read)
    assert out.status == status
    assert out.details == {"manifest_row_count": 4, "manifest_file_rows": 4,
                           "rows_read": rows_read}
    if status == "fail":
        assert out.failing_rows == 1
        assert out.message == f"read {rows_read} row(s), _source.json says 4"
    assert out.rows_scanned == rows_read and out.spec.code == "WDG003"


def test_manifest_files_not_summing_to_row_count_fail_even_when_rows_read_match(local_lake):
    part = write_partition(local_lake, "bronze", "users", users(4), files=2)
    manifest = load_manifest(local_lake, part)
    manifest.files[1].rows += 1  # files say 5, row_count (and the data) say 4
    write_manifest(local_lake, part, manifest)
    out = rows_match(CONTRACT, part_of(local_lake), 4)
    assert out.status == "fail"
    assert out.message == "_source.json files sum to 5 row(s), row_count says 4"
    assert out.details["manifest_file_rows"] == 5


def test_both_problems_are_reported_together(local_lake):
    part = write_partition(local_lake, "bronze", "users", users(4), row_count=6)
    assert load_manifest(local_lake, part).files[0].rows == 4
    out = rows_match(CONTRACT, part_of(local_lake), 4)
    assert out.message == ("read 4 row(s), _source.json says 6; "
                           "_source.json files sum to 4 row(s), row_count says 6")
    assert out.failing_rows == 2


def test_a_manifest_listing_no_files_only_compares_rows(local_lake):
    write_partition(local_lake, "bronze", "users", users(1).clear(), files=0)
    assert rows_match(CONTRACT, part_of(local_lake), 0).status == "pass"
    assert rows_match(CONTRACT, part_of(local_lake), 1).status == "fail"


def test_what_nobody_lists_is_skipped_and_a_file_count_alone_is_compared(local_lake):
    write_partition(local_lake, "bronze", "users", users(4), files=2)
    part = part_of(local_lake)
    part.expected = Expected(reason="no _source.json here")
    files, rows = files_match(CONTRACT, part), rows_match(CONTRACT, part, 4)
    assert (files.status, files.message) == ("skipped", "no _source.json here")
    assert (rows.status, rows.message, rows.rows_scanned) == ("skipped", "no _source.json here", 4)
    part.expected = Expected(by="the ADF output")
    assert files_match(CONTRACT, part).message == "the ADF output lists no files"
    # an ADF output counts the files it wrote (filesWritten): two, either way off by one
    for count, status in ((2, "pass"), (1, "fail"), (3, "fail")):
        part.expected = Expected(by="adf.json", file_count=count)
        out = files_match(CONTRACT, part)
        assert (out.status, out.details) == (status, {"expected_files": count, "present": 2})
        if status == "fail":
            assert out.message == f"2 data file(s) present, adf.json says filesWritten={count}"
        assert out.spec.code == files.spec.code and out.spec.object == "users"


@pytest.mark.parametrize(("source_rows", "status", "failing"), [(4, "pass", None), (6, "fail", 2),
                                                                 (3, "fail", 1)])
def test_rows_the_source_read_against_rows_copied(local_lake, source_rows, status, failing):
    write_partition(local_lake, "bronze", "users", users(4))
    part = part_of(local_lake)
    part.expected = Expected(by="adf.json", row_count=4, rows_read=source_rows)
    out = rows_match(CONTRACT, part, 4)
    assert (out.status, out.failing_rows) == (status, failing)
    assert out.details == {"manifest_row_count": 4, "rows_read": 4,
                           "source_rows_read": source_rows}
    if status == "fail":
        assert out.message == f"adf.json: rowsRead {source_rows} but rowsCopied 4"


def test_one_missing_and_one_extra_data_file(local_lake):
    part = write_partition(local_lake, "bronze", "users", users(4), files=2)
    out = files_match(CONTRACT, part_of(local_lake))
    assert (out.status, out.details) == ("pass", {"listed": 2, "present": 2})
    local_lake.delete(f"{part}/part-00001.parquet")
    out = files_match(CONTRACT, part_of(local_lake))
    assert out.status == "fail" and out.spec.code == "WDG002"
    assert out.message == "missing file(s) listed in _source.json: part-00001.parquet"
    assert out.details["missing"] == ["part-00001.parquet"] and out.details["unexpected"] == []
    write_partition(local_lake, "bronze", "users", users(4), files=2)
    local_lake.write_bytes(f"{part}/part-00002.parquet",
                           local_lake.read_bytes(f"{part}/part-00000.parquet"))
    out = files_match(CONTRACT, part_of(local_lake))
    assert out.status == "fail"
    assert out.message == "file(s) not in _source.json: part-00002.parquet"
    assert out.details == {"listed": 2, "present": 3, "missing": [],
                           "unexpected": ["part-00002.parquet"]}


def test_partition_present_or_missing(local_lake):
    missing = partition_present(CONTRACT, part_of(local_lake))
    assert missing.status == "fail" and missing.message == (
        "no partition at raw/postgres/2026-11-20/users/")
    write_partition(local_lake, "bronze", "users", users(2))
    assert partition_present(CONTRACT, part_of(local_lake)).status == "pass"


@pytest.mark.parametrize("row_count", [3, 5])
def test_row_count_one_off_closes_the_gate(local_lake, tmp_path, row_count):
    contracts = write_contracts(tmp_path / "contracts", USER)
    write_partition(local_lake, "bronze", "users", users(4), row_count=row_count)
    record = run_gate(local_lake, DATE, layers=["bronze"], contracts_dir=contracts, write=False)
    failed = [(c.check, c.failing_rows) for c in record.checks if c.status == "fail"]
    assert ("row_count", 1) in failed
    assert record.exit_code == 1


def test_files_sum_mismatch_closes_the_gate(local_lake, tmp_path):
    contracts = write_contracts(tmp_path / "contracts", USER)
    part = write_partition(local_lake, "bronze", "users", users(4), files=2)
    manifest = load_manifest(local_lake, part)
    manifest.files[0].rows -= 1
    write_manifest(local_lake, part, manifest)
    record = run_gate(local_lake, DATE, layers=["bronze"], contracts_dir=contracts, write=False)
    [hit] = [c for c in record.checks if c.status == "fail"]
    assert hit.check == "row_count" and "files sum to 3 row(s)" in hit.message
    assert record.exit_code == 1


def test_outcomes_name_contract_and_object(local_lake):
    part = write_partition(local_lake, "bronze", "users", users(4), files=2)
    local_lake.delete(f"{part}/part-00001.parquet")
    local_lake.write_bytes(f"{part}/part-00007.parquet",
                           local_lake.read_bytes(f"{part}/part-00000.parquet"))
    p = part_of(local_lake)
    for out in (files_match(CONTRACT, p), partition_present(CONTRACT, p), rows_match(CONTRACT, p, 4)):
        assert (out.spec.contract, out.spec.object) == ("User", "users")
    assert files_match(CONTRACT, p).message == (
        "missing file(s) listed in _source.json: part-00001.parquet; "
        "file(s) not in _source.json: part-00007.parquet")
    gone = partition_present(CONTRACT, locate(local_lake, "bronze", "postgres", "2026-11-21",
                                              "users"))
    assert (gone.spec.contract, gone.spec.object, gone.status) == ("User", "users", "fail")


def test_unexpected_objects_warn_per_stranger_and_pass_per_clean_source(local_lake):
    from wdguard.checks.completeness import unexpected_objects

    write_partition(local_lake, "bronze", "users", users(2))
    outs = unexpected_objects(local_lake, [CONTRACT], "bronze", DATE)
    assert [(o.spec.object, o.status, o.spec.severity) for o in outs] == [
        ("(postgres)", "pass", "warn")]
    write_partition(local_lake, "bronze", "audit_log", users(2))
    write_partition(local_lake, "bronze", "zz_tmp", users(2))
    write_partition(local_lake, "bronze", "events", users(2), source="mongodb")
    outs = unexpected_objects(local_lake, [CONTRACT], "bronze", DATE)
    got = [(o.spec.object, o.status, o.spec.severity, o.spec.code, o.message) for o in outs]
    assert got == [
        ("audit_log", "fail", "warn", "WDG005", "raw/postgres/2026-11-20/audit_log/ has no contract"),
        ("zz_tmp", "fail", "warn", "WDG005", "raw/postgres/2026-11-20/zz_tmp/ has no contract"),
        ("events", "fail", "warn", "WDG005", "raw/mongodb/2026-11-20/events/ has no contract"),
    ]
    assert all(o.spec.contract == "" for o in outs)
    assert unexpected_objects(local_lake, [CONTRACT], "silver", DATE) == []


def test_several_missing_and_extra_files_are_each_named(local_lake):
    part = write_partition(local_lake, "bronze", "users", users(6), files=3)
    local_lake.delete(f"{part}/part-00001.parquet")
    local_lake.delete(f"{part}/part-00002.parquet")
    assert files_match(CONTRACT, part_of(local_lake)).message == (
        "missing file(s) listed in _source.json: part-00001.parquet, part-00002.parquet")
    write_partition(local_lake, "bronze", "users", users(4), files=1)
    for extra in ("part-00007.parquet", "part-00008.parquet"):
        local_lake.write_bytes(f"{part}/{extra}",
                               local_lake.read_bytes(f"{part}/part-00000.parquet"))
    assert files_match(CONTRACT, part_of(local_lake)).message == (
        "file(s) not in _source.json: part-00007.parquet, part-00008.parquet")
