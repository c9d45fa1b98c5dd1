"""Benchmark: the gate's partition checks with column metrics on vs off (run once by hand).

    nice .venv/bin/python bench/bench_metrics.py [--rows 10000000] [--repeat 3] [--spark-rows 1000000]
                                                 [--folder DIR]  (reuse a built partition)

Builds bench_gate.py's partition (`--rows` rows x 15 columns, parquet files of 1M rows) in
a temp folder, then times `check_partition` + the pandera schema step, as the gate runs
them, with the contract's default metrics and with `metrics: {enabled: false}`,
alternating on/off `--repeat` times and keeping each variant's best wall time and best
process CPU time (user + system of every thread: on a machine shared with other jobs
the CPU time is the steadier figure). The defaults include `top_k` on the four text
columns without declared values (currency, notes: low-cardinality; email, code: not).
On Spark it counts the jobs one partition runs (`--spark-rows` rows), metrics on
and off, through a job group. The contract's `user_id` is declared a foreign key, so the
defaults include a HyperLogLog distinct count, as on a real contract. Writes
bench/results_metrics.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import bench_gate
import polars as pl

CONTRACT = json.loads(json.dumps(bench_gate.CONTRACT))
CONTRACT["columns"]["user_id"]["references"] = "User.id"


def _contracts():
    from wdguard.contracts.metrics_config import MetricsConfig
    from wdguard.contracts.model import contract_from_dict

    on = contract_from_dict(CONTRACT)
    return on, on.model_copy(update={"metrics": MetricsConfig(enabled=False)})


def polars_once(folder: Path, contract) -> tuple[float, float, int]:
    from wdguard.checks.engines import get_engine

    t0, c0 = time.perf_counter(), time.process_time()
    lf = pl.scan_parquet(str(folder / "*.parquet"))
    result = get_engine("polars").check_partition(  # the plan + pandera's schema step
        lf, contract, "silver", where=str(folder), sample_keys=5, quarantine=False)
    return time.perf_counter() - t0, time.process_time() - c0, len(result.metrics)


def spark_jobs(folder: Path, rows: int, tmp: Path) -> dict:
    from wdguard.checks.engines import get_engine, spark_session

    small = tmp / "spark"
    small.mkdir()
    pl.scan_parquet(str(folder / "*.parquet")).head(rows).sink_parquet(small / "part.parquet")
    engine = get_engine("spark", spark=spark_session("local[2]"))
    sc = engine.spark.sparkContext
    out = {}
    for label, contract in zip(("on", "off"), _contracts(), strict=True):
        group = f"bench-metrics-{label}"
        sc.setJobGroup(group, "one partition")
        try:
            with engine.running():
                df = engine.spark.read.parquet(str(small))
                res = engine.check_partition(df, contract, "silver", where=str(small),
                                             sample_keys=5, quarantine=False)
        finally:
            sc.setJobGroup("other", "")
        out[label] = {"jobs": len(sc.statusTracker().getJobIdsForGroup(group)),
                      "metrics": len(res.metrics)}
    engine.spark.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--spark-rows", type=int, default=1_000_000)
    ap.add_argument("--skip-spark", action="store_true")
    ap.add_argument("--folder", type=Path, help="an existing partition folder (kept)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wdg-bench-metrics-"))
    try:
        folder = args.folder or tmp / "part"
        if args.folder is None:
            t0 = time.perf_counter()
            bench_gate.make_partition(folder, args.rows)
            print(f"partition: {args.rows:,} rows in {time.perf_counter() - t0:.1f}s")
        rows = pl.scan_parquet(str(folder / "*.parquet")).select(pl.len()).collect().item()
        on, off = _contracts()
        polars_once(folder, off)  # warm the page cache
        wall = {"on": float("inf"), "off": float("inf")}
        cpu = dict(wall)
        count = 0
        for _ in range(args.repeat):
            for label, contract in (("off", off), ("on", on)):
                seconds, used, n = polars_once(folder, contract)
                wall[label], cpu[label] = min(wall[label], seconds), min(cpu[label], used)
                count = max(count, n)
                print(f"  metrics {label}: {seconds:.2f}s wall, {used:.2f}s CPU")
        result = {"rows": rows, "metrics": count, "polars_wall_s": wall, "polars_cpu_s": cpu,
                  "polars_wall_overhead": round(wall["on"] / wall["off"] - 1, 4),
                  "polars_cpu_overhead": round(cpu["on"] / cpu["off"] - 1, 4)}
        print(f"polars ({count} metrics): wall off {wall['off']:.2f}s on {wall['on']:.2f}s "
              f"({result['polars_wall_overhead']:+.1%}); CPU off {cpu['off']:.2f}s on "
              f"{cpu['on']:.2f}s ({result['polars_cpu_overhead']:+.1%})")
        if not args.skip_spark:
            result["spark"] = spark_jobs(folder, args.spark_rows, tmp)
            print(f"spark jobs per partition ({args.spark_rows:,} rows): {result['spark']}")
        out = Path(__file__).with_name("results_metrics.json")
        out.write_text(json.dumps(result, indent=2) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
