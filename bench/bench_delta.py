"""Benchmarks of the Delta support (run once by hand, nice'd; figures go to docs/benchmarks.md).

    .venv/bin/python bench/bench_delta.py drift [--commits 1000]
    .venv/bin/python bench/bench_delta.py gate [--rows 10000000]

* drift: one Delta table of `--commits` commits written by delta-rs (small appends; every
  100th merges a new column, so the history has real changes), then `wdguard drift lake`
  over it, in process (`lake_drift`) and as the CLI (a subprocess: imports included).
  Target: < 2 s.
* gate: bench_gate.py's 10M-row x 15-column silver partition, once as parquet files with
  `_source.json` (the default layout) and once as a date of a Delta table partitioned by
  `snapshot_date`; `wdguard check --layer silver` on each (a subprocess each, best of 2).
  Target: Delta within 1.1x of parquet.

Nothing is asserted: it prints the figures and writes bench/results_delta.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WDGUARD = [sys.executable, "-m", "wdguard.cli"]
RESULTS = ROOT / "bench" / "results_delta.json"


def _save(key: str, value: dict) -> None:
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[key] = value
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")


def _child_cpu() -> float:
    """CPU seconds (user + sys) of finished children: on a shared, loaded machine the
    wall time of a subprocess is mostly waiting for a core."""
    import resource

    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def bench_drift(commits: int) -> dict:
    import pyarrow as pa
    from deltalake import write_deltalake

    from wdguard.drift.lake_drift import lake_drift
    from wdguard.lake.storage import LocalStore

    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "silver" / "postgres" / "events"
        t0 = time.perf_counter()
        extra: list[str] = []
        for i in range(commits):
            if i and i % 100 == 0:
                extra.append(f"c{i}")
            cols = {"id": pa.array([i], pa.int64()),
                    "snapshot_date": pa.array([dt.date(2026, 1, 1) + dt.timedelta(i % 365)])}
            cols |= {c: pa.array(["x"]) for c in extra}
            write_deltalake(str(table), pa.table(cols), mode="append",
                            partition_by=["snapshot_date"],
                            schema_mode="merge" if extra else None)
        write_s = time.perf_counter() - t0
        store = LocalStore(tmp)
        t0 = time.perf_counter()
        result = lake_drift(store, [])
        in_process = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), _child_cpu()
        proc = subprocess.run([*WDGUARD, "drift", "lake", "--lake", tmp, "--contracts",
                               str(Path(tmp) / "none"), "--format", "json"],
                              capture_output=True, text=True, check=False)
        cli, cli_cpu = time.perf_counter() - t0, _child_cpu() - c0
        data = json.loads(proc.stdout)
    out = {"commits": commits, "write_s": round(write_s, 1),
           "drift_in_process_s": round(in_process, 3), "drift_cli_s": round(cli, 3),
           "drift_cli_cpu_s": round(cli_cpu, 3),
           "findings": len(result.findings), "cli_findings": len(data["findings"]),
           "cli_exit": proc.returncode}
    print(json.dumps(out, indent=2))
    return out


def _gate_seconds(lake: Path, contracts: Path, date: str) -> tuple[float, dict]:
    t0, c0 = time.perf_counter(), _child_cpu()
    proc = subprocess.run([*WDGUARD, "check", "--lake", str(lake), "--date", date,
                           "--layer", "silver", "--contracts", str(contracts),
                           "--format", "json"], capture_output=True, text=True, check=False)
    seconds, cpu = time.perf_counter() - t0, _child_cpu() - c0
    record = json.loads(proc.stdout)
    verdicts = {c["id"]: c["status"] for c in record["checks"]}
    return seconds, {"exit": proc.returncode, "verdicts": verdicts, "cpu_s": round(cpu, 2),
                     "rows": [p.get("row_count") for p in record["partitions"]]}


def bench_gate(rows: int) -> dict:
    import polars as pl
    import yaml
    from deltalake import write_deltalake

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_gate import CONTRACT, make_partition

    from wdguard.lake.manifest import Manifest, ManifestFile

    date = "2026-11-26"
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        contracts = base / "contracts"
        contracts.mkdir()
        (contracts / "BenchOrder.yaml").write_text(yaml.safe_dump(CONTRACT, sort_keys=False))
        plain = base / "parquet"
        part = plain / "silver" / "postgres" / date / "bench_orders"
        make_partition(part, rows)
        files = sorted(part.glob("part-*.parquet"))
        counts = [pl.scan_parquet(f).select(pl.len()).collect().item() for f in files]
        extracted = dt.datetime(2026, 11, 26, 6, tzinfo=dt.UTC)
        manifest = Manifest(source="postgres", layer="silver", object="bench_orders",
                            date=dt.date(2026, 11, 26), extracted_at=extracted, row_count=rows,
                            files=[ManifestFile(path=f.name, rows=n, bytes=f.stat().st_size)
                                   for f, n in zip(files, counts, strict=True)])
        (part / "_source.json").write_text(manifest.to_json())
        delta = base / "delta"
        table = delta / "silver" / "postgres" / "bench_orders"
        for f in files:  # one append per file: the same files, as a Delta writer lands them
            frame = pl.read_parquet(f).with_columns(
                snapshot_date=pl.lit(dt.date(2026, 11, 26)))
            write_deltalake(str(table), frame.to_arrow(), mode="append",
                            partition_by=["snapshot_date"])
        runs = {}
        for name, lake in (("parquet", plain), ("delta", delta)):
            best, info = None, None
            for _ in range(2):
                seconds, info = _gate_seconds(lake, contracts, date)
                best = seconds if best is None else min(best, seconds)
            runs[name] = {"seconds": round(best, 2), **{k: v for k, v in info.items()
                                                         if k != "verdicts"}}
            runs[name]["_verdicts"] = info["verdicts"]
    same, other = runs["parquet"]["_verdicts"], runs["delta"]["_verdicts"]
    differ = sorted(k for k in set(same) | set(other) if same.get(k) != other.get(k))
    for r in runs.values():
        r.pop("_verdicts")
    out = {"rows": rows, **runs,
           "ratio": round(runs["delta"]["seconds"] / runs["parquet"]["seconds"], 3),
           "verdicts_that_differ": differ}
    print(json.dumps(out, indent=2))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["drift", "gate"])
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    if args.what == "drift":
        _save("drift", bench_drift(args.commits))
    else:
        _save("gate", bench_gate(args.rows))


if __name__ == "__main__":
    main()
