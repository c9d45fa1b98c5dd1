"""The gate end to end on small hand-built lakes: verdicts, record, exit 2 paths, CLI."""

from __future__ import annotations

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.gate_helpers import (
    ORDER,
    USER,
    clean_lake,
    orders,
    silver_of,
    users,
    write_contracts,
    write_partition,
)
from wdguard.cli import app
from wdguard.gate import run_gate
from wdguard.lake import layout
from wdguard.record import RunRecord

DATE = "2026-11-20"


@pytest.fixture
def contracts(tmp_path):
    return write_contracts(tmp_path / "contracts")


def failing(record: RunRecord) -> set[tuple[str, str, str | None, str]]:
    return {
        (c.layer, c.contract or c.object, c.column, c.check)
        for c in record.checks
        if c.status == "fail"
    }


def test_clean_date_passes_and_record_is_written(local_lake, contracts):
    clean_lake(local_lake)
    record = run_gate(local_lake, DATE, contracts_dir=contracts)
    assert (record.verdict, record.exit_code) == ("pass", 0), failing(record)
    assert failing(record) == set()
    stored = local_lake.list(layout.runs_dir(DATE))
    assert stored == [layout.run_record_path(DATE, record.run_id)]
    again = RunRecord.model_validate_json(local_lake.read_text(stored[0]))
    assert again.exit_code == 0 and again.summary.checks == len(record.checks)
    parts = {(p.layer, p.object): p for p in again.partitions}
    assert parts[("bronze", "orders")].row_count == 4 and parts[("bronze", "orders")].files == 2
    assert parts[("silver", "users")].max_timestamps["updated_at"].startswith("2026-11-19T23:00")
    # the checks that ran: every kind the contracts ask for, on both layers
    kinds = {(c.layer, c.check) for c in again.checks if c.status == "pass"}
    for check in (
        "not_null",
        "unique",
        "in_values",
        "between",
        "regex",
        "duplicate_pk",
        "rule",
        "orphan_fk",
        "stale",
        "min_rows",
        "row_count",
        "file_missing",
        "dtype",
    ):
        assert ("silver", check) in kinds, check
    assert ("bronze", "castable") in kinds


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda o: o.with_columns(pl.lit(None, pl.String).alias("status")),
            ("Order", "status", "not_null"),
        ),
        (
            lambda o: o.with_columns(
                pl.when(pl.col("id") == "o2")
                .then(pl.lit("SHIPPED"))
                .otherwise(pl.col("status"))
                .alias("status")
            ),
            ("Order", "status", "in_values"),
        ),
        (
            lambda o: o.with_columns(pl.lit("-1.00").alias("total_amount")),
            ("Order", "total_amount", "between"),
        ),
        (
            lambda o: o.with_columns(pl.lit("12,50").alias("total_amount")),
            ("Order", "total_amount", "castable"),
        ),
        (lambda o: o.with_columns(pl.lit("o1").alias("id")), ("Order", "id", "duplicate_pk")),
        (
            lambda o: o.with_columns(pl.lit("nobody").alias("user_id")),
            ("Order", "user_id", "orphan_fk"),
        ),
        (
            lambda o: o.with_columns(pl.lit(None, pl.Datetime("us")).alias("paid_at")),
            ("Order", "status,paid_at", "rule"),  # a rule is named by its columns
        ),
        (lambda o: o.drop("updated_at"), ("Order", "updated_at", "column_missing")),
    ],
)
def test_each_fault_fails_bronze_named(local_lake, contracts, mutate, expected):
    write_partition(local_lake, "bronze", "users", users())
    write_partition(local_lake, "bronze", "orders", mutate(orders()))
    record = run_gate(local_lake, DATE, layers=["bronze"], contracts_dir=contracts)
    assert record.exit_code == 1
    assert ("bronze", *expected) in failing(record)
    hit = next(c for c in record.checks if (c.contract, c.column, c.check) == expected)
    assert hit.severity == "error" and hit.code.startswith("WDG")
    if hit.failing_rows is not None and hit.check not in ("column_missing",):
        assert hit.failing_rows >= 1 and hit.sample_keys


def test_warn_level_failure_does_not_close_the_gate(local_lake, contracts):
    write_partition(local_lake, "bronze", "users", users())
    write_partition(local_lake, "bronze", "orders", orders().with_columns(pl.lit(500).alias("qty")))
    record = run_gate(local_lake, DATE, layers=["bronze"], contracts_dir=contracts)
    assert ("bronze", "Order", "qty", "between") in failing(record)
    assert record.exit_code == 0 and record.summary.failed_warn == 1


def test_silver_wrong_dtype_is_caught_by_pandera(local_lake, contracts):
    clean_lake(local_lake)
    bad = silver_of(orders(), ORDER).with_columns(pl.col("total_amount").cast(pl.Float64))
    write_partition(local_lake, "silver", "orders", bad)
    record = run_gate(local_lake, DATE, layers=["silver"], contracts_dir=contracts)
    assert ("silver", "Order", "total_amount", "dtype") in failing(record)
    hit = next(c for c in record.checks if c.check == "dtype" and c.status == "fail")
    assert "pandera" in hit.message and "Float64" in hit.message
    assert record.exit_code == 1


def test_completeness_missing_file_rows_off_and_unexpected_object(local_lake, contracts):
    clean_lake(local_lake)
    part = layout.partition_dir("bronze", "postgres", DATE, "orders")
    local_lake.delete(f"{part}/part-00001.parquet")
    write_partition(local_lake, "bronze", "users", users(), row_count=5)
    write_partition(local_lake, "bronze", "audit_log", users())
    record = run_gate(local_lake, DATE, layers=["bronze"], contracts_dir=contracts)
    bad = failing(record)
    assert ("bronze", "Order", None, "file_missing") in bad
    assert ("bronze", "Order", None, "row_count") in bad  # 2 rows read, manifest says 4
    assert ("bronze", "User", None, "row_count") in bad  # off by one
    stranger = next(
        c for c in record.checks if c.check == "unexpected_object" and c.status == "fail"
    )
    assert stranger.object == "audit_log" and stranger.severity == "warn"
    assert record.exit_code == 1


def test_missing_partition_fails_and_skips_dependent_fk(local_lake, contracts):
    write_partition(local_lake, "bronze", "orders", orders())
    record = run_gate(local_lake, DATE, layers=["bronze"], contracts_dir=contracts)
    assert ("bronze", "User", None, "partition_missing") in failing(record)
    fk = next(c for c in record.checks if c.check == "orphan_fk")
    assert fk.status == "skipped"
    assert record.exit_code == 1


def test_stale_data_fails_freshness(local_lake, contracts):
    old = users().with_columns(pl.col("updated_at") - pl.duration(days=3))
    write_partition(local_lake, "bronze", "users", old)
    write_partition(local_lake, "bronze", "orders", orders())
    record = run_gate(local_lake, DATE, layers=["bronze"], contracts_dir=contracts)
    assert ("bronze", "User", "updated_at", "stale") in failing(record)
    stale = next(c for c in record.checks if c.check == "stale")
    assert stale.details["age_s"] > 26 * 3600


def test_volume_baseline_from_past_run_records_and_manifests(local_lake, contracts):
    # four earlier days with 20 users; the run records of two of them, manifests for the rest
    for day in ("2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19"):
        write_partition(local_lake, "bronze", "users", users(20), date=day)
        write_partition(local_lake, "bronze", "orders", orders(), date=day)
    for day in ("2026-11-18", "2026-11-19"):
        assert run_gate(local_lake, day, layers=["bronze"], contracts_dir=contracts).exit_code in (
            0,
            1,
        )
    write_partition(local_lake, "bronze", "users", users(4))  # an 80% drop
    write_partition(local_lake, "bronze", "orders", orders())
    record = run_gate(local_lake, DATE, layers=["bronze"], contracts_dir=contracts)
    vol = next(c for c in record.checks if c.check == "volume_change" and c.contract == "User")
    assert vol.status == "fail" and vol.details["baseline"] == 20
    assert vol.details["baseline_kind"] == "last 7 days"
    assert record.exit_code == 1
    # no history at all: skipped, not failed
    first = run_gate(local_lake, "2026-11-16", layers=["bronze"], contracts_dir=contracts)
    vol = next(c for c in first.checks if c.check == "volume_change" and c.contract == "User")
    assert vol.status == "skipped"


def test_corrupt_parquet_is_undecided_but_other_partitions_checked(local_lake, contracts):
    clean_lake(local_lake)
    part = layout.partition_dir("bronze", "postgres", DATE, "orders")
    local_lake.write_bytes(f"{part}/part-00000.parquet", b"PAR1 this is not parquet")
    record = run_gate(local_lake, DATE, contracts_dir=contracts)
    assert (record.verdict, record.exit_code) == ("undecided", 2)
    err = next(c for c in record.checks if c.status == "error")
    assert err.check == "unreadable" and err.object == "orders" and part in err.message
    assert any(
        c.layer == "silver" and c.check == "rule" and c.status == "pass" for c in record.checks
    )
    assert local_lake.list(layout.runs_dir(DATE))  # an undecided record is still written


def test_bad_manifest_is_undecided(local_lake, contracts):
    clean_lake(local_lake)
    part = layout.partition_dir("silver", "postgres", DATE, "users")
    local_lake.write_text(f"{part}/_source.json", '{"source": "postgres", "layer": ')
    record = run_gate(local_lake, DATE, contracts_dir=contracts)
    assert record.exit_code == 2
    err = next(c for c in record.checks if c.status == "error")
    assert "_source.json" in err.message and err.layer == "silver" and err.object == "users"


def test_bad_rule_is_undecided_naming_contract_and_rule(local_lake, tmp_path):
    folder = write_contracts(
        tmp_path / "c", USER, ORDER.replace("paid_at IS NOT NULL", "paid_at IS NOT")
    )
    clean_lake(local_lake)
    record = run_gate(local_lake, DATE, contracts_dir=folder)
    assert record.exit_code == 2 and record.verdict == "undecided"
    assert "Order" in record.errors[0] and "paid_has_paid_at" in record.errors[0]
    assert local_lake.list(layout.runs_dir(DATE))


def test_quarantine_writes_failing_rows_with_reasons(local_lake, contracts):
    write_partition(local_lake, "bronze", "users", users())
    bad = orders().with_columns(
        pl.when(pl.col("id") == "o2")
        .then(pl.lit("-5"))
        .otherwise(pl.col("total_amount"))
        .alias("total_amount")
    )
    write_partition(local_lake, "bronze", "orders", bad)
    record = run_gate(local_lake, DATE, layers=["bronze"], contracts_dir=contracts, quarantine=True)
    part = next(p for p in record.partitions if p.object == "orders")
    assert part.quarantine and part.quarantine.startswith(f"quarantine/{DATE}/orders/")
    import io

    rows = pl.read_parquet(io.BytesIO(local_lake.read_bytes(part.quarantine)))
    assert rows["id"].to_list() == ["o2"]
    assert rows["total_amount"].to_list() == ["-5"]  # raw value, as landed
    assert rows["_wdguard_reasons"].to_list() == [["total_amount:between"]]


runner = CliRunner()


def test_cli_json_junit_text_and_exit_codes(local_lake, contracts):
    clean_lake(local_lake)
    args = ["check", "--lake", str(local_lake.root), "--date", DATE, "--contracts", str(contracts)]
    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["verdict"] == "pass" and data["exit_code"] == 0 and data["run_id"]
    write_partition(local_lake, "bronze", "users", users().with_columns(pl.lit("x").alias("role")))
    res = runner.invoke(app, [*args, "--format", "junit"])
    assert res.exit_code == 1
    assert "<testsuites" in res.stdout and 'type="WDG022"' in res.stdout
    res = runner.invoke(app, [*args, "--layer", "bronze"])
    assert res.exit_code == 1 and "FAIL" in res.stdout and "role" in res.stdout
    res = runner.invoke(app, [*args, "--layer", "platinum"])
    assert res.exit_code == 2 and "--layer" in res.stderr and "Traceback" not in res.output
    res = runner.invoke(app, [*args[:-4], "--date", "2026-13-01", "--contracts", str(contracts)])
    assert res.exit_code == 2 and "--date" in res.stderr
    assert len(local_lake.list(layout.runs_dir(DATE))) == 3


@pytest.mark.parametrize("fault", [None, "orphan", "corrupt"])
def test_same_gate_on_local_and_azurite(lake_store, contracts, fault):
    clean_lake(lake_store)
    if fault == "orphan":
        write_partition(
            lake_store,
            "silver",
            "orders",
            silver_of(
                orders().with_columns(
                    pl.lit("ghost").alias("user_id"),
                    pl.when(pl.col("id") == "o3")
                    .then(pl.lit("LOST"))
                    .otherwise("status")
                    .alias("status"),
                ),
                ORDER,
            ),
        )
    if fault == "corrupt":
        part = layout.partition_dir("silver", "postgres", DATE, "users")
        lake_store.write_bytes(f"{part}/part-00000.parquet", b"garbage")
    record = run_gate(lake_store, DATE, contracts_dir=contracts, quarantine=True)
    expected = {None: 0, "orphan": 1, "corrupt": 2}[fault]
    assert record.exit_code == expected, [c.message for c in record.checks if c.status != "pass"]
    if fault == "orphan":
        assert ("silver", "Order", "user_id", "orphan_fk") in failing(record)
        (q,) = [p.quarantine for p in record.partitions if p.quarantine]
        import io

        rows = pl.read_parquet(io.BytesIO(lake_store.read_bytes(q)))
        assert rows["id"].to_list() == ["o3"] and rows["status"].to_list() == ["LOST"]
    else:
        assert not lake_store.list("quarantine")
    assert lake_store.list(layout.runs_dir(DATE)) == [layout.run_record_path(DATE, record.run_id)]


def test_broken_contract_file_is_one_line_exit_2_with_undecided_record(local_lake, tmp_path):
    folder = write_contracts(
        tmp_path / "c", USER, ORDER.replace("nullable: false", "nullable: nope", 1)
    )
    clean_lake(local_lake)
    args = ["check", "--lake", str(local_lake.root), "--date", DATE, "--contracts", str(folder)]
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Order.yaml:" in lines[0] and "Traceback" not in res.output
    (path,) = local_lake.list(layout.runs_dir(DATE))
    record = RunRecord.model_validate_json(local_lake.read_text(path))
    assert (
        record.verdict == "undecided" and record.checks == [] and "Order.yaml" in record.errors[0]
    )


def test_empty_table_without_data_files_passes_and_a_lying_manifest_fails(local_lake, contracts):
    clean_lake(local_lake)
    for layer, rows in (("bronze", 0), ("silver", 3)):
        part = layout.partition_dir(layer, "postgres", DATE, "orders")
        for path in local_lake.list(part):
            local_lake.delete(path)
        write_partition(local_lake, layer, "orders", orders().head(0), files=0, row_count=rows)
    record = run_gate(local_lake, DATE, contracts_dir=contracts)
    bad = failing(record)
    assert ("silver", "Order", None, "row_count") in bad
    assert not {b for b in bad if b[0] == "bronze" and b[1] == "Order" and b[3] != "min_rows"}


@pytest.mark.azurite
def test_cli_check_on_an_azure_url_never_prints_the_key(
    azure_lake, azurite, contracts, monkeypatch
):
    clean_lake(azure_lake)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string)
    url = f"az://{azure_lake.container}/lake"
    args = ["check", "--lake", url, "--date", DATE, "--contracts", str(contracts)]
    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["inputs"]["lake"].startswith("az://") and azurite.account_key not in res.output
    assert azure_lake.list(layout.runs_dir(DATE)) == [layout.run_record_path(DATE, data["run_id"])]
    stored = azure_lake.read_text(layout.run_record_path(DATE, data["run_id"]))
    assert azurite.account_key not in stored


def test_spinner_ticks_only_when_shown():
    from wdguard.commands.check import _spinner

    with _spinner(False) as step:
        assert step is None
    with _spinner(True) as step:
        assert callable(step)
        step("bronze/orders")
