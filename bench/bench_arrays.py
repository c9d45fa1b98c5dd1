"""Benchmark of array-element checks (run once by hand; figures go to docs/benchmarks.md).

    nice .venv/bin/python bench/bench_arrays.py [--docs 1000000] [--per-array 10] [--repeat 3]

Writes one bronze Mongo partition of `--docs` documents, each with a string array `tags`
and an array of sub-documents `items` of `--per-array` elements (a few elements broken, so
failing counts are real), to a temp parquet file, then times on the same lazy scan:

* wdguard - `check_partition` with the element paths' checks (the partition's one
  select: list expressions per document, plus a sample pass per failing check);
* polars  - the same checks hand-written in Polars with one explode per array path,
  counting failing elements and failing documents.

Both must report the same counts (asserted); the best of `--repeat` runs is printed.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from wdguard.checks.derive import specs_for
from wdguard.checks.engines import check_partition
from wdguard.contracts.model import contract_from_dict

TAGS = ["careful", "clean", "friendly", "late", "on_time", "value"]
CONTRACT = {
    "contract": "BenchReview",
    "source": {"kind": "mongodb", "collection": "bench_reviews"},
    "primary_key": ["_id"],
    "columns": {
        "_id": {"type": "string", "nullable": False},
        "tags": {"type": "list", "items": "enum", "nullable": False},
        "tags[]": {"type": "enum", "nullable": False, "values": TAGS, "severity": "error"},
        "items": {"type": "list", "items": "object", "nullable": False},
        "items[]": {"type": "object", "nullable": False},
        "items[].sku": {"type": "string", "nullable": False, "regex": "^SKU-[0-9]+$"},
        "items[].quantity": {"type": "integer", "nullable": False, "min": 1, "max": 100},
        "items[].price": {"type": "float", "nullable": False, "min": 0},
    },
}


def write_partition(path: Path, docs: int, per: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    n = docs * per
    tags = np.asarray(TAGS + ["spotless"])[rng.choice(7, n, p=[0.1666] * 6 + [0.0004])]
    qty = rng.integers(1, 20, n)
    qty[rng.random(n) < 0.0002] = -1
    price = np.round(rng.random(n) * 500, 2)
    sku = pl.Series(rng.integers(0, 10**6, n)).cast(pl.String)
    flat = pl.DataFrame({"sku": "SKU-" + sku, "quantity": qty, "price": price}).with_columns(
        pl.when(pl.lit(pl.Series(rng.random(n) < 0.0002))).then(None)
        .otherwise(pl.col("sku")).alias("sku")
    )
    items = flat.select(pl.struct(pl.all()).alias("e"))["e"].reshape((docs, per))
    frame = pl.DataFrame(
        {
            "_id": pl.Series(np.arange(docs)).cast(pl.String).str.zfill(24),
            "tags": pl.Series(tags).reshape((docs, per)).cast(pl.List(pl.String)),
            "items": items.cast(pl.List(items.dtype.inner)),
        }
    )
    frame.write_parquet(path, row_group_size=100_000)


def wdguard_counts(lf: pl.LazyFrame) -> dict:
    contract = contract_from_dict(CONTRACT)
    specs = [s for s in specs_for(contract, "bronze") if "[]" in (s.column or "")]
    result = check_partition(lf, contract, "bronze", where="bench", specs=specs)
    return {
        o.spec.label: (o.failing_rows, o.details["failing_elements"])
        for o in result.outcomes
        if "failing_elements" in o.details
    }


def polars_counts(lf: pl.LazyFrame) -> dict:
    """The same checks, hand-written: one explode per array path, flags per element,
    failing elements summed and failing documents counted with n_unique."""
    doc = pl.int_range(pl.len()).alias("doc")
    tags = lf.select(doc, "tags").explode("tags")
    items = lf.select(doc, "items").explode("items").with_columns(
        pl.col("items").struct.field("sku"),
        pl.col("items").struct.field("quantity").cast(pl.Int32, strict=False),
        pl.col("items").struct.field("quantity").alias("raw_q"),
        pl.col("items").struct.field("price"),
    )
    inside = pl.col("items").is_not_null()
    flags = {
        "tags[]:not_null": (tags, pl.col("tags").is_null() & pl.col("doc").is_not_null()),
        "tags[]:in_values": (tags, ~pl.col("tags").is_in(TAGS)),
        "items[]:not_null": (items, pl.col("items").is_null() & pl.col("doc").is_not_null()),
        "items[].sku:not_null": (items, inside & pl.col("sku").is_null()),
        "items[].sku:regex": (items, ~pl.col("sku").str.contains("^SKU-[0-9]+$")),
        "items[].quantity:castable": (items, pl.col("raw_q").is_not_null()
                                      & pl.col("quantity").is_null()),
        "items[].quantity:not_null": (items, inside & pl.col("raw_q").is_null()),
        "items[].quantity:between": (items, (pl.col("quantity") < 1) | (pl.col("quantity") > 100)),
        "items[].price:castable": (items, pl.lit(False)),
        "items[].price:not_null": (items, inside & pl.col("price").is_null()),
        "items[].price:between": (items, pl.col("price") < 0),
    }
    out = {}
    for frame in (tags, items):
        mine = [(k, f.fill_null(False)) for k, (fr, f) in flags.items() if fr is frame]
        aggs = []
        for j, (_, f) in enumerate(mine):
            aggs.append(pl.col("doc").filter(f).n_unique().alias(f"d{j}"))
            aggs.append(f.sum().alias(f"e{j}"))
        row = frame.select(aggs).collect(engine="streaming").row(0, named=True)
        for j, (k, _) in enumerate(mine):
            out[k] = (int(row[f"d{j}"]), int(row[f"e{j}"]))
    return out


def best(fn, lf, repeat: int) -> tuple[float, dict]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn(lf)
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--per-array", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wdguard-arrays-"))
    try:
        path = tmp / "part-0.parquet"
        t = time.perf_counter()
        write_partition(path, args.docs, args.per_array)
        print(f"wrote {args.docs:,} documents x 2 arrays x {args.per_array} elements "
              f"in {time.perf_counter() - t:.1f}s")
        lf = pl.scan_parquet(path)
        w_time, w = best(wdguard_counts, lf, args.repeat)
        p_time, p = best(polars_counts, lf, args.repeat)
        assert w == p, {k: (w.get(k), p.get(k)) for k in w.keys() | p.keys() if w.get(k) != p.get(k)}
        failing = {k: v for k, v in w.items() if v[0]}
        print(f"{len(w)} element checks, failing (documents, elements): {failing}")
        print(f"wdguard check_partition : {w_time:6.2f} s")
        print(f"hand-written, one explode: {p_time:6.2f} s")
        print(f"wdguard / hand-written  : {w_time / p_time:6.2f}x (target <= 1.3x)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
