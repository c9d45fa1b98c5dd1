"""Benchmark of the gate's partition checks (run once by hand; figures go to the README).

    .venv/bin/python bench/bench_gate.py [--rows 10000000] [--big-rows 50000000]
                                         [--ge-rows 1000000] [--skip-ge] [--skip-big]
                                         [--only V,V] [--rounds N] [--shuffled-keys]

Generates one silver partition of `--rows` rows x 15 columns (parquet files of 1M rows,
written chunk by chunk with Polars into a temp folder that is deleted afterwards) and
times, each in its own subprocess so peak RSS is that variant's alone:

* wdguard   - the Polars engine's `check_partition` as the gate runs it: pandera's
              schema-level step, the plan, and the column metrics (on by default)
* checks    - the same with `metrics: {enabled: false}`: the checks alone
* floor     - the decode floor: every column decoded once (`pl.all().null_count()`) plus
              one sort of the key (numpy's, as since round 2); what any gate of this
              partition must at least spend
* floor_pl  - the same floor sorting the key with Polars (parallel; the gate's own sort)
* polars    - a hand-written single-pass Polars query computing the same checks
* pandera   - pandera's polars backend alone, with data-level checks forced on
* ge        - Great Expectations 1.x (pandas) with the equivalent expectations, on
              `--ge-rows` rows (pandas must hold the frame in memory), rate extrapolated
* big       - wdguard on a `--big-rows` partition (streaming), for peak RSS

Peak RSS is the child's own `ru_maxrss`; CPU seconds (every thread) count from the timed
start, like wall time, so the imports (pandera's and pandas' for wdguard, Polars' alone for
the floor) are in neither. `--shuffled-keys` permutes the key within each file, so no
sort can take the already-sorted fast path. Nothing here is asserted: it prints a table
and writes bench/results_gate.json.
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

import numpy as np
import polars as pl

CHUNK = 1_000_000
STATUSES = ["PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"]
COUNTRIES = ["KE", "UG", "TZ", "RW", "ET"]

CONTRACT = {
    "contract": "BenchOrder",
    "source": {"kind": "postgres", "table": "bench_orders"},
    "primary_key": ["id"],
    "columns": {
        "id": {"type": "bigint", "nullable": False},
        "user_id": {"type": "bigint", "nullable": False},
        "status": {"type": "enum", "nullable": False, "values": STATUSES},
        "amount": {"type": "decimal", "precision": 12, "scale": 2, "nullable": False, "min": 0},
        "qty": {"type": "integer", "nullable": False, "min": 1, "max": 100},
        "currency": {"type": "string", "nullable": False, "regex": "^[A-Z]{3}$"},
        "email": {"type": "string", "nullable": False, "regex": "^[^@]+@[^@]+$"},
        "score": {"type": "float", "min": 0, "max": 1},
        "flag": {"type": "boolean"},
        "country": {"type": "string", "accepted_values": COUNTRIES},
        "created_at": {"type": "timestamp", "nullable": False},
        "updated_at": {"type": "timestamp", "nullable": False},
        "paid_at": {"type": "timestamp"},
        "notes": {"type": "string"},
        "code": {"type": "string", "nullable": False},
    },
    "rules": [
        {"name": "paid_has_paid_at", "sql": "status <> 'PAID' OR paid_at IS NOT NULL"},
        {"name": "updated_after_created", "sql": "updated_at >= created_at"},
    ],
}


def _chunk(start: int, n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.arange(start, start + n, dtype=np.int64)
    status = rng.integers(0, len(STATUSES), n)
    created = 1_763_000_000_000 + rng.integers(0, 86_400_000 * 30, n)
    ts = pl.Datetime("ms", "UTC")
    paid = np.where(status == 1, created + 60_000, 0)
    df = pl.DataFrame(
        {
            "id": ids,
            "user_id": rng.integers(1, 1_000_000, n),
            "status": pl.Series(np.array(STATUSES)[status]),
            "amount": pl.Series(rng.integers(0, 1_000_000, n) / 100).cast(pl.Decimal(12, 2)),
            "qty": pl.Series(rng.integers(1, 101, n), dtype=pl.Int32),
            "currency": pl.Series(["KES"] * n),
            "score": rng.random(n),
            "flag": rng.random(n) < 0.5,
            "country": pl.Series(np.array(COUNTRIES)[rng.integers(0, 5, n)]),
            "created_at": pl.Series(created).cast(ts),
            "updated_at": pl.Series(created + rng.integers(0, 86_400_000, n)).cast(ts),
            "paid_at": pl.Series(paid).cast(ts),
            "notes": pl.Series(np.where(rng.random(n) < 0.8, "", "leave at the gate")),
        }
    )
    df = df.with_columns(
        email=pl.format("user{}@example.com", pl.col("user_id")),
        code=pl.format("C{}", pl.col("id")),
        paid_at=pl.when(pl.col("status") == "PAID").then(pl.col("paid_at")),
        notes=pl.when(pl.col("notes") != "").then(pl.col("notes")),
    )
    # a few realistic faults so every check has something to count
    df = df.with_columns(
        qty=pl.when(pl.col("id") % 100_003 == 0).then(pl.lit(0, pl.Int32)).otherwise("qty"),
        country=pl.when(pl.col("id") % 77_777 == 0).then(pl.lit("XX")).otherwise("country"),
    )
    cols = list(CONTRACT["columns"])
    return df.select(cols)


def make_partition(folder: Path, rows: int, shuffled_keys: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, start in enumerate(range(0, rows, CHUNK)):
        n = min(CHUNK, rows - start)
        chunk = _chunk(start, n, seed=i)
        if shuffled_keys:
            ids = np.random.default_rng(1000 + i).permutation(chunk["id"].to_numpy())
            chunk = chunk.with_columns(pl.Series("id", ids))
        chunk.write_parquet(folder / f"part-{i:05d}.parquet")


# ----------------------------------------------------------------- the variants (children)
def _contract():
    from wdguard.contracts.model import contract_from_dict

    return contract_from_dict(CONTRACT)


def run_wdguard(folder: Path, metrics: bool = True) -> dict:
    """The Polars engine's partition checks as the gate calls them (pandera's schema step,
    the plan, the column metrics unless `metrics` is off)."""
    from wdguard.checks.engines import get_engine
    from wdguard.contracts.metrics_config import MetricsConfig

    c = _contract()
    if not metrics:
        c = c.model_copy(update={"metrics": MetricsConfig(enabled=False)})
    lf = pl.scan_parquet(str(folder / "*.parquet"))
    result = get_engine("polars").check_partition(lf, c, "silver", where=str(folder))
    return {
        "rows": result.row_count,
        "failing": {o.spec.label: o.failing_rows for o in result.outcomes if o.failed},
        "metrics": len(result.metrics),
    }


def run_polars(folder: Path) -> dict:
    lf = pl.scan_parquet(str(folder / "*.parquet"))
    c = pl.col
    required = [n for n, col in CONTRACT["columns"].items() if not col.get("nullable", True)]
    exprs = [pl.len().alias("rows")]
    exprs += [c(n).is_null().sum().alias(f"{n}:not_null") for n in required]
    exprs += [
        (c("id").count() - c("id").drop_nulls().n_unique()).alias("id:duplicate_pk"),
        (~c("status").is_in(STATUSES)).sum().alias("status:in_values"),
        (~c("country").is_in(COUNTRIES)).fill_null(False).sum().alias("country:in_values"),
        (c("amount") < 0).sum().alias("amount:between"),
        ((c("qty") < 1) | (c("qty") > 100)).sum().alias("qty:between"),
        ((c("score") < 0) | (c("score") > 1)).fill_null(False).sum().alias("score:between"),
        (~c("currency").str.contains("^[A-Z]{3}$")).sum().alias("currency:regex"),
        (~c("email").str.contains("^[^@]+@[^@]+$")).sum().alias("email:regex"),
        (~((c("status") != "PAID") | c("paid_at").is_not_null()))
        .fill_null(False)
        .sum()
        .alias("rule:paid_has_paid_at"),
        (~(c("updated_at") >= c("created_at")))
        .fill_null(False)
        .sum()
        .alias("rule:updated_after_created"),
        c("created_at").max(),
        c("updated_at").max(),
        c("paid_at").max(),
    ]
    row = lf.select(exprs).collect(engine="streaming").row(0, named=True)
    failing = {k: v for k, v in row.items() if isinstance(v, int) and v and k != "rows"}
    # samples for failing checks, like wdguard (second cheap pass)
    lf.filter((c("qty") < 1) | (c("qty") > 100)).select("id").head(5).collect()
    lf.filter(~c("country").is_in(COUNTRIES)).select("id").head(5).collect()
    return {"rows": row["rows"], "failing": failing}


def run_floor(folder: Path, polars_sort: bool = False) -> dict:
    """Decode every column once, then sort the key: the floor the gate is compared to."""
    lf = pl.scan_parquet(str(folder / "*.parquet"))
    nulls = lf.select(pl.all().null_count()).collect(engine="streaming")
    keys = lf.select("id").collect(engine="streaming").to_series()
    if polars_sort:
        keys = keys.sort()
    else:
        keys = keys.to_numpy(writable=True)
        keys.sort()
    return {"rows": len(keys), "null_cells": int(nulls.sum_horizontal().item())}


def run_pandera(folder: Path) -> dict:
    from wdguard.checks.engines.polars.pandera_schema import validate

    cases = validate(_contract(), pl.scan_parquet(str(folder / "*.parquet")), data=True)
    counts = {} if cases is None else cases.group_by("column", "check").len().rows()
    return {"failing": [list(map(str, r)) for r in counts]}


def run_ge(folder: Path, rows: int) -> dict:
    import great_expectations as gx
    import great_expectations.expectations as E

    df = pl.scan_parquet(str(folder / "*.parquet")).head(rows).collect().to_pandas()
    t0 = time.perf_counter()
    ctx = gx.get_context(mode="ephemeral")
    batch = (
        ctx.data_sources.add_pandas("pd")
        .add_dataframe_asset("orders")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": df})
    )
    suite = ctx.suites.add(gx.ExpectationSuite(name="orders"))
    for n, col in CONTRACT["columns"].items():
        if not col.get("nullable", True):
            suite.add_expectation(E.ExpectColumnValuesToNotBeNull(column=n))
    suite.add_expectation(E.ExpectColumnValuesToBeUnique(column="id"))
    suite.add_expectation(E.ExpectColumnValuesToBeInSet(column="status", value_set=STATUSES))
    suite.add_expectation(E.ExpectColumnValuesToBeInSet(column="country", value_set=COUNTRIES))
    suite.add_expectation(E.ExpectColumnValuesToBeBetween(column="amount", min_value=0))
    suite.add_expectation(E.ExpectColumnValuesToBeBetween(column="qty", min_value=1, max_value=100))
    suite.add_expectation(E.ExpectColumnValuesToBeBetween(column="score", min_value=0, max_value=1))
    suite.add_expectation(E.ExpectColumnValuesToMatchRegex(column="currency", regex="^[A-Z]{3}$"))
    suite.add_expectation(E.ExpectColumnValuesToMatchRegex(column="email", regex="^[^@]+@[^@]+$"))
    suite.add_expectation(
        E.ExpectColumnValuesToNotBeNull(
            column="paid_at", row_condition='status=="PAID"', condition_parser="pandas"
        )
    )
    suite.add_expectation(
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="updated_at", column_B="created_at", or_equal=True
        )
    )
    t1 = time.perf_counter()
    result = batch.validate(suite, result_format="SUMMARY")
    validate_s = time.perf_counter() - t1
    failing = {
        r.expectation_config.type
        + ":"
        + str(r.expectation_config.kwargs.get("column")): r.result.get("unexpected_count")
        for r in result.results
        if not r.success
    }
    return {
        "rows": len(df),
        "failing": failing,
        "setup_s": round(t1 - t0, 3),
        "validate_s": validate_s,
    }


def child(variant: str, folder: Path, rows: int) -> None:
    # imports are not what is measured
    import wdguard.checks.engines.polars.hooks  # noqa: F401
    import wdguard.checks.engines.polars.pandera_schema  # noqa: F401
    import wdguard.checks.plan  # noqa: F401
    import wdguard.metrics.catalog  # noqa: F401

    if variant == "ge":
        import great_expectations  # noqa: F401
    t0, c0 = time.perf_counter(), time.process_time()
    if variant in ("wdguard", "big"):
        out = run_wdguard(folder)
    elif variant == "checks":
        out = run_wdguard(folder, metrics=False)
    elif variant == "polars":
        out = run_polars(folder)
    elif variant in ("floor", "floor_pl"):
        out = run_floor(folder, polars_sort=variant == "floor_pl")
    elif variant == "pandera":
        out = run_pandera(folder)
    else:
        out = run_ge(folder, rows)  # timed: validation only, not the pandas load or setup
    seconds = out.pop("validate_s", None) or (time.perf_counter() - t0)
    out["seconds"] = round(seconds, 3)
    out["cpu_s"] = round(time.process_time() - c0, 2)  # CPU: less at the mercy of other jobs
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(out, default=str))


def measure(variant: str, folder: Path, rows: int) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", variant, "--dir", str(folder), "--rows", str(rows)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--big-rows", type=int, default=50_000_000)
    ap.add_argument("--ge-rows", type=int, default=1_000_000)
    ap.add_argument("--skip-ge", action="store_true")
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--only", help="comma-separated variants of the 10M partition to run "
                    "(default: wdguard,checks,floor,floor_pl,polars,pandera)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run the variants this many times, interleaved; keep each one's "
                    "median-CPU run (its `runs` lists them all)")
    ap.add_argument("--shuffled-keys", action="store_true",
                    help="permute the key within each file (no sorted fast path)")
    ap.add_argument("--child")
    ap.add_argument("--dir")
    ap.add_argument("--out", default=str(Path(__file__).with_name("results_gate.json")))
    args = ap.parse_args()
    if args.child:
        child(args.child, Path(args.dir), args.rows)
        return
    tmp = Path(tempfile.mkdtemp(prefix="wdguard-bench-"))
    results: dict = {"rows": args.rows, "columns": len(CONTRACT["columns"]), "cpus": os.cpu_count()}
    try:
        t0 = time.perf_counter()
        make_partition(tmp / "p10", args.rows, shuffled_keys=args.shuffled_keys)
        results["generate_s"] = round(time.perf_counter() - t0, 1)
        results["bytes"] = sum(f.stat().st_size for f in (tmp / "p10").iterdir())
        results["shuffled_keys"] = args.shuffled_keys
        variants = (args.only or "wdguard,checks,floor,floor_pl,polars,pandera").split(",")
        runs: dict[str, list[dict]] = {v: [] for v in variants}
        for _ in range(args.rounds):
            for variant in variants:
                runs[variant].append(measure(variant, tmp / "p10", args.rows))
                print(variant, runs[variant][-1], flush=True)
        for variant, done in runs.items():
            ok = sorted((r for r in done if "cpu_s" in r), key=lambda r: r["cpu_s"])
            results[variant] = dict(ok[(len(ok) - 1) // 2]) if ok else done[0]
            results[variant]["runs"] = [(r.get("seconds"), r.get("cpu_s")) for r in done]
        if not args.skip_ge:
            results["ge"] = measure("ge", tmp / "p10", args.ge_rows)
            print("ge", results["ge"], flush=True)
        shutil.rmtree(tmp / "p10")
        if not args.skip_big:
            make_partition(tmp / "p50", args.big_rows)
            results["big"] = measure("big", tmp / "p50", args.big_rows)
            results["big"]["rows_total"] = args.big_rows
            print("big", results["big"], flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for v in ("wdguard", "checks", "floor", "floor_pl", "polars", "pandera", "ge", "big"):
        r = results.get(v) or {}
        if "seconds" in r:
            n = args.ge_rows if v == "ge" else (args.big_rows if v == "big" else args.rows)
            r["rows_per_s"] = round(n / r["seconds"])
    w = (results.get("wdguard") or {}).get("rows_per_s")
    for gate in ("wdguard", "checks"):
        for fl in ("floor", "floor_pl"):
            a, b = results.get(gate) or {}, results.get(fl) or {}
            if "seconds" in a and "seconds" in b:
                a[f"x_{fl}"] = round(a["seconds"] / b["seconds"], 2)
                a[f"x_{fl}_cpu"] = round(a["cpu_s"] / b["cpu_s"], 2)
                print(f"{gate} / {fl}: {a[f'x_{fl}']}x wall, {a[f'x_{fl}_cpu']}x CPU", flush=True)
    for v in ("polars", "pandera", "ge"):
        r = results.get(v) or {}
        if w and r.get("rows_per_s"):
            r["wdguard_speedup"] = round(w / r["rows_per_s"], 2)
    Path(args.out).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(
        f"\n{'variant':<10}{'rows':>12}{'seconds':>10}{'rows/s':>14}{'peak RSS MB':>13}{'wdguard x':>11}"
    )
    for v in ("wdguard", "checks", "floor", "floor_pl", "polars", "pandera", "ge", "big"):
        r = results.get(v)
        if not r or "seconds" not in r:
            if r:
                print(f"{v:<10} error: {r.get('error')}")
            continue
        n = args.ge_rows if v == "ge" else (args.big_rows if v == "big" else args.rows)
        print(
            f"{v:<10}{n:>12,}{r['seconds']:>10.2f}{r['rows_per_s']:>14,}{r['peak_rss_mb']:>13,.0f}"
            f"{r.get('wdguard_speedup', ''):>11}"
        )


if __name__ == "__main__":
    main()
