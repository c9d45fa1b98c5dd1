"""Benchmark of the gold gate's heavy checks (run by hand; figures go to docs/benchmarks.md).

    .venv/bin/python bench/bench_gold.py [--rows 10000000] [--users 1000000] [--repeat 3]
    .venv/bin/python bench/bench_gold.py --engine spark [--master local[2]] [--repeat 1]

Writes, into a temp folder deleted afterwards, a silver `orders` partition of
`rows / 0.9` rows (about a tenth CANCELLED), the gold FactOrders partition built from it
(`--rows` rows), a DimUsers of `--users` surrogate keys and a DimTime calendar (parquet
files of 1M rows). Then times, alternating, best of `--repeat`:

* wdguard - the gold plan on Polars (`checks.gold.plan.evaluate`) on the specs derived
            from the contracts for the fact's reconciliation (count, sum of a decimal
            measure vs silver with a filter) and its two facts -> dimension anti-joins
* polars  - one hand-written Polars query doing the same work: the fact's count and sum,
            the filtered silver count and sum, two anti-join counts, one collect_all
* wdguard-all - every gold check of the fact (schema, not-null, grain, shares too), for
            information

With `--engine spark`, on the same files, each variant in its own subprocess (its own
SparkSession, started before the clock; the gate's session conf), `--repeat` times:

* wdguard - the gold plan on Spark (`SparkGold` hooks): every check of FactOrders
            (schema, not-null, grain, unknown-member share, count and sum reconciliation
            with silver, two anti-joins to the dimensions)
* pyspark - the same checks hand-written in PySpark: one aggregate of the fact, one of
            the filtered silver rows, two left-anti joins, collected one after the other

Reported: seconds (best), Spark jobs (a job group, including the 4 parquet scans) and
peak RSS (the Python process plus the JVM's VmHWM); bench/results_gold_spark.json.

Nothing is asserted: it prints a table and writes bench/results_gold.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from wdguard.checks.engines.polars.gold import PolarsGold  # noqa: E402
from wdguard.checks.gold.derive import derive_gold  # noqa: E402
from wdguard.checks.gold.plan import evaluate  # noqa: E402
from wdguard.contracts.gold import GoldContract  # noqa: E402
from wdguard.contracts.model import Contract  # noqa: E402

CHUNK = 1_000_000
DAY = dt.date(2026, 11, 26)
DAY_MS = int(dt.datetime(2026, 11, 26, tzinfo=dt.UTC).timestamp() * 1000)

SILVER = Contract.model_validate(
    {
        "contract": "Order",
        "source": {"kind": "postgres", "table": "orders"},
        "primary_key": ["id"],
        "columns": {
            "id": {"type": "bigint", "nullable": False},
            "user_id": {"type": "bigint", "nullable": False},
            "status": {"type": "string", "nullable": False},
            "total_amount": {"type": "decimal", "precision": 12, "scale": 2, "nullable": False},
            "created_at": {"type": "timestamp", "nullable": False},
        },
    }
)
GOLD = [
    GoldContract.model_validate(
        {
            "gold": "FactOrders",
            "kind": "fact",
            "grain": ["order_id"],
            "columns": {
                "order_id": {"type": "bigint", "nullable": False},
                "date_key": {"type": "integer", "nullable": False},
                "user_key": {"type": "bigint", "nullable": False},
                "amount": {"type": "decimal", "precision": 12, "scale": 2, "nullable": False},
            },
            "references": [
                {"column": "user_key", "dimension": "DimUsers", "unknown_max_share": 0.01},
                {"column": "date_key", "dimension": "DimTime"},
            ],
            "reconcile": {
                "source": "Order",
                "date_column": "created_at",
                "filter": "status <> 'CANCELLED'",
                "sums": [{"gold": "amount", "silver": "total_amount"}],
            },
        }
    ),
    GoldContract.model_validate(
        {
            "gold": "DimUsers",
            "kind": "dimension",
            "grain": ["user_key"],
            "surrogate_key": "user_key",
            "natural_key": ["user_id"],
            "unknown_member": -1,
            "columns": {
                "user_key": {"type": "bigint", "nullable": False},
                "user_id": {"type": "bigint"},
            },
        }
    ),
    GoldContract.model_validate(
        {
            "gold": "DimTime",
            "kind": "dimension",
            "grain": ["date_key"],
            "surrogate_key": "date_key",
            "natural_key": ["date"],
            "columns": {
                "date_key": {"type": "integer", "nullable": False},
                "date": {"type": "date", "nullable": False},
            },
            "calendar": {"date_column": "date"},
        }
    ),
]


def write(folder: Path, rows: int, users: int) -> None:
    rng = np.random.default_rng(7)
    silver_rows = int(rows / 0.9)
    for name in ("silver", "fact", "users", "time"):
        (folder / name).mkdir(parents=True)
    user_keys = np.arange(1, users + 1, dtype=np.int64) * 16
    pl.DataFrame(
        {
            "user_key": np.concatenate([[-1], user_keys]),
            "user_id": np.concatenate([[0], np.arange(1, users + 1)]),
        }
    ).with_columns(
        pl.when(pl.col("user_key") == -1).then(None).otherwise(pl.col("user_id")).alias("user_id")
    ).write_parquet(folder / "users" / "part-00000.parquet")
    dates = pl.date_range(dt.date(2024, 1, 1), dt.date(2027, 12, 31), "1d", eager=True)
    pl.DataFrame({"date": dates}).select(
        (
            pl.col("date").dt.year().cast(pl.Int32) * 10000
            + pl.col("date").dt.month().cast(pl.Int32) * 100
            + pl.col("date").dt.day().cast(pl.Int32)
        ).alias("date_key"),
        "date",
    ).write_parquet(folder / "time" / "part-00000.parquet")
    key = int(DAY.strftime("%Y%m%d"))
    for i, start in enumerate(range(0, silver_rows, CHUNK)):
        n = min(CHUNK, silver_rows - start)
        cents = rng.integers(100, 5_000_000, size=n)
        uid = rng.integers(1, users + 1, size=n)
        df = pl.DataFrame(
            {
                "id": np.arange(start, start + n, dtype=np.int64),
                "user_id": uid,
                "status": np.where(rng.random(n) < 0.1, "CANCELLED", "PAID"),
                "total_amount": pl.Series(cents).cast(pl.Decimal(38, 2)) / 100,
                "created_at": pl.Series(DAY_MS + rng.integers(0, 86_400_000, size=n)).cast(
                    pl.Datetime("ms", "UTC")
                ),
            }
        ).with_columns(pl.col("total_amount").cast(pl.Decimal(12, 2)))
        df.write_parquet(folder / "silver" / f"part-{i:05d}.parquet")
        df.filter(pl.col("status") != "CANCELLED").select(
            pl.col("id").alias("order_id"),
            pl.lit(key, dtype=pl.Int32).alias("date_key"),
            (pl.col("user_id") * 16).alias("user_key"),
            pl.col("total_amount").alias("amount"),
        ).write_parquet(folder / "fact" / f"part-{i:05d}.parquet")


def scans(folder: Path) -> tuple[dict, dict]:
    gold = {
        "FactOrders": pl.scan_parquet(folder / "fact" / "*.parquet"),
        "DimUsers": pl.scan_parquet(folder / "users" / "*.parquet"),
        "DimTime": pl.scan_parquet(folder / "time" / "*.parquet"),
    }
    return gold, {"Order": pl.scan_parquet(folder / "silver" / "*.parquet")}


def run_wdguard(folder: Path, kinds: set[str] | None) -> dict:
    gold, silver = scans(folder)
    specs = [
        s
        for s in derive_gold(GOLD, [SILVER])
        if s.object == "FactOrders" and (kinds is None or s.check in kinds)
    ]
    outs, rows = evaluate(specs, gold, silver, DAY.isoformat(), hooks=PolarsGold())
    bad = [(o.spec.check, o.status, o.message) for o in outs if o.status != "pass"]
    assert not bad, bad
    return {"checks": len(outs), "rows": rows["FactOrders"]}


def run_polars(folder: Path) -> dict:
    gold, silver = scans(folder)
    fact = gold["FactOrders"]
    qs = [
        fact.select(pl.len().alias("n"), pl.col("amount").sum().alias("s")),
        silver["Order"]
        .filter((pl.col("created_at").dt.date() == DAY) & (pl.col("status") != "CANCELLED"))
        .select(pl.len().alias("n"), pl.col("total_amount").sum().alias("s")),
        fact.select("user_key")
        .join(gold["DimUsers"].select("user_key"), on="user_key", how="anti")
        .select(pl.len()),
        fact.select("date_key")
        .join(gold["DimTime"].select("date_key"), on="date_key", how="anti")
        .select(pl.len()),
    ]
    g, s, o1, o2 = pl.collect_all(qs)
    assert g.row(0) == s.row(0) and o1.item() == 0 and o2.item() == 0
    return {"rows": g["n"][0]}


def _spark_frames(spark, folder: Path) -> tuple[dict, dict]:
    def read(name: str):
        return spark.read.parquet(*sorted(str(p) for p in (folder / name).glob("*.parquet")))

    gold = {"FactOrders": read("fact"), "DimUsers": read("users"), "DimTime": read("time")}
    return gold, {"Order": read("silver")}


def spark_wdguard(spark, engine, folder: Path) -> dict:
    from wdguard.checks.engines.spark.gold import SparkGold

    gold, silver = _spark_frames(spark, folder)
    specs = [s for s in derive_gold(GOLD, [SILVER]) if s.object == "FactOrders"]
    outs, rows = evaluate(
        specs, gold, silver, DAY.isoformat(), hooks=SparkGold(spark, engine.map)
    )
    bad = [(o.spec.check, o.status, o.message) for o in outs if o.status != "pass"]
    assert not bad, bad
    return {"checks": len(outs), "rows": rows["FactOrders"]}


def spark_by_hand(spark, folder: Path) -> dict:
    from pyspark.sql import functions as F

    gold, silver = _spark_frames(spark, folder)
    fact = gold["FactOrders"]
    required = ["order_id", "date_key", "user_key", "amount"]
    g = fact.agg(
        F.count(F.lit(1)).alias("n"),
        *[F.count_if(F.col(c).isNull()).alias(f"null_{c}") for c in required],
        F.count_distinct("order_id").alias("keys"),
        F.count_if(F.col("user_key") == -1).alias("unknown"),
        F.sum("amount").alias("s"),
    ).collect()[0]
    s = (
        silver["Order"]
        .where((F.to_date("created_at") == F.lit(DAY)) & (F.col("status") != "CANCELLED"))
        .agg(F.count(F.lit(1)).alias("n"), F.sum("total_amount").alias("s"))
        .collect()[0]
    )
    orphans = [
        fact.select(key).where(F.col(key).isNotNull())
        .join(gold[dim].select(key), key, "left_anti").count()
        for key, dim in (("user_key", "DimUsers"), ("date_key", "DimTime"))
    ]  # fmt: skip
    assert (g["n"], g["s"]) == (s["n"], s["s"]) and g["keys"] == g["n"], (g, s)
    assert not any(g[f"null_{c}"] for c in required) and g["unknown"] / g["n"] <= 0.01
    assert orphans == [0, 0], orphans
    return {"rows": g["n"]}


def spark_child(variant: str, folder: Path, master: str, repeat: int) -> None:
    from wdguard.checks.engines import SparkEngine, spark_session

    spark = spark_session(master)
    spark.conf.set("spark.sql.shuffle.partitions", "4")
    engine = SparkEngine(spark)
    sc = spark.sparkContext
    best, jobs, info = float("inf"), 0, {}
    with engine.running():
        for i in range(repeat):
            sc.setJobGroup(f"bench-{i}", variant)
            t = time.perf_counter()
            info = spark_wdguard(spark, engine, folder) if variant == "wdguard" else (
                spark_by_hand(spark, folder)
            )
            best = min(best, time.perf_counter() - t)
            jobs = len(sc.statusTracker().getJobIdsForGroup(f"bench-{i}"))
    pid = sc._gateway.proc.pid  # spark-submit execs the JVM in place
    jvm = next(
        int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    )
    py = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({**info, "seconds": round(best, 2), "spark_jobs": jobs,
                      "peak_rss_mb": round(py + jvm), "jvm_peak_mb": round(jvm)}))  # fmt: skip


def main_spark(args, folder: Path) -> None:
    results = {}
    for variant in ("wdguard", "pyspark"):
        proc = subprocess.run(
            [sys.executable, __file__, "--engine", "spark", "--child", variant, "--dir",
             str(folder), "--master", args.master, "--repeat", str(args.repeat)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if proc.returncode != 0:
            raise SystemExit(f"{variant} failed: {proc.stderr.strip().splitlines()[-3:]}")
        results[variant] = json.loads(proc.stdout.strip().splitlines()[-1])
    base = results["pyspark"]["seconds"]
    print(f"\nfact rows {results['pyspark']['rows']:,}, Spark {args.master}, best of {args.repeat}")
    print(f"{'variant':<10}{'seconds':>9}{'x hand':>8}{'jobs':>6}{'peak RSS MB':>13}")
    for name, r in results.items():
        print(f"{name:<10}{r['seconds']:>9.2f}{r['seconds'] / base:>8.2f}{r['spark_jobs']:>6}"
              f"{r['peak_rss_mb']:>13,}")  # fmt: skip
    out = {"rows": args.rows, "users": args.users, "master": args.master,
           "repeat": args.repeat, "variants": results,
           "ratio_vs_hand_written": round(results["wdguard"]["seconds"] / base, 3)}  # fmt: skip
    (ROOT / "bench" / "results_gold_spark.json").write_text(json.dumps(out, indent=2) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--users", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--engine", choices=("polars", "spark"), default="polars")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--child")  # internal: one Spark variant in this process
    ap.add_argument("--dir")
    args = ap.parse_args()
    if args.child:
        spark_child(args.child, Path(args.dir), args.master, args.repeat)
        return
    folder = Path(tempfile.mkdtemp(prefix="wdguard-bench-gold-"))
    try:
        t = time.perf_counter()
        write(folder, args.rows, args.users)
        print(f"wrote the partitions in {time.perf_counter() - t:.1f}s", flush=True)
        if args.engine == "spark":
            main_spark(args, folder)
            return
        same = {"reconcile_count", "reconcile_sum", "gold_orphan_key"}
        variants = {
            "wdguard": lambda: run_wdguard(folder, same),
            "polars": lambda: run_polars(folder),
            "wdguard-all": lambda: run_wdguard(folder, None),
        }
        best: dict[str, float] = {}
        info: dict[str, dict] = {}
        for _ in range(args.repeat):
            for name, fn in variants.items():
                t = time.perf_counter()
                info[name] = fn()
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - t)
        fact_rows = info["polars"]["rows"]
        print(
            f"\nfact rows {fact_rows:,}, silver rows {int(args.rows / 0.9):,}, "
            f"DimUsers {args.users:,}; best of {args.repeat}"
        )
        print(f"{'variant':<12} {'time':>8} {'vs polars':>10} {'fact rows/s':>14}")
        for name, secs in best.items():
            print(
                f"{name:<12} {secs:>7.2f}s {secs / best['polars']:>9.2f}x "
                f"{fact_rows / secs:>14,.0f}"
            )
        result = {
            "rows": args.rows,
            "users": args.users,
            "repeat": args.repeat,
            "seconds": {k: round(v, 3) for k, v in best.items()},
            "ratio_vs_polars": round(best["wdguard"] / best["polars"], 3),
            "checks": {k: v.get("checks") for k, v in info.items()},
        }
        (ROOT / "bench" / "results_gold.json").write_text(json.dumps(result, indent=2) + "\n")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
