"""A/B of the learned top-k's cost (run once by hand, on a partition bench_metrics.py built):

    cd bench && nice ../.venv/bin/python bench_metrics_topk.py FOLDER [--repeat 4]

Times the Polars partition checks (process CPU, best and median of `--repeat`) with metrics off,
with the default metrics but no `top_k` (the four text columns limited to null_share and
len_mean), and with the defaults, alternating in that order.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import bench_metrics as bm
import polars as pl


def main() -> None:
    from wdguard.checks.engines import get_engine
    from wdguard.contracts.model import contract_from_dict

    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--repeat", type=int, default=4)
    args = ap.parse_args()
    on, off = bm._contracts()
    d = json.loads(json.dumps(bm.CONTRACT))
    d["metrics"] = {"columns": {c: {"metrics": ["null_share", "len_mean"]}
                                for c in ("currency", "email", "notes", "code")}}
    no_topk = contract_from_dict(d)
    engine = get_engine("polars")

    def once(contract) -> float:
        c0 = time.process_time()
        lf = pl.scan_parquet(str(args.folder / "*.parquet"))
        engine.check_partition(lf, contract, "silver", where="x", sample_keys=5,
                               quarantine=False)
        return time.process_time() - c0

    once(off)  # warm the page cache
    times: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for label, contract in (("off", off), ("no_topk", no_topk), ("on", on)):
            times.setdefault(label, []).append(once(contract))
            print(label, round(times[label][-1], 2), flush=True)
    for name, pick in (("best", min), ("median", statistics.median)):
        v = {k: pick(t) for k, t in times.items()}
        print(name, {k: round(x, 2) for k, x in v.items()},
              f"on {v['on'] / v['off'] - 1:+.1%}, no_topk {v['no_topk'] / v['off'] - 1:+.1%}")


if __name__ == "__main__":
    main()
