"""Benchmark: inferring a contract from 100,000 sampled Mongo documents (target < 2 s).

Documents come from the fixture generator (fixtures/mongo/generate.py), already decoded
as pymongo returns them; the figure is the inference alone (one pass + contract), best of
three runs, for each WasteDump collection.

    .venv/bin/python bench/bench_mongo_infer.py [--docs 100000]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import time
from pathlib import Path

from wdguard.contracts.mongo_infer import profile, to_contract

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("mongo_generate",
                                                  ROOT / "fixtures" / "mongo" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    gen = _generator()
    print(f"inferring contracts from {args.docs:,} documents (best of {args.runs})")
    for collection in gen.COUNTS:
        docs = gen.documents(collection, args.docs)
        best = cpu = float("inf")
        for _ in range(args.runs):
            gc.collect()
            start, start_cpu = time.perf_counter(), time.process_time()
            prof = profile(docs)
            contract = to_contract(prof, name=collection, database="bench", collection=collection)
            best = min(best, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
        values = sum(sum(c.values()) for c in prof.types.values())
        print(f"  {collection:16} wall {best:6.3f} s  cpu {cpu:6.3f} s  "
              f"{len(contract.columns):3} paths  {values / 1e6:4.2f} M values  "
              f"({'ok' if best < 2 else 'SLOW'}: target < 2 s)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
