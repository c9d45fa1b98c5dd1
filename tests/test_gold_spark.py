"""The gold gate on Spark: the same record as on Polars, in the jobs the plan promises.

Parity on the sample's clean gold day and on a day with every gold fault injector
applied (status, failing rows and sample keys of every gold check, partition row counts,
exit code); the Spark jobs of a clean gold run counted; `wdguard check --layer gold
--engine spark` and `gate_date(..., layers=("gold",), engine="spark")` run gold on Spark
and say so in the run record.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

# the tiny-frame cases where Spark's own semantics could differ (nulls in keys, empty sums,
# filters, analysis errors, windows), run here on Spark (`gold_engine` below); the engine-
# neutral skips are Polars-only
from tests.test_gold_engine import (  # noqa: F401 - collected here on Spark
    run,
    test_a_dimensions_own_unknown_row_is_not_counted_in_its_share,
    test_a_query_that_cannot_run_is_an_error_naming_where,
    test_calendar_missing_and_repeated_days,
    test_decimal_sums_are_exact_and_empty_sums_are_zero,
    test_grain_counts_a_null_key_once_and_samples_duplicated_keys,
    test_grain_of_several_columns_is_the_tuple,
    test_missing_or_mistyped_columns_fail_and_skip_the_checks_that_need_them,
    test_orphans_counted_nulls_ignored_samples_sorted,
    test_reconcile_scope_is_the_date_and_the_filter,
    test_scd2_of_a_two_column_natural_key,
    test_scd2_overlap_and_empty_interval_and_many_current,
)
from wdguard.api import gate_date
from wdguard.checks.gold import derive_gold
from wdguard.cli import app
from wdguard.contracts.gold import load_gold_contracts
from wdguard.contracts.io import load_contracts
from wdguard.gate import run_gate
from wdguard.lake import layout
from wdguard.lake.storage import LocalStore
from wdguard.sample.faults_gold import GOLD_FAULTS, inject_gold
from wdguard.sample.generate import generate_lake

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


@pytest.fixture
def gold_engine(spark_engine):
    """The tiny Polars frames as Spark DataFrames, checked by the Spark hooks under the
    gate's session conf."""
    from wdguard.checks.gold.run import hooks_for

    with spark_engine.running():
        yield (
            lambda lf: spark_engine.spark.createDataFrame(lf.collect().to_arrow()),
            hooks_for(spark_engine),
        )


ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ROOT / "contracts"
LAST = "2026-11-26"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    root = tmp_path_factory.mktemp("gold-spark-lake")
    generate_lake(
        LocalStore(root), load_contracts(CONTRACTS), rows=0.05, days=1,
        gold=load_gold_contracts(CONTRACTS),
    )  # fmt: skip
    return root


@pytest.fixture
def lake(pristine, tmp_path):
    shutil.copytree(pristine, tmp_path / "lake")
    return LocalStore(tmp_path / "lake")


def gold_verdicts(record) -> dict:
    return {
        c.id: (c.status, c.failing_rows, c.sample_keys) for c in record.checks if c.layer == "gold"
    }


def assert_same(on_polars, on_spark) -> None:
    a, b = gold_verdicts(on_polars), gold_verdicts(on_spark)
    assert a, "no gold checks recorded"
    diff = {k: (a.get(k), b.get(k)) for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    assert not diff, f"polars vs spark: {diff}"
    rows = [
        {(p.object, p.row_count, p.exists) for p in r.partitions} for r in (on_polars, on_spark)
    ]
    assert rows[0] == rows[1]
    assert (on_polars.exit_code, on_polars.errors) == (on_spark.exit_code, on_spark.errors)
    assert (on_polars.inputs.engine, on_spark.inputs.engine) == ("polars", "spark")


def expected_jobs(store) -> tuple[int, int]:
    """(least, most) Spark jobs of a clean gold run, from the plan: one scan of each gold
    and silver partition read, one aggregate per gold table and per silver scope, one
    job per dimension reference and per SCD2 check; Spark may add one broadcast job per
    dimension reference (small dimensions are broadcast to the anti-join)."""
    specs = derive_gold(load_gold_contracts(CONTRACTS), load_contracts(CONTRACTS))
    tables = {s.object for s in specs}
    scopes = {
        (s.params["source"], s.params["date_column"], s.params["filter"])
        for s in specs
        if s.check.startswith("reconcile_")
    }
    refs = sum(s.check == "gold_orphan_key" for s in specs)
    scd2 = sum(s.check.startswith("scd2_") for s in specs)
    scans = len(tables) + len({source for source, _, _ in scopes})
    least = scans + len(tables) + len(scopes) + refs + scd2
    return least, least + refs


def test_clean_gold_day_same_record_on_spark_in_the_planned_jobs(lake, spark_engine):
    sc = spark_engine.spark.sparkContext
    sc.setJobGroup("wdg-gold-jobs", "a clean gold run")
    try:
        on_spark = run_gate(lake, LAST, layers=["gold"], contracts_dir=CONTRACTS,
                            engine=spark_engine, write=False)  # fmt: skip
    finally:
        sc.setJobGroup("other", "")
    jobs = len(sc.statusTracker().getJobIdsForGroup("wdg-gold-jobs"))
    on_polars = run_gate(lake, LAST, layers=["gold"], contracts_dir=CONTRACTS, write=False)
    assert on_spark.exit_code == 0
    assert all(s == "pass" for s, _, _ in gold_verdicts(on_spark).values())
    assert_same(on_polars, on_spark)
    least, most = expected_jobs(lake)
    assert least <= jobs <= most, (least, jobs, most)
    assert on_spark.versions["spark"] and "polars" not in on_spark.versions


def test_every_gold_fault_same_record_on_spark(lake, spark_engine):
    """All injectors on one day (each corrupts its own table or check): one Spark run."""
    gold = load_gold_contracts(CONTRACTS)
    faults = [inject_gold(name, lake, LAST, gold) for name in sorted(GOLD_FAULTS)]
    on_spark = run_gate(lake, LAST, layers=["gold"], contracts_dir=CONTRACTS,
                        engine=spark_engine, write=False)  # fmt: skip
    on_polars = run_gate(lake, LAST, layers=["gold"], contracts_dir=CONTRACTS, write=False)
    assert on_spark.exit_code == 1
    failed = {(c.object, c.check) for c in on_spark.checks if c.status == "fail"}
    for fault in faults:
        assert (fault.object, fault.check) in failed, fault.name
    assert_same(on_polars, on_spark)


def _calendar_only(tmp_path: Path) -> Path:
    """The silver contracts and DimTime alone: a gold run of one table (two jobs)."""
    folder = tmp_path / "contracts"
    shutil.copytree(CONTRACTS, folder)
    for f in (folder / "gold").glob("*.yaml"):
        if f.stem != "DimTime":
            f.unlink()
    return folder


def test_cli_check_layer_gold_engine_spark_runs_gold_on_spark(lake, spark, tmp_path):
    contracts = _calendar_only(tmp_path)
    inject_gold("dimtime_gap", lake, LAST, load_gold_contracts(contracts))
    args = ["check", "--lake", str(lake.root), "--date", LAST, "--layer", "gold",
            "--contracts", str(contracts), "--engine", "spark", "--format", "json"]  # fmt: skip
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 1, out.output
    (path,) = lake.list(layout.runs_dir(LAST))
    record = json.loads(lake.read_text(path))
    assert record["inputs"]["engine"] == "spark" and "spark" in record["versions"]
    bad = [c for c in record["checks"] if c["status"] == "fail" and c["severity"] == "error"]
    assert [(c["object"], c["check"]) for c in bad] == [("DimTime", "calendar_gap")]
    assert bad[0]["sample_keys"] == [{"date": "2025-10-22"}]


def test_gate_date_gold_on_spark_from_python(lake, spark, tmp_path):
    contracts = _calendar_only(tmp_path)
    record = gate_date(lake.root, LAST, layers=("gold",), contracts=contracts, spark=spark,
                       engine="spark", write=False)  # fmt: skip
    assert record.exit_code == 0 and record.inputs.engine == "spark"
    assert {c.object for c in record.checks if c.status == "pass"} == {"DimTime"}
