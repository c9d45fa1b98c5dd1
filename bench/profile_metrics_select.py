"""Where the default metrics' CPU goes in the gate's one select (run by hand):

    .venv/bin/python bench/profile_metrics_select.py --dir DIR [--rounds 7]

DIR holds bench_gate.py's partition (made when empty). Captures the aggregates the plan
hands the Polars engine's `aggregate` hook with bench_metrics.py's contract (defaults on),
then times the one select with every metric against the same select without one group of
metrics (value counts - the shares' and the in_values checks', shared -, means, stddevs,
null shares, text lengths, distinct counts),
interleaved; prints each group's median CPU seconds. Learned top-k runs beside the
select (`OnHead`), so it is not in it. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_gate  # noqa: E402
import bench_metrics  # noqa: E402
from profile_gate_select import captured_select  # noqa: E402

from wdguard.checks.engines import get_engine  # noqa: E402
from wdguard.checks.engines.polars.metrics import OnHead  # noqa: E402

GROUPS = {  # a metric expression's text -> its group
    "shares": "== (", "means": ".mean()", "stddevs": ".std()",
    "null shares": "null_count().strict_cast(Float64)) / (len()", "text lengths": "len_bytes",
    "distinct": "approx_n_unique",
}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    folder = Path(args.dir)
    if not any(folder.glob("*.parquet")):
        bench_gate.make_partition(folder, 10_000_000)
    on, _ = bench_metrics._contracts()
    frame, captured = captured_select(lambda: get_engine("polars").check_partition(
        pl.scan_parquet(str(folder / "*.parquet")), on, "silver", where=str(folder)))
    aggs = {n: e for n, e in captured.items() if not isinstance(e, OnHead)}
    # the value shares are ratios of counts the plan shares with the in_values checks
    # (checks/value_counts.py): timed as one group, though the checks read them too
    metrics = {n: str(e) for n, e in aggs.items() if "metric" in n or n.startswith("__eq__")}

    def group_of(text: str) -> str:
        if text.endswith(".sum().strict_cast(Int64)") and "== (" in text:
            return "value counts (shares and in_values)"
        if "len_bytes" in text:
            return "text lengths"
        if text.startswith("len()"):
            return "row count"
        return next((g for g, mark in GROUPS.items() if mark in text), "other")

    groups: dict[str, set[str]] = {}
    for name, text in metrics.items():
        groups.setdefault(group_of(text), set()).add(name)
    groups["all metrics"] = {n for n in metrics if "metric" in n}  # the counts: checks' too

    def cpu(names: set[str]) -> float:
        t = time.process_time()
        frame.select([e.alias(n) for n, e in aggs.items() if n not in names]).collect(
            engine="streaming")
        return time.process_time() - t

    cost: dict[str, list[float]] = {g: [] for g in groups}
    for _ in range(args.rounds):
        for g, names in groups.items():
            cost[g].append(cpu(set()) - cpu(names))
    for g, runs in cost.items():
        print(f"{statistics.median(runs):6.3f} s CPU  {g} ({len(groups[g])} metrics)")


if __name__ == "__main__":
    main()
