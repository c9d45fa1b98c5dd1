"""Benchmark: `wdguard cache stats` against a Redis holding 1M keys. Targets: the 1,000-key
sample in < 1 s, and < 1 % added to the server's command rate.

Starts a private redis-server on a free loopback port (never the shared one), loads 1M
keys with `redis-cli --pipe` (four prefixes, strings and hashes, 60 % with a TTL), then:

1. times the key-space sample (`sample_keys`, 1,000 keys) idle and under a workload
   (`redis-benchmark` GETs with 8 clients), median of several runs;
2. runs the whole `collect` (INFO, interval, INFO, sample) under that workload and reads
   `INFO commandstats` before and after: wdguard's commands (info, scan, type, pttl,
   memory|usage, dbsize; the workload sends none of them) against every command the server
   ran in the same span, as a count and as server CPU time (`usec`).

Stops both processes by pid. Run: .venv/bin/python bench/bench_cache.py [--keys N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures_redis import start_server  # noqa: E402

from wdguard.cache.stats import SampleOptions, collect, sample_keys  # noqa: E402
from wdguard.sources import redis as source  # noqa: E402

OURS = ("info", "scan", "type", "pttl", "memory|usage", "dbsize")


def _bulk(*words: str) -> bytes:
    out = [f"*{len(words)}\r\n".encode()]
    for w in words:
        b = w.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def load(port: int, n: int) -> float:
    """n keys: session:* (string, EX), cart:* (hash, EX), product:* (hash), user:* (string)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(["redis-cli", "-p", str(port), "--pipe"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL)
    chunk = []
    for i in range(n):
        kind = i % 5
        if kind in (0, 1):
            chunk.append(_bulk("SET", f"session:{i}", "s" * 40, "EX", str(3600 + i % 600)))
        elif kind == 2:
            chunk.append(_bulk("HSET", f"cart:{i}", "item", "p1", "qty", "2"))
            chunk.append(_bulk("EXPIRE", f"cart:{i}", "7200"))
        elif kind == 3:
            chunk.append(_bulk("HSET", f"product:{i}", "name", "bin 240l", "price", "19.90"))
        else:
            chunk.append(_bulk("SET", f"user:{i}", "u" * 80))
        if len(chunk) >= 20000:
            proc.stdin.write(b"".join(chunk))
            chunk = []
    proc.stdin.write(b"".join(chunk))
    proc.stdin.close()
    proc.wait(timeout=600)
    return time.perf_counter() - t0


def commandstats(client) -> dict[str, tuple[int, int]]:
    return {k.removeprefix("cmdstat_"): (v["calls"], v["usec"])
            for k, v in client.info("commandstats").items()}


def workload(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        ["redis-benchmark", "-p", str(port), "-t", "get", "-c", "8", "-n", "1000000000",
         "-r", "1000000", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def time_sample(url: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        client = source.connect(url)
        t0 = time.perf_counter()
        s = sample_keys(client, SampleOptions(max_keys=1000))
        out.append(time.perf_counter() - t0)
        assert s["sampled"] + s["vanished"] == 1000, s
        client.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for tool in ("redis-server", "redis-cli", "redis-benchmark"):
        if not shutil.which(tool):
            print(f"{tool} is not installed (apt-get install redis-server redis-tools)")
            return 2
    work = Path(tempfile.mkdtemp(prefix="wdguard-bench-cache-"))
    server = start_server(work)
    load_proc = None
    try:
        url = f"redis://127.0.0.1:{server.port}/0"
        admin = server.client()
        load_s = load(server.port, args.keys)
        dbsize = admin.dbsize()
        used = admin.info("memory")["used_memory"]
        idle = time_sample(url, args.runs)
        load_proc = workload(server.port)
        time.sleep(1.0)
        busy = time_sample(url, args.runs)

        # the whole run under the workload, measured from INFO commandstats
        before = commandstats(admin)
        t0 = time.perf_counter()
        client = source.connect(url)
        figures = collect(client, interval_s=args.interval, opts=SampleOptions(max_keys=1000),
                          target=url)
        client.close()
        span = time.perf_counter() - t0
        after = commandstats(admin)
        stop(load_proc)
        delta = {k: (after[k][0] - before.get(k, (0, 0))[0],
                     after[k][1] - before.get(k, (0, 0))[1]) for k in after}
        # the bench's own INFO commandstats (1 call, `before`) is counted under `info`
        ours_calls = sum(delta.get(k, (0, 0))[0] for k in OURS) - 1
        ours_usec = sum(delta.get(k, (0, 0))[1] for k in OURS)
        all_calls = sum(c for c, _ in delta.values()) - 1
        all_usec = sum(u for _, u in delta.values())
        others_calls, others_usec = all_calls - ours_calls, all_usec - ours_usec
        result = {
            "keys": dbsize,
            "used_memory_mb": round(used / 2**20, 1),
            "load_s": round(load_s, 1),
            "sample_1000_idle_s": {"median": round(statistics.median(idle), 3),
                                   "max": round(max(idle), 3)},
            "sample_1000_busy_s": {"median": round(statistics.median(busy), 3),
                                   "max": round(max(busy), 3)},
            "run_span_s": round(span, 2),
            "workload_commands_per_s": round(others_calls / span),
            "wdguard_commands": ours_calls,
            "wdguard_commands_by_kind": {k: delta.get(k, (0, 0))[0] for k in OURS},
            "added_command_share": round(ours_calls / others_calls, 5),
            "added_cpu_share": round(ours_usec / others_usec, 5),
            # the server rate at which this run's commands are exactly 1 % over its span
            "rate_for_1pct": round(ours_calls / 0.01 / span),
            "window_commands_per_s": figures["window"]["commands_per_s"],
            "window_hit_ratio": figures["window"]["hit_ratio"],
            "sample_prefixes": {p["prefix"]: p["share"] for p in figures["sample"]["prefixes"]},
            "sample_no_ttl_share": figures["sample"]["no_ttl_share"],
        }
        print(json.dumps(result, indent=2))
        ok = result["sample_1000_busy_s"]["median"] < 1 and result["added_command_share"] < 0.01
        print("targets met" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        if load_proc is not None:
            stop(load_proc)
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
