"""The Spark engine on small hand-built data: the DataFrame API on clean and faulty frames,
cast parity with Polars, rules refused, job counts, quarantine, and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.gate_helpers import ORDER, USER, clean_lake, orders, silver_of, write_contracts
from wdguard.api import gate, validate_dataframe
from wdguard.checks.engines.polars import expressions as X
from wdguard.checks.engines.spark import expressions as S
from wdguard.checks.engines.spark.rule_sql import to_spark_sql
from wdguard.cli import app
from wdguard.contracts.io import parse_contract_text
from wdguard.contracts.rule_sql import rule_columns
from wdguard.errors import InputError
from wdguard.gate import run_gate
from wdguard.lake import layout

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]
DATE = "2026-11-20"
runner = CliRunner()


def silver_orders() -> pl.DataFrame:
    return silver_of(orders(), ORDER)


def failing(verdict) -> dict[str, int]:
    return {f"{c.column}:{c.check}": c.failing_rows for c in verdict.failed}


# ---- the DataFrame API -----------------------------------------------------------------


def test_validate_dataframe_clean_spark_frame_is_ok(spark):
    contract = parse_contract_text(ORDER, "Order.yaml")
    verdict = validate_dataframe(spark.createDataFrame(silver_orders().to_arrow()), contract)
    assert verdict.ok and verdict.failed == [] and verdict.row_count == 4
    assert verdict.engine == "spark"
    assert {c.check for c in verdict.checks} >= {"not_null", "in_values", "between", "rule"}


def test_validate_dataframe_faulty_frame_names_each_fault_with_counts(spark):
    contract = parse_contract_text(ORDER, "Order.yaml")
    bad = silver_orders().with_columns(
        pl.when(pl.col("id") == "o2").then(pl.lit("LOST")).otherwise("status").alias("status"),
        pl.when(pl.col("id") == "o3").then(None).otherwise("paid_at").alias("paid_at"),
        pl.when(pl.col("id") == "o4").then(pl.lit("o1")).otherwise("id").alias("id"),
        pl.when(pl.col("id") == "o1").then(pl.lit(101)).otherwise("qty").cast(pl.Int32).alias("qty"),
    )
    on_spark = validate_dataframe(spark.createDataFrame(bad.to_arrow()), contract)
    on_polars = validate_dataframe(bad, contract)
    expected = {
        "status:in_values": 1,
        "*:rule": 1,  # paid_has_paid_at: o3 is PAID without paid_at
        "id:duplicate_pk": 1,
        "qty:between": 1,
    }
    got = {k.replace("None:", "*:").replace("status,paid_at:", "*:"): v
           for k, v in failing(on_spark).items()}
    assert got == expected
    assert failing(on_spark) == failing(on_polars)
    assert not on_spark.ok and not on_polars.ok
    # qty is a warn-level column: its failure alone would not block the write
    assert next(c for c in on_spark.failed if c.check == "between").severity == "warn"
    assert "LOST" in next(c for c in on_spark.failed if c.check == "in_values").message
    dup = next(c for c in on_spark.failed if c.check == "duplicate_pk")
    assert dup.sample_keys == [{"id": "o1"}]
    assert "Order.status: WDG022" in on_spark.summary()


def test_validate_dataframe_refuses_a_rule_that_reads_anything(spark):
    text = ORDER.replace(
        "paid_has_paid_at, sql: \"status <> 'PAID' OR paid_at IS NOT NULL\"",
        "sneaky, sql: \"java_method('java.lang.System', 'getenv', 'HOME') IS NOT NULL\"",
    )
    contract = parse_contract_text(text, "Order.yaml")
    df = spark.createDataFrame(silver_orders().to_arrow())
    with pytest.raises(InputError) as info:
        validate_dataframe(df, contract)
    assert "sneaky" in info.value.one_line() and "java_method" in info.value.one_line()


@pytest.mark.parametrize(
    "sql",
    [
        "java_method('java.lang.System', 'exit', 1) = 1",
        "reflect('java.lang.Thread', 'sleep', 100000) IS NULL",
        "EXISTS (SELECT 1)",
        "qty > (SELECT max(qty) FROM orders)",
        "my_session_udf(qty) > 1",
    ],
)
def test_spark_rule_compiler_refuses_queries_and_unknown_functions(sql):
    with pytest.raises(ValueError):
        to_spark_sql(sql)


def test_spark_rule_sql_keeps_postgres_meaning():
    # "type" is a column in PostgreSQL and Polars, a string in Spark; 'it''s' one string
    assert to_spark_sql('"type" IS NOT NULL') == "`type` IS NOT NULL"
    assert rule_columns("status <> 'it''s' OR \"type\" = 'x'") == {"status", "type"}


def test_regex_end_anchor_means_end_of_text_on_both_engines(spark):
    assert S.java_regex(r"^[A-Z]{3}$") == r"^[A-Z]{3}\z"
    assert S.java_regex(r"[$]\$x$") == r"[$]\$x\z"
    values = ["KES", "KES\n", "kes", None]
    pdf = pl.DataFrame({"v": values}).select(~X.matches(pl.col("v"), "^[A-Z]{3}$"))
    sdf = spark.createDataFrame([(v,) for v in values], "v string")
    got = [r[0] for r in sdf.select(~S.matches(S.col("v"), "^[A-Z]{3}$")).collect()]
    assert got == pdf["v"].to_list() == [False, True, True, False]


# ---- a bronze value casts on both engines or on neither ------------------------------------

CAST_CORPUS = {
    "integer": ["12", "+12", "-0", " 12", "12 ", "12.0", "1e3", "0x10", "", "99999999999", "x"],
    "decimal": ["1.50", "10.5", ".5", "5.", "1e2", "12,50 KES", " 3.00", "-0.001", "abc", ""],
    "float": ["1.5", "nan", "inf", "-Infinity", "1e+3", "1,5", " 2", "0.1.2"],
    "timestamp": [
        "2026-11-20T10:11:12.123Z", "2026-11-20T10:11:12Z", "2026-11-20 10:11:12",
        "2026-11-20T10:11:12+01:00", "2026-11-20T10:11:12+0100", "2026-11-20",
        "2026-11-20T25:00:00", "2026-02-30", "2026-1-2", "2026", "2026-11-20T10:11",
        " 2026-11-20", "2026-11-20T10:11:12.123456789",
    ],
    "date": ["2026-11-20", "2026-02-30", "2026-11-20T10:00:00", "20261120", "2026-1-2"],
    "boolean": ["true", "T", " yes ", "0", "no", "maybe", ""],
}


@pytest.mark.parametrize("logical", sorted(CAST_CORPUS))
def test_bronze_text_castable_on_both_engines_or_neither(spark, logical):
    column = parse_contract_text(
        f"contract: C\nsource: {{kind: postgres, table: c}}\ncolumns:\n"
        f"  v: {{type: {logical}{', precision: 12, scale: 2' if logical == 'decimal' else ''}}}\n",
        "C.yaml",
    ).columns["v"]
    from wdguard.contracts.types import polars_dtype

    values = CAST_CORPUS[logical]
    target = polars_dtype(column)
    on_polars = pl.DataFrame({"v": values}).select(
        X.castable(pl.col("v"), X.to_type(pl.col("v"), pl.String(), target))
    )["v"].to_list()
    sdf = spark.createDataFrame([(v,) for v in values], "v string")
    typed = S.to_type(S.col("v"), sdf.schema["v"].dataType, S.spark_type(column))
    with_utc(spark)
    on_spark = [r[0] for r in sdf.select(S.castable(S.col("v"), typed)).collect()]
    assert dict(zip(values, on_spark, strict=True)) == dict(zip(values, on_polars, strict=True))


def with_utc(spark) -> None:
    spark.conf.set("spark.sql.session.timeZone", "UTC")


def test_hive_folder_values_have_the_contract_types_on_both_engines(spark, tmp_path):
    """A declared column only the folders hold: the Spark reader casts it to the one type
    map's Spark type (`contracts.spark_types`), Polars to its dtype; the same values."""
    from wdguard.contracts.spark_types import spark_type
    from wdguard.lake.formats import scan_polars, scan_spark
    from wdguard.lake.partition import ResolvedPartition
    from wdguard.lake.storage import LocalStore

    contract = parse_contract_text(
        "contract: C\nsource: {kind: postgres, table: c}\ncolumns:\n  id: {type: integer}\n"
        "  d: {type: date}\n  v: {type: decimal, scale: 2}\n  n: {type: bigint}\n", "C.yaml"
    )  # fmt: skip
    files = ["d=2026-11-20/v=12.5/n=7/a.parquet", "d=2026-11-21/v=x/n=8/b.parquet"]
    for i, f in enumerate(files):
        (tmp_path / "c" / f).parent.mkdir(parents=True)
        pl.DataFrame({"id": [i]}, schema={"id": pl.Int32}).write_parquet(tmp_path / "c" / f)
    part = ResolvedPartition("bronze", "postgres", "c", DATE, "c", listing=files)
    part.contract = contract
    store = LocalStore(tmp_path)
    sdf = scan_spark(spark, store, part)
    assert {n: sdf.schema[n].dataType for n in "dvn"} == {
        n: spark_type(contract.columns[n]) for n in "dvn"
    }  # decimal without precision: decimal(38,2) on both, as the lake stores it
    on_spark = sorted(tuple(r) for r in sdf.select("id", "d", "v", "n").collect())
    lf = scan_polars(store, part).select("id", "d", "v", "n")
    assert lf.collect_schema()["v"] == pl.Decimal(38, 2)
    assert on_spark == sorted(lf.collect().rows())  # "x" is no decimal: null on both


# ---- the gate on Spark: jobs, quarantine, the CLI ---------------------------------------


def test_partition_runs_in_at_most_three_jobs_plus_one_per_failing_check(
    local_lake, contracts_dir, spark_engine
):
    clean_lake(local_lake)
    from tests.gate_helpers import write_partition

    bad = orders().with_columns(
        pl.when(pl.col("id") == "o2").then(pl.lit("LOST")).otherwise("status").alias("status"),
        pl.lit(None, pl.String).alias("user_id"),
    )
    write_partition(local_lake, "bronze", "orders", bad, files=2)
    from wdguard.checks.partition import locate

    contract = parse_contract_text(ORDER, "Order.yaml")
    sc = spark_engine.spark.sparkContext
    part = locate(local_lake, "bronze", "postgres", DATE, "orders")
    sc.setJobGroup("wdg-test-jobs", "one partition")
    try:
        with spark_engine.running():
            df = spark_engine.scan(local_lake, part)
            result = spark_engine.check_partition(
                df, contract, "bronze", where=part.path, sample_keys=5, quarantine=False
            )
    finally:
        sc.setJobGroup("other", "")
    failed = [o for o in result.outcomes if o.failed]
    assert {o.spec.label for o in failed} == {"status:in_values", "user_id:not_null"}
    jobs = len(sc.statusTracker().getJobIdsForGroup("wdg-test-jobs"))
    assert jobs <= 3 + len(failed), jobs


def test_measures_ride_in_the_same_aggregation_job_and_agree_with_polars(spark_engine):
    """The plan's extension point (`measures`, e.g. column metrics): more aggregates in
    the ONE aggregation job on Spark (job count unchanged), the same values on Polars."""
    from wdguard.checks.engines import check_partition

    contract = parse_contract_text(ORDER, "Order.yaml")
    frame = silver_orders().with_columns(
        pl.when(pl.col("id") == "o2").then(None).otherwise("qty").cast(pl.Int32).alias("qty"))

    def measures(E, typed, types, counts):
        return {"qty_nulls": E.count_true(~E.not_null(typed["qty"])), "rows": E.row_count()}

    on_polars = check_partition(frame.lazy(), contract, "silver", where="o", measures=measures)
    assert on_polars.measures == {"qty_nulls": 1, "rows": 4}
    sdf = spark_engine.spark.createDataFrame(frame.to_arrow())
    sc = spark_engine.spark.sparkContext
    jobs = {}
    for name, extra in (("plain", None), ("measured", measures)):
        sc.setJobGroup(f"wdg-measures-{name}", name)
        try:
            with spark_engine.running():
                result = check_partition(sdf, contract, "silver", where="o", measures=extra)
        finally:
            sc.setJobGroup("other", "")
        jobs[name] = len(sc.statusTracker().getJobIdsForGroup(f"wdg-measures-{name}"))
    assert result.measures == on_polars.measures
    assert jobs["measured"] == jobs["plain"] <= 2, jobs  # aggregation + keys, nothing failed


def test_quarantine_on_spark_same_rows_and_layout_as_polars(local_lake, contracts_dir, spark_engine):
    clean_lake(local_lake)
    from tests.gate_helpers import write_partition

    write_partition(
        local_lake, "bronze", "orders",
        orders().with_columns(
            pl.when(pl.col("id") == "o2").then(pl.lit("-5")).otherwise("total_amount")
            .alias("total_amount")
        ),
        files=2,
    )
    paths = {}
    for engine in (None, spark_engine):
        record = run_gate(
            local_lake, DATE, layers=["bronze"], contracts_dir=contracts_dir, quarantine=True,
            engine=engine,
        )
        assert record.exit_code == 1
        (part,) = [p for p in record.partitions if p.quarantine]
        paths[record.inputs.engine] = part.quarantine
    frames = {k: pl.read_parquet(io.BytesIO(local_lake.read_bytes(v))) for k, v in paths.items()}
    for engine, rows in frames.items():
        assert paths[engine].startswith(layout.quarantine_dir(DATE, "orders") + "/bronze-")
        assert rows["id"].to_list() == ["o2"], engine
        assert rows["total_amount"].to_list() == ["-5"], engine  # the raw value, as landed
        assert rows["_wdguard_reasons"].to_list() == [["total_amount:between"]], engine
    assert frames["spark"].columns == frames["polars"].columns


def test_gate_api_with_spark_session_writes_the_record(tmp_path, contracts_dir, spark):
    from tests.gate_helpers import clean_lake as build
    from wdguard.lake.storage import LocalStore

    lake = tmp_path / "lake"
    lake.mkdir()
    build(LocalStore(lake))
    record = gate(spark, lake, DATE, contracts_dir=contracts_dir)
    assert record.exit_code == 0 and record.inputs.engine == "spark"
    assert record.versions["spark"] == spark.version
    assert LocalStore(lake).list(layout.runs_dir(DATE))


def test_cli_engine_spark_json_and_exit_codes(local_lake, contracts_dir, spark):
    clean_lake(local_lake)
    args = ["check", "--lake", str(local_lake.root), "--date", DATE,
            "--contracts", str(contracts_dir), "--engine", "spark"]
    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["inputs"]["engine"] == "spark" and data["verdict"] == "pass"
    from tests.gate_helpers import write_partition

    bad = silver_orders().with_columns(pl.lit("ghost").alias("user_id"))
    write_partition(local_lake, "silver", "orders", bad)
    res = runner.invoke(app, [*args, "--format", "text"])
    assert res.exit_code == 1 and "orphan_fk" in res.stdout
    res = runner.invoke(app, [*args[:-2], "--engine", "duckdb"])
    assert res.exit_code == 2 and "--engine" in res.stderr and "Traceback" not in res.output


def test_engine_from_wdguard_toml(local_lake, contracts_dir, spark, tmp_path, monkeypatch):
    clean_lake(local_lake)
    config = tmp_path / "wdguard.toml"
    config.write_text('[check]\nengine = "spark"\n')
    monkeypatch.setenv("WDGUARD_CONFIG", str(config))
    res = runner.invoke(app, ["check", "--lake", str(local_lake.root), "--date", DATE,
                              "--contracts", str(contracts_dir), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["inputs"]["engine"] == "spark"
    config.write_text('[check]\nengine = "pandas"\n')
    res = runner.invoke(app, ["check", "--lake", str(local_lake.root), "--date", DATE,
                              "--contracts", str(contracts_dir)])
    assert res.exit_code == 2 and "[check] engine" in res.stderr


def _cli(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wdguard.cli", *argv], env=env, capture_output=True, text=True,
        timeout=120,
    )


def test_missing_java_or_pyspark_is_one_line_and_exit_2(local_lake, contracts_dir, tmp_path):
    clean_lake(local_lake)
    argv = ["check", "--lake", str(local_lake.root), "--date", DATE,
            "--contracts", str(contracts_dir), "--engine", "spark"]
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "WDGUARD_CONFIG")}
    env["PATH"] = str(Path(sys.executable).parent)  # the venv, no java
    res = _cli(argv, env)
    assert res.returncode == 2, res.stderr
    (line,) = res.stderr.strip().splitlines()
    assert "Java" in line and "openjdk-17" in line
    fake = tmp_path / "nopyspark" / "pyspark"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('pyspark is not installed')\n")
    env = dict(os.environ, PYTHONPATH=str(fake.parent))
    res = _cli(argv, env)
    assert res.returncode == 2, res.stderr
    (line,) = res.stderr.strip().splitlines()
    assert "wdguard[spark]" in line
    assert not local_lake.list(layout.runs_dir(DATE))  # undecided before anything ran


def test_azure_lake_on_spark_reads_abfss_and_refuses_an_emulator_endpoint():
    from azure.storage.blob import ContainerClient

    from wdguard.lake.azure import AzureBlobStore

    real = ContainerClient("https://acct.blob.core.windows.net", "lake")
    store = AzureBlobStore(real, prefix="wd", url="abfss://lake@acct.dfs.core.windows.net/wd",
                           polars_options={})
    assert store.spark_uri("raw/a.parquet") == (
        "abfss://lake@acct.dfs.core.windows.net/wd/raw/a.parquet"
    )
    emulator = ContainerClient("http://127.0.0.1:10000/devstoreaccount1", "lake")
    store = AzureBlobStore(emulator, url="az://lake", polars_options={})
    with pytest.raises(InputError, match="abfss://"):
        store.spark_uri("raw/a.parquet")


@pytest.fixture
def contracts_dir(tmp_path):
    return write_contracts(tmp_path / "contracts", USER, ORDER)


_ = dt  # dates in helpers


def test_duplicate_keys_integer_bitmap_path_and_compound_keys_match_polars(spark):
    """A single integer key is counted through bitmap aggregates, other keys by group-by:
    both must give Polars' counts (nulls skipped, negatives, keys far apart)."""
    contract = parse_contract_text(
        "contract: K\nsource: {kind: postgres, table: k}\nprimary_key: [id]\n"
        "unique_keys: [[a, b]]\ncolumns:\n"
        "  id: {type: bigint, nullable: false}\n  n: {type: integer, unique: true}\n"
        "  a: {type: string}\n  b: {type: integer}\n",
        "K.yaml",
    )
    frame = pl.DataFrame(
        {
            "id": [1, 1, 1, -5, -5, 2**40, 2**40, 32768, 32769, 0, 0, None],
            "n": [7, 7, None, None, -1, -1, 100000, 3, 4, 5, 6, 8],
            "a": ["x", "x", "x", "y", None, None, "z", "z", "w", "w", "v", "v"],
            "b": [1, 1, 2, 3, None, None, 9, 9, 9, 9, 9, 9],
        },
        schema={"id": pl.Int64, "n": pl.Int32, "a": pl.String, "b": pl.Int32},
    )
    on_polars = validate_dataframe(frame, contract)
    on_spark = validate_dataframe(spark.createDataFrame(frame.to_arrow()), contract)
    counts = {c.column: c.failing_rows for c in on_spark.checks if c.check in ("duplicate_pk", "unique")}
    assert counts == {"id": 5, "n": 2, "a,b": 4}
    assert counts == {
        c.column: c.failing_rows for c in on_polars.checks if c.check in ("duplicate_pk", "unique")
    }


@pytest.mark.parametrize(("sql", "failing"), [("1 = 0", 4), ("1 = 1", 0), ("NULL", 0)])
def test_rule_reading_no_column_counts_every_row_on_both_engines(spark, sql, failing):
    """A constant rule is true or false for every row: `1 = 0` fails all 4 rows (it used to
    count 1 on Polars, a scalar summed once)."""
    text = ORDER.replace("status <> 'PAID' OR paid_at IS NOT NULL", sql)
    contract = parse_contract_text(text, "Order.yaml")
    frame = silver_orders()
    for verdict in (validate_dataframe(frame, contract),
                    validate_dataframe(spark.createDataFrame(frame.to_arrow()), contract)):
        (rule,) = [c for c in verdict.checks if c.name == "paid_has_paid_at"]
        assert (rule.status, rule.failing_rows) == ("fail" if failing else "pass", failing)


def test_short_error_names_the_java_cause_not_the_py4j_call():
    """A Py4J error's first line is only the Java call; the one-line error of an unreadable
    partition must carry the Spark exception and its root cause (found in QA: a bad .crc
    gave "cannot read partition: An error occurred while calling o10733.collectToPython.")."""
    from wdguard.checks.engines.spark.hooks import short

    text = (
        "An error occurred while calling o10733.collectToPython.\n"
        ": org.apache.spark.SparkException: [FAILED_READ_FILE.NO_HINT] Encountered error"
        " while reading file file:///lake/x/part-00000.parquet.  SQLSTATE: KD001\n"
        "\tat org.apache.spark.sql.errors.QueryExecutionErrors$.cannotReadFilesError(x)\n"
        "Caused by: java.io.IOException: wrapped\n\tat y\n"
        "Caused by: java.io.EOFException: Read past End of File\n\tat z\n"
    )
    got = short(RuntimeError(text))
    assert got.startswith("org.apache.spark.SparkException: [FAILED_READ_FILE.NO_HINT]")
    assert "part-00000.parquet" in got and "\n" not in got
    assert got.endswith("(caused by java.io.EOFException: Read past End of File)")
    assert short(ValueError("plain\nsecond")) == "plain"
