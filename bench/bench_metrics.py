"""Benchmark: the gate's partition checks with column metrics on vs off (run once by hand).

    nice .venv/bin/python bench/bench_metrics.py [--rows 10000000] [--repeat 3] [--spark-rows 1000000]
                                                 [--folder DIR]  (reuse a built partition)

Builds bench_gate.py's partition (`--rows` rows x 15 columns, parquet files of 1M rows) in
a temp folder, then times `check_partition` + the pandera schema step, as the gate runs
them, with the contract's default metrics and with `metrics: {enabled: false}`,
alternating on/off `--repeat` times. "on" is the steady state: each text column's
top-k counting mode as the history of a first run gives it (low-cardinality columns
counted whole, high-cardinality ones left alone); "probe" is that first run (every text
column probed on its first 100k values) and keeping each variant's best wall time and best
process CPU time (user + system of every thread: on a machine shared with other jobs
the CPU time is the steadier figure). On Spark it counts the jobs one partition runs (`--spark-rows` rows), metrics on
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


def polars_once(folder: Path, contract, modes=None):
    from wdguard.checks.engines import get_engine

    t0, c0 = time.perf_counter(), time.process_time()
    lf = pl.scan_parquet(str(folder / "*.parquet"))
    result = get_engine("polars").check_partition(  # the plan + pandera's schema step
        lf, contract, "silver", where=str(folder), sample_keys=5, quarantine=False,
        count_modes=modes)
    return time.perf_counter() - t0, time.process_time() - c0, result.metrics


def steady_modes(measured) -> dict[str, str]:
    """The counting modes the gate derives from a first (probing) run's `top_k` rows."""
    from wdguard.metrics.catalog import TOP, count_mode

    return {s.column: count_mode(v, True) for s, v in measured if s.metric == TOP}


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
        modes = steady_modes(polars_once(folder, on)[2])  # the first run's verdicts
        print(f"top-k counting modes after a first run: {modes}")
        wall = {"on": float("inf"), "off": float("inf"), "probe": float("inf")}
        cpu = dict(wall)
        count = 0
        for _ in range(args.repeat):
            for label, contract, m in (("off", off, None), ("on", on, modes), ("probe", on, None)):
                seconds, used, got = polars_once(folder, contract, m)
                wall[label], cpu[label] = min(wall[label], seconds), min(cpu[label], used)
                if label == "on":
                    count = len(got)
                print(f"  metrics {label}: {seconds:.2f}s wall, {used:.2f}s CPU")
        result = {"rows": rows, "metrics": count, "modes": modes,
                  "polars_wall_s": wall, "polars_cpu_s": cpu}
        for v in ("on", "probe"):
            result[f"polars_wall_overhead_{v}"] = round(wall[v] / wall["off"] - 1, 4)
            result[f"polars_cpu_overhead_{v}"] = round(cpu[v] / cpu["off"] - 1, 4)
            print(f"polars {v} ({count} metrics): wall off {wall['off']:.2f}s {v} "
                  f"{wall[v]:.2f}s ({result[f'polars_wall_overhead_{v}']:+.1%}); CPU off "
                  f"{cpu['off']:.2f}s {v} {cpu[v]:.2f}s ({result[f'polars_cpu_overhead_{v}']:+.1%})")
        if not args.skip_spark:
            result["spark"] = spark_jobs(folder, args.spark_rows, tmp)
            print(f"spark jobs per partition ({args.spark_rows:,} rows): {result['spark']}")
        out = Path(__file__).with_name("results_metrics.json")
        out.write_text(json.dumps(result, indent=2) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
