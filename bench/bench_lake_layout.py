"""Benchmark: the gate on a partition written by Spark vs the same partition in wdguard's
own layout (run once by hand; figures go to docs/benchmarks.md).

    nice .venv/bin/python bench/bench_lake_layout.py [--rows 10000000] [--files 40] [--runs 3]

Builds bench_gate.py's silver partition (`--rows` x 15 columns, 1M-row files, with its
`_source.json`) under `silver/postgres/{date}/bench_orders/`, then has a local Spark
rewrite the same rows with `repartition(--files).write.partitionBy("ingest_date")` (snappy,
Spark's file names, INT96 timestamps, `_SUCCESS` and `.crc` side files, no manifest)
under `spark/bench_orders/ingest_date={date}/`. Times `run_gate` (Polars engine, silver
layer) on each, alternating, `--runs` times in fresh subprocesses, and reports the
median of each and their ratio (target <= 1.1x). Writes bench/results_lake_layout.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_gate import CONTRACT, make_partition  # noqa: E402

DATE = "2026-11-26"
HIVE = {"silver": {"path": "spark/{object}/ingest_date={date}"}}


def _manifest(folder: Path, rows: int) -> None:
    import datetime as dt

    import polars as pl

    from wdguard.lake.manifest import Manifest, ManifestFile

    files = [
        ManifestFile(path=p.name, rows=pl.scan_parquet(p).select(pl.len()).collect().item(),
                     bytes=p.stat().st_size)
        for p in sorted(folder.glob("part-*.parquet"))
    ]  # fmt: skip
    m = Manifest(
        source="postgres", layer="silver", object="bench_orders", date=dt.date.fromisoformat(DATE),
        extracted_at=dt.datetime(2026, 12, 20, tzinfo=dt.UTC), row_count=rows, files=files,
    )  # fmt: skip
    (folder / "_source.json").write_text(m.to_json())


def _spark_copy(src: Path, dest: Path, files: int) -> float:
    from pyspark.sql import functions as F

    from wdguard.checks.engines import spark_session

    spark = spark_session("local[2]")
    started = time.perf_counter()
    df = spark.read.parquet(str(src)).withColumn("ingest_date", F.lit(DATE))
    df.repartition(files).write.option("compression", "snappy").partitionBy(
        "ingest_date"
    ).parquet(str(dest))
    took = time.perf_counter() - started
    spark.stop()
    return took


def _child(lake: str, contracts: str, styled: bool) -> None:
    """One gate run; prints its wall time and verdict as JSON."""
    from wdguard.gate import run_gate
    from wdguard.lake.layout import LakeLayout
    from wdguard.lake.storage import LocalStore

    lake_layout = LakeLayout.from_table(HIVE) if styled else None
    started = time.perf_counter()
    record = run_gate(
        LocalStore(lake), DATE, layers=("silver",), contracts_dir=contracts, write=False,
        lake=lake_layout,
    )  # fmt: skip
    took = time.perf_counter() - started
    (part,) = record.partitions
    print(json.dumps({
        "s": took, "exit": record.exit_code, "rows": part.row_count, "files": part.files,
        "failed": sorted(c.id for c in record.checks if c.status in ("fail", "error")),
    }))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", nargs=3)
    args = ap.parse_args()
    if args.child:
        lake, contracts, styled = args.child
        _child(lake, contracts, styled == "spark")
        return
    import yaml

    tmp = Path(tempfile.mkdtemp(prefix="wdguard-bench-lake-"))
    try:
        lake, contracts = tmp / "lake", tmp / "contracts"
        contracts.mkdir()
        (contracts / "BenchOrder.yaml").write_text(yaml.safe_dump(CONTRACT, sort_keys=False))
        own = lake / "silver" / "postgres" / DATE / "bench_orders"
        make_partition(own, args.rows)
        _manifest(own, args.rows)
        spark_s = _spark_copy(own, lake / "spark" / "bench_orders", args.files)
        times: dict[str, list[float]] = {"wdguard": [], "spark": []}
        seen: dict[str, dict] = {}
        for _ in range(args.runs):
            for style in ("wdguard", "spark"):
                out = subprocess.run(
                    [sys.executable, __file__, "--child", str(lake), str(contracts), style],
                    capture_output=True, text=True, check=True,
                )  # fmt: skip
                result = json.loads(out.stdout.strip().splitlines()[-1])
                times[style].append(result["s"])
                seen[style] = result
        med = {k: statistics.median(v) for k, v in times.items()}
        report = {
            "rows": args.rows, "columns": len(CONTRACT["columns"]),
            "files": {k: v["files"] for k, v in seen.items()},
            "runs": times, "median_s": med, "ratio": med["spark"] / med["wdguard"],
            "spark_write_s": spark_s, "verdicts": seen,
        }  # fmt: skip
        print(json.dumps(report, indent=2))
        out = Path(__file__).with_name("results_lake_layout.json")
        out.write_text(json.dumps(report, indent=2) + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
