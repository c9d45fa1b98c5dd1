"""Benchmark: the gate's partition checks with column metrics on vs off (run once by hand).

    nice .venv/bin/python bench/bench_metrics.py [--rows 10000000] [--repeat 12] [--spark-rows 1000000]
                                                 [--folder DIR]  (reuse a built partition)

Builds bench_gate.py's partition (`--rows` rows x 15 columns, parquet files of 1M rows) in
a temp folder, then times `check_partition` + the pandera schema step, as the gate runs
them, with the contract's default metrics and with `metrics: {enabled: false}`,
in `--repeat` pairs (off-on, then on-off: neither always runs first). It reports the
median of the pairs' overheads with its quartiles, and the best run of each (wall, and
process CPU: user + system of every thread, the steadier figure on a shared machine). The defaults include `top_k` on the four text
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
import statistics
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


def _overheads(runs: dict, kind: str, at: int) -> dict:
    """Metrics-on over metrics-off, per pair of runs (on a 2-core machine one run's noise
    is a few percent: the median of the pairs' ratios is the figure, its quartiles the
    spread), and the best run of each."""
    on, off = ([r[at] for r in runs[k]] for k in ("on", "off"))
    ratios = sorted(a / b - 1 for a, b in zip(on, off, strict=True))
    q1, med, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return {f"polars_{kind}_s": {"on": min(on), "off": min(off)},
            f"polars_{kind}_overhead": {"median": round(med, 4), "q1": round(q1, 4),
                                        "q3": round(q3, 4),
                                        "best": round(min(on) / min(off) - 1, 4)}}


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
    ap.add_argument("--repeat", type=int, default=12)
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
        runs: dict[str, list[tuple[float, float]]] = {"on": [], "off": []}
        count = 0
        for i in range(args.repeat):  # pairs, the order alternating (no first-run bias)
            order = (("off", off), ("on", on)) if i % 2 == 0 else (("on", on), ("off", off))
            for label, contract in order:
                seconds, used, n = polars_once(folder, contract)
                runs[label].append((seconds, used))
                count = max(count, n)
                print(f"  metrics {label}: {seconds:.2f}s wall, {used:.2f}s CPU", flush=True)
        result = {"rows": rows, "metrics": count, "pairs": args.repeat,
                  **_overheads(runs, "wall", 0), **_overheads(runs, "cpu", 1)}
        for kind in ("wall", "cpu"):
            o = result[f"polars_{kind}_overhead"]
            print(f"polars {kind} ({count} metrics): off {result[f'polars_{kind}_s']['off']:.2f}s"
                  f" on {result[f'polars_{kind}_s']['on']:.2f}s (best of each); overhead per pair:"
                  f" median {o['median']:+.1%}, quartiles {o['q1']:+.1%} .. {o['q3']:+.1%},"
                  f" best-of-each {o['best']:+.1%}")
        if not args.skip_spark:
            result["spark"] = spark_jobs(folder, args.spark_rows, tmp)
            print(f"spark jobs per partition ({args.spark_rows:,} rows): {result['spark']}")
        out = Path(__file__).with_name("results_metrics.json")
        out.write_text(json.dumps(result, indent=2) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
