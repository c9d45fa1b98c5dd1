"""Cache health from a read-only Redis client: server facts, an interval window, a key sample.

The figures must be true, so the order of the commands matters:

1. `INFO` (sample 1): server facts; a cluster node or a replica is refused here (exit 2).
2. wdguard sends nothing for `interval` seconds.
3. `INFO` (sample 2): the window's hits, misses, evictions, expirations and commands are
   the differences of the two samples. wdguard's only command inside the window is the
   first `INFO` (Redis counts a command after it ran), and it is subtracted from the
   command count; `INFO` is not a key lookup, so hits and misses are the clients' own.
   A new server `run_id` or a lower uptime means a restart between the samples, a counter
   that went down means `CONFIG RESETSTAT`: the window is then marked invalid and no rate
   is reported (never a negative number).
4. Only then the key-space sample: `DBSIZE`, `SCAN ... COUNT` until `max_keys` keys or the
   time budget, then `TYPE`, `PTTL` and `MEMORY USAGE ... SAMPLES` per key, pipelined
   without a transaction. These lookups count as hits in Redis, which is why they come
   after the window. A key deleted or expired between `SCAN` and `TYPE` (`TYPE` says
   `none`) is counted as vanished, not an error. Key names are never kept: only their
   prefixes (the part before the first separator by default).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from wdguard.errors import InputError

SNAPSHOT_VERSION = 1
NO_PREFIX = "(no prefix)"
MAX_PREFIXES = 50
PIPELINE_BATCH = 200


@dataclass
class SampleOptions:
    max_keys: int = 1000
    scan_count: int = 1000
    time_budget_s: float = 5.0
    memory_samples: int = 5
    separator: str = ":"
    depth: int = 1


def _num(info: dict[str, Any], key: str) -> float | None:
    value = info.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def check_topology(info: dict[str, Any], target: str) -> None:
    """A cluster node or a replica gives figures for a part of the cache: refuse it."""
    if info.get("redis_mode") == "cluster" or info.get("cluster_enabled") == 1:
        raise InputError(
            "Redis runs in cluster mode: wdguard reads one standalone primary "
            "(its figures would cover one shard only)", where=target)
    mode = str(info.get("redis_mode", "standalone"))
    if mode != "standalone":
        raise InputError(f"Redis runs in {mode} mode: wdguard reads one standalone primary",
                         where=target)
    role = str(info.get("role", "master"))
    if role not in ("master", "primary"):
        primary = info.get("master_host")
        of = f" of {primary}:{info.get('master_port')}" if primary else ""
        raise InputError(
            f"Redis is a replica{of}: point --redis-url at the primary (a replica's hits "
            "and evictions are not the app's)", where=target)


def server_facts(info: dict[str, Any]) -> dict[str, Any]:
    """Version, role, uptime, memory against maxmemory, clients: from one INFO."""
    used, limit = _num(info, "used_memory"), _num(info, "maxmemory")
    return {
        "version": info.get("redis_version"),
        "mode": info.get("redis_mode", "standalone"),
        "role": info.get("role"),
        "server_run_id": info.get("run_id"),
        "uptime_s": _num(info, "uptime_in_seconds"),
        "connected_clients": _num(info, "connected_clients"),
        "used_memory": used,
        "used_memory_rss": _num(info, "used_memory_rss"),
        "maxmemory": limit,
        "maxmemory_policy": info.get("maxmemory_policy"),
        "used_memory_share": round(used / limit, 4) if used is not None and limit else None,
        "fragmentation_ratio": _num(info, "mem_fragmentation_ratio"),
    }


def keyspace(info: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Keys per database with the share that has an expiry (INFO keyspace)."""
    out = {}
    for name in sorted((k for k in info if k.startswith("db") and k[2:].isdigit()),
                       key=lambda k: int(k[2:])):
        db = info[name]
        if not isinstance(db, dict):
            continue
        keys, expires = int(db.get("keys", 0)), int(db.get("expires", 0))
        out[name] = {
            "keys": keys,
            "expires": expires,
            "expiring_share": round(expires / keys, 4) if keys else None,
            "avg_ttl_s": round(int(db.get("avg_ttl", 0)) / 1000, 1),
        }
    return out


COUNTERS = {
    "hits": "keyspace_hits",
    "misses": "keyspace_misses",
    "evictions": "evicted_keys",
    "expirations": "expired_keys",
    "commands": "total_commands_processed",
}


def _seconds(info: dict[str, Any], monotonic: float) -> float:
    usec = _num(info, "server_time_usec")
    return usec / 1e6 if usec is not None else monotonic


def window(before: dict[str, Any], after: dict[str, Any], t_before: float, t_after: float
           ) -> dict[str, Any]:
    """The interval's figures from two INFO samples (see the module docstring)."""
    elapsed = _seconds(after, t_after) - _seconds(before, t_before)
    if "server_time_usec" not in after or "server_time_usec" not in before:
        elapsed = t_after - t_before
    out: dict[str, Any] = {"seconds": round(elapsed, 3), "valid": True, "reason": None}
    restarted = (before.get("run_id") and after.get("run_id") != before.get("run_id")) or (
        (_num(after, "uptime_in_seconds") or 0) < (_num(before, "uptime_in_seconds") or 0))
    deltas = {k: (_num(after, v) or 0) - (_num(before, v) or 0) for k, v in COUNTERS.items()}
    deltas["commands"] -= 1  # wdguard's first INFO, counted once it had run
    if restarted:
        out.update(valid=False, reason="Redis restarted between the two samples "
                   f"(uptime {before.get('uptime_in_seconds')} s -> "
                   f"{after.get('uptime_in_seconds')} s)")
    elif any(v < 0 for v in deltas.values()):
        out.update(valid=False, reason="Redis counters went down between the two samples "
                   "(CONFIG RESETSTAT)")
    if not out["valid"] or elapsed <= 0:
        out["valid"] = False
        out["reason"] = out["reason"] or "no time passed between the samples"
        for k in COUNTERS:
            out[k] = None
        out.update(lookups=None, hit_ratio=None, evictions_per_min=None,
                   expirations_per_min=None, commands_per_s=None)
        return out
    for k in COUNTERS:
        out[k] = int(deltas[k])
    lookups = deltas["hits"] + deltas["misses"]
    out["lookups"] = int(lookups)
    out["hit_ratio"] = round(deltas["hits"] / lookups, 6) if lookups else None
    out["evictions_per_min"] = round(deltas["evictions"] / elapsed * 60, 3)
    out["expirations_per_min"] = round(deltas["expirations"] / elapsed * 60, 3)
    out["commands_per_s"] = round(deltas["commands"] / elapsed, 3)
    out["hits_per_s"] = round(deltas["hits"] / elapsed, 3)
    out["misses_per_s"] = round(deltas["misses"] / elapsed, 3)
    return out


def prefix_of(key: str, separator: str, depth: int) -> str:
    """`session:42:x` -> `session` (depth 1) or `session:42` (depth 2)."""
    if not separator or separator not in key:
        return NO_PREFIX
    return separator.join(key.split(separator)[:depth])


def sample_keys(client: redis.Redis, opts: SampleOptions,
                clock: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """A bounded sample of the selected database's key space, grouped by prefix."""
    started = clock()
    deadline = started + opts.time_budget_s
    dbsize = int(client.dbsize())
    keys: list[bytes] = []
    seen: set[bytes] = set()
    cursor, scans, stop = 0, 0, None
    if opts.max_keys > 0 and dbsize > 0:
        while True:
            cursor, batch = client.scan(cursor=cursor, count=opts.scan_count)
            scans += 1
            for k in batch:
                if k not in seen:  # SCAN may return a key twice
                    seen.add(k)
                    keys.append(k)
            if len(keys) >= opts.max_keys:
                stop = "max_keys"
                break
            if int(cursor) == 0:
                stop = "end of key space"
                break
            if clock() > deadline:
                stop = "time budget"
                break
    keys = keys[: opts.max_keys]
    groups: dict[str, dict[str, Any]] = {}
    vanished = looked_at = 0
    for i in range(0, len(keys), PIPELINE_BATCH):
        if clock() > deadline:
            stop = "time budget"
            break
        batch = keys[i : i + PIPELINE_BATCH]
        pipe = client.pipeline(transaction=False)
        for k in batch:
            pipe.type(k)
            pipe.pttl(k)
            if opts.memory_samples >= 0:
                pipe.memory_usage(k, samples=opts.memory_samples)
        replies = pipe.execute()
        step = 3 if opts.memory_samples >= 0 else 2
        for j, k in enumerate(batch):
            looked_at += 1
            kind, pttl = replies[j * step], replies[j * step + 1]
            mem = replies[j * step + 2] if step == 3 else None
            kind = kind.decode() if isinstance(kind, bytes) else str(kind)
            if kind == "none" or pttl == -2:  # gone between SCAN and TYPE: normal
                vanished += 1
                continue
            name = prefix_of(k.decode("utf-8", "backslashreplace"), opts.separator, opts.depth)
            g = groups.setdefault(name, {"keys": 0, "types": Counter(), "without_ttl": 0,
                                         "memory_bytes": 0, "memory_known": 0})
            g["keys"] += 1
            g["types"][kind] += 1
            if pttl == -1:
                g["without_ttl"] += 1
            if isinstance(mem, int):
                g["memory_bytes"] += mem
                g["memory_known"] += 1
    counted = sum(g["keys"] for g in groups.values())
    prefixes = []
    for name, g in sorted(groups.items(), key=lambda kv: (-kv[1]["keys"], kv[0])):
        share = g["keys"] / counted
        avg = g["memory_bytes"] / g["memory_known"] if g["memory_known"] else None
        est = round(share * dbsize)
        prefixes.append({
            "prefix": name,
            "keys": g["keys"],
            "share": round(share, 4),
            "est_keys": est,
            "types": dict(sorted(g["types"].items())),
            "with_ttl": g["keys"] - g["without_ttl"],
            "without_ttl": g["without_ttl"],
            "no_ttl_share": round(g["without_ttl"] / g["keys"], 4),
            "memory_bytes": g["memory_bytes"],
            "avg_bytes": round(avg, 1) if avg is not None else None,
            "est_memory_bytes": round(avg * est) if avg is not None else None,
        })
    others = prefixes[MAX_PREFIXES:]
    prefixes = prefixes[:MAX_PREFIXES]
    without = sum(p["without_ttl"] for p in prefixes + others)
    return {
        "db": int(client.connection_pool.connection_kwargs.get("db") or 0),
        "dbsize": dbsize,
        "requested": opts.max_keys,
        "scanned": len(keys),
        "sampled": counted,
        "looked_at": looked_at,
        "vanished": vanished,
        "scan_calls": scans,
        "scan_count": opts.scan_count,
        "stopped_by": stop or ("empty database" if dbsize == 0 else "max_keys"),
        "memory_samples": opts.memory_samples,
        "separator": opts.separator,
        "depth": opts.depth,
        "without_ttl": without,
        "no_ttl_share": round(without / counted, 4) if counted else None,
        "prefixes": prefixes,
        "other_prefixes": len(others),
        "duration_ms": round((clock() - started) * 1000, 1),
    }


def collect(
    client: redis.Redis,
    *,
    interval_s: float,
    opts: SampleOptions,
    target: str,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """INFO, wait `interval_s`, INFO, then sample the key space: the snapshot's figures."""
    before = client.info()
    t_before = time.monotonic()
    check_topology(before, target)
    sleep(interval_s)
    after = client.info()
    t_after = time.monotonic()
    return {
        "server": server_facts(after),
        "keyspace": keyspace(after),
        "window": window(before, after, t_before, t_after),
        "sample": sample_keys(client, opts),
    }
