"""A clean month of the whole sample lake gated day by day: how many anomalies, when.

    nice .venv/bin/python bench/anomaly_month.py [--days 35] [--rows 0.02] [--engine polars]
                                                 [--format parquet|delta]

Generates the sample lake (every contract, bronze and silver) into a temp folder, gates
each day in order (each run's metrics are the next runs' history) and prints every
anomaly raised, split into the training window (the first 14 days: the history is still
short) and the clean days after it, where the issue's bar is at most one anomaly per two
weeks across all contracts. Nothing is asserted; tests/test_metrics_anomalies.py is the
small, asserted version of the same proof.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from wdguard.checks.engines import get_engine
from wdguard.contracts.io import load_contracts
from wdguard.gate import run_gate
from wdguard.lake.storage import LocalStore
from wdguard.sample.generate import generate_lake

ROOT = Path(__file__).resolve().parents[1]
TRAINING = 14


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=35)
    ap.add_argument("--rows", type=float, default=0.02)
    ap.add_argument("--engine", default="polars")
    ap.add_argument("--format", default="parquet", help="the lake's silver: parquet or delta")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wdg-anomaly-month-"))
    try:
        store = LocalStore(tmp)
        result = generate_lake(store, load_contracts(ROOT / "contracts"), days=args.days,
                               rows=args.rows, layers=("bronze", "silver"), fmt=args.format)
        engine = get_engine(args.engine)
        t0 = time.perf_counter()
        judged = 0
        raised: list[tuple[int, str, str, str]] = []
        for i, day in enumerate(result.dates):
            record = run_gate(store, day, contracts_dir=ROOT / "contracts", engine=engine)
            for c in record.checks:
                if c.check != "anomaly":
                    continue
                if c.column == "*":
                    judged += c.details.get("judged", 0)
                elif c.status == "fail":
                    raised.append((i, day, c.id, c.message))
        clean = [r for r in raised if r[0] >= TRAINING]
        print(f"{len(result.dates)} days gated in {time.perf_counter() - t0:.0f}s, "
              f"{judged} metric judgements")
        print(f"anomalies in the training window (days 1-{TRAINING}): "
              f"{len(raised) - len(clean)}")
        print(f"anomalies on the {len(result.dates) - TRAINING} clean days after it: "
              f"{len(clean)} (bar: {(len(result.dates) - TRAINING) // 14})")
        shares = sum(1 for r in raised if ":share:" in r[2])
        print(f"value shares (declared or learned) among them: {shares}")
        for i, day, cid, msg in raised:
            print(f"  day {i + 1:2d} {day} {cid}: {msg}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
