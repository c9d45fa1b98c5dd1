"""Where the gate's one select spends its CPU, expression by expression (run by hand).

    .venv/bin/python bench/profile_gate_select.py --dir DIR [--rows 10000000]

Generates `bench_gate.py`'s partition in DIR when it holds no parquet file, captures the
named aggregates the plan hands the Polars engine's `aggregate` hook (the one select, run
once as usual), then runs each alone and the decode of its input columns alone: the
difference is that check's own CPU beyond decoding. CPU seconds (`time.process_time`, every thread) are less
at the mercy of other jobs than wall time; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_gate as B  # noqa: E402

from wdguard.checks.engines import check_partition  # noqa: E402
from wdguard.checks.engines.polars.hooks import PolarsEngine  # noqa: E402


def captured_select(call) -> tuple[pl.LazyFrame, dict]:
    """The frame and the named aggregates the plan hands the Polars engine's `aggregate`
    hook (its one select) while `call()` checks a partition; the hook runs as usual."""
    seen: dict = {}
    original = PolarsEngine.aggregate

    def aggregate(self, frame, aggs):
        seen["frame"], seen["aggs"] = frame, aggs
        return original(self, frame, aggs)

    PolarsEngine.aggregate = aggregate
    try:
        call()
    finally:
        PolarsEngine.aggregate = original
    return seen["frame"], seen["aggs"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--rows", type=int, default=10_000_000)
    args = ap.parse_args()
    folder = Path(args.dir)
    if not any(folder.glob("*.parquet")):
        B.make_partition(folder, args.rows)
    frame, aggs = captured_select(lambda: check_partition(
        pl.scan_parquet(str(folder / "*.parquet")), B._contract(), "silver", where=str(folder)))

    def cpu(exprs: list[pl.Expr]) -> float:
        t = time.process_time()
        frame.select(exprs).collect(engine="streaming")
        return time.process_time() - t

    print(f"the one select, {len(aggs)} aggregates: {cpu([e.alias(n) for n, e in aggs.items()]):.2f} s CPU")
    for name, e in aggs.items():
        roots = sorted(set(e.meta.root_names()))
        decode = cpu([pl.col(r).null_count() for r in roots]) if roots else 0.0
        alone = cpu([e.alias(name)])
        print(f"{alone - decode:6.2f} beyond decode (alone {alone:5.2f}, decode {decode:5.2f})  "
              f"{name}: {str(e)[:120]}", flush=True)


if __name__ == "__main__":
    main()
