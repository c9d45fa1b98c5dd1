"""How fast the sample-lake generator writes, and how much memory it needs.

Runs each case in its own process (peak RSS per case):
  python bench/bench_lake_generate.py            # default cases
  python bench/bench_lake_generate.py 7 1.0 all  # days rows objects
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    (7, 1.0, "all"),  # the demo lake: 7 days, every table and collection
    (1, 100.0, "waste_collections"),  # one big partition (~1.3M rows)
    (1, 300.0, "waste_collections"),  # ~3.7M-row partition (10M: --rows 800, ~8 GB RSS)
]


def run_case(days: int, rows: float, objects: str) -> dict:
    from wdguard.contracts.io import load_contracts
    from wdguard.lake.storage import LocalStore
    from wdguard.sample.generate import generate_lake

    contracts = load_contracts(ROOT / "contracts")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        result = generate_lake(
            LocalStore(tmp),
            contracts,
            days=days,
            rows=rows,
            layers=["silver"],
            objects=None if objects == "all" else objects.split(","),
        )
        secs = time.perf_counter() - t0
    written = sum(p.rows for p in result.partitions)
    biggest = max(p.rows for p in result.partitions)
    return {
        "days": days,
        "rows_factor": rows,
        "objects": objects,
        "seconds": round(secs, 2),
        "rows_written": written,
        "largest_partition_rows": biggest,
        "rows_per_s": int(written / secs),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    if len(sys.argv) == 4:
        print(json.dumps(run_case(int(sys.argv[1]), float(sys.argv[2]), sys.argv[3])))
        return
    for days, rows, objects in CASES:
        out = subprocess.run(
            [sys.executable, __file__, str(days), str(rows), objects],
            capture_output=True,
            text=True,
            check=True,
        )
        print(out.stdout.strip())


if __name__ == "__main__":
    main()
