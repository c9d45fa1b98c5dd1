"""Benchmark: the gate's partition checks on Spark vs pandera's PySpark backend vs Polars.

    .venv/bin/python bench/bench_spark.py [--rows 10000000] [--master local[2]]
                                          [--skip-pandera]

One silver partition of `--rows` rows x 15 columns, the same data and contract as
`bench_gate.py` (parquet files of 1M rows in a temp folder, deleted afterwards). Each
variant runs in its own subprocess, once:

* spark    - wdguard's Spark engine (`SparkEngine.check_partition`, as the gate runs it)
* pandera  - pandera's PySpark backend, same checks, data-level validation on
* polars   - wdguard's Polars engine (the gate's default)

Reported: seconds for the partition (the SparkSession start is reported apart), peak RSS
(the Python process plus, for Spark, the JVM's high-water mark), and the number of Spark
jobs the partition ran (a job group, counted through the status tracker). Nothing is
asserted; the table is printed and bench/results_spark.json written.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_gate import CONTRACT, COUNTRIES, STATUSES, make_partition  # noqa: E402


def _contract():
    from wdguard.contracts.model import contract_from_dict

    return contract_from_dict(CONTRACT)


def _session(master: str):
    from wdguard.checks.engines.spark.session import spark_session

    t0 = time.perf_counter()
    spark = spark_session(master)
    spark.conf.set("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 2)))
    return spark, time.perf_counter() - t0


def _jvm_hwm_mb(spark) -> float:
    """The JVM's peak resident memory (VmHWM), read from /proc while it still runs."""
    pid = spark.sparkContext._gateway.proc.pid  # spark-submit execs the JVM in place
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_spark(folder: Path, master: str) -> dict:
    from wdguard.checks.engines import SparkEngine

    spark, start_s = _session(master)
    sc = spark.sparkContext
    engine = SparkEngine(spark)
    sc.setJobGroup("wdguard", "one partition")
    t0 = time.perf_counter()
    with engine.running():
        df = spark.read.parquet(*sorted(str(p) for p in folder.glob("*.parquet")))
        result = engine.check_partition(
            df, _contract(), "silver", where=str(folder), sample_keys=5, quarantine=False
        )
    seconds = time.perf_counter() - t0
    jobs = len(sc.statusTracker().getJobIdsForGroup("wdguard"))
    failing = {o.spec.label: o.failing_rows for o in result.outcomes if o.failed}
    return {
        "rows": result.row_count,
        "failing": failing,
        "seconds": seconds,
        "session_start_s": round(start_s, 1),
        "spark_jobs": jobs,
        "failing_checks": len(failing),
        "jvm_peak_mb": round(_jvm_hwm_mb(spark), 1),
    }


def run_pandera(folder: Path, master: str) -> dict:
    os.environ["PANDERA_VALIDATION_DEPTH"] = "SCHEMA_AND_DATA"
    import pandera.pyspark as pa
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    spark, start_s = _session(master)
    sc = spark.sparkContext
    cols = CONTRACT["columns"]

    def column(dtype, name, checks=()):
        return pa.Column(dtype, checks=list(checks), nullable=cols[name].get("nullable", True))

    ts = T.TimestampType()
    schema = pa.DataFrameSchema(
        {
            "id": column(T.LongType(), "id"),
            "user_id": column(T.LongType(), "user_id"),
            "status": column(T.StringType(), "status", [pa.Check.isin(STATUSES)]),
            "amount": column(T.DecimalType(12, 2), "amount", [pa.Check.ge(0)]),
            "qty": column(T.IntegerType(), "qty", [pa.Check.ge(1), pa.Check.le(100)]),
            "currency": column(T.StringType(), "currency", [pa.Check.str_matches("^[A-Z]{3}$")]),
            "email": column(T.StringType(), "email", [pa.Check.str_matches("^[^@]+@[^@]+$")]),
            "score": column(T.DoubleType(), "score", [pa.Check.ge(0), pa.Check.le(1)]),
            "flag": column(T.BooleanType(), "flag"),
            "country": column(T.StringType(), "country", [pa.Check.isin(COUNTRIES)]),
            "created_at": column(ts, "created_at"),
            "updated_at": column(ts, "updated_at"),
            "paid_at": column(ts, "paid_at"),
            "notes": column(T.StringType(), "notes"),
            "code": column(T.StringType(), "code"),
        },
        unique=["id"],
    )
    sc.setJobGroup("pandera", "one partition")
    t0 = time.perf_counter()
    df = spark.read.parquet(*sorted(str(p) for p in folder.glob("*.parquet")))
    validated = schema.validate(df)
    errors = validated.pandera.errors
    # the rules, as a pandera user on Spark writes them: a filter and count per rule
    rules = {
        "paid_has_paid_at": df.where(~F.expr("status <> 'PAID' OR paid_at IS NOT NULL")).count(),
        "updated_after_created": df.where(~F.expr("updated_at >= created_at")).count(),
    }
    seconds = time.perf_counter() - t0
    jobs = len(sc.statusTracker().getJobIdsForGroup("pandera"))
    return {
        "errors": json.loads(json.dumps(errors, default=str)),
        "rules": rules,
        "seconds": seconds,
        "session_start_s": round(start_s, 1),
        "spark_jobs": jobs,
        "jvm_peak_mb": round(_jvm_hwm_mb(spark), 1),
    }


def run_polars(folder: Path) -> dict:
    import polars as pl

    from wdguard.checks.engines import PolarsEngine

    t0 = time.perf_counter()
    lf = pl.scan_parquet(str(folder / "*.parquet"))
    result = PolarsEngine().check_partition(
        lf, _contract(), "silver", where=str(folder), sample_keys=5, quarantine=False
    )
    return {
        "rows": result.row_count,
        "failing": {o.spec.label: o.failing_rows for o in result.outcomes if o.failed},
        "seconds": time.perf_counter() - t0,
    }


def child(variant: str, folder: Path, master: str) -> None:
    if variant == "spark":
        out = run_spark(folder, master)
    elif variant == "pandera":
        out = run_pandera(folder, master)
    else:
        out = run_polars(folder)
    out["seconds"] = round(out["seconds"], 2)
    py_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["python_peak_mb"] = round(py_mb, 1)
    out["peak_rss_mb"] = round(py_mb + out.get("jvm_peak_mb", 0.0), 1)
    print(json.dumps(out, default=str))


def measure(variant: str, folder: Path, master: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", variant, "--dir", str(folder), "--master", master],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-3:] if proc.stderr else ["failed"]
        return {"error": " | ".join(tail)}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--skip-pandera", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--dir")
    ap.add_argument("--out", default=str(Path(__file__).with_name("results_spark.json")))
    args = ap.parse_args()
    if args.child:
        child(args.child, Path(args.dir), args.master)
        return
    tmp = Path(tempfile.mkdtemp(prefix="wdguard-bench-spark-"))
    results: dict = {
        "rows": args.rows,
        "columns": len(CONTRACT["columns"]),
        "cpus": os.cpu_count(),
        "master": args.master,
    }
    try:
        make_partition(tmp / "p", args.rows)
        variants = ["spark", "polars"] + ([] if args.skip_pandera else ["pandera"])
        for variant in variants:
            results[variant] = measure(variant, tmp / "p", args.master)
            print(variant, results[variant], flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for v in ("spark", "polars", "pandera"):
        r = results.get(v) or {}
        if r.get("seconds"):
            r["rows_per_s"] = round(args.rows / r["seconds"])
    spark_s = (results.get("spark") or {}).get("seconds")
    pandera_s = (results.get("pandera") or {}).get("seconds")
    if spark_s and pandera_s:
        results["spark_vs_pandera_speedup"] = round(pandera_s / spark_s, 2)
    Path(args.out).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\n{'variant':<9}{'rows':>12}{'seconds':>9}{'rows/s':>13}{'peak RSS MB':>13}{'jobs':>6}")
    for v in ("spark", "pandera", "polars"):
        r = results.get(v)
        if not r or "seconds" not in r:
            if r:
                print(f"{v:<9} error: {r.get('error')}")
            continue
        print(
            f"{v:<9}{args.rows:>12,}{r['seconds']:>9.2f}{r['rows_per_s']:>13,}"
            f"{r['peak_rss_mb']:>13,.0f}{r.get('spark_jobs', '-'):>6}"
        )
    if "spark_vs_pandera_speedup" in results:
        print(f"spark engine vs pandera-pyspark: {results['spark_vs_pandera_speedup']}x faster")


if __name__ == "__main__":
    main()
