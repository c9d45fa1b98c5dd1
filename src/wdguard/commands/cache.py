"""`wdguard cache stats`: Redis cache health over an interval, read-only.

Exit 0 nothing failing, 1 an error-level cache finding (RDC1xx), 2 could not decide
(unreachable, wrong password, TLS mismatch, hung server, cluster node or replica, bad
option or config). The URL's password is never printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from wdguard.audit import audit_command
from wdguard.commands._common import (
    FORMAT_OPTION,
    OutputFormat,
    console,
    err_console,
    guarded,
    print_json,
)
from wdguard.errors import InputError, WdguardError


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f} %"


def _bytes(v: float | None) -> str:
    if v is None:
        return "—"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(v) < 1024 or unit == "TiB":
            return f"{v:,.0f} {unit}" if unit == "B" else f"{v:,.1f} {unit}"
        v /= 1024
    return str(v)


@guarded
@audit_command("cache stats")
def cache_stats(
    redis_url: str | None = typer.Option(
        None, "--redis-url", help="redis://[user:password@]host:port/db, rediss:// or unix:// "
        "(default: $WDGUARD_REDIS_URL; prefer the variable: the password is never printed).",
        show_default=False),
    interval: float | None = typer.Option(
        None, "--interval", help="Seconds between the two INFO samples [default: 10]."),
    sample_keys: int | None = typer.Option(
        None, "--sample-keys", help="At most this many keys in the key-space sample "
        "[default: 1000; 0: none]."),
    time_budget: float | None = typer.Option(
        None, "--time-budget", help="Seconds the key-space sample may take [default: 5]."),
    prefix_sep: str | None = typer.Option(
        None, "--prefix-sep", help="Key prefix separator [default: ':'].", show_default=False),
    lake: str | None = typer.Option(
        None, "--lake", "-l", help="Keep the snapshot in this lake "
        "(_wdguard/cache/{date}/{run_id}.json) [default: $WDGUARD_LAKE, else not kept].",
        show_default=False),
    date: str | None = typer.Option(
        None, "--date", "-d", help="The pipeline date the snapshot is kept under in the lake, "
        "the date the nightly report shows it for [default: today, UTC].", show_default=False),
    config: Path | None = typer.Option(None, "--config", help="wdguard.toml with [cache]."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Hit ratio, evictions and rates over an interval, memory, and a key-space sample."""
    import os

    from wdguard.audit import LAKE_ENV
    from wdguard.cache.snapshot import build_snapshot, write_snapshot
    from wdguard.cache.stats import SampleOptions, collect
    from wdguard.cache.thresholds import evaluate, load_cache_config
    from wdguard.config import load_config
    from wdguard.lake.layout import date_str
    from wdguard.lake.stores import open_store
    from wdguard.sources import redis as source

    day = date_str(date) if date is not None else None  # a bad date: exit 2 before Redis
    cfg = load_cache_config(load_config(config))
    interval = cfg.interval if interval is None else interval
    keys = cfg.sample_keys if sample_keys is None else sample_keys
    budget = cfg.time_budget if time_budget is None else time_budget
    if not interval > 0:
        raise InputError("must be more than 0 seconds", where="--interval")
    if keys < 0:
        raise InputError("must be 0 or more", where="--sample-keys")
    if not budget > 0:
        raise InputError("must be more than 0 seconds", where="--time-budget")
    opts = SampleOptions(max_keys=keys, scan_count=max(min(keys, 1000), 10),
                         time_budget_s=budget, memory_samples=cfg.memory_samples,
                         separator=cfg.prefix_separator if prefix_sep is None else prefix_sep,
                         depth=cfg.prefix_depth)
    lake = lake or os.environ.get(LAKE_ENV)
    store = open_store(lake) if lake else None  # a bad lake fails before Redis is asked

    url = source.resolve_url(redis_url)
    client = source.connect(url)
    target = source.describe(url)
    try:
        figures = collect(client, interval_s=interval, opts=opts, target=target)
    except WdguardError:
        raise
    except Exception as exc:  # redis-py, socket and TLS errors: one line, no password
        raise source.source_error(exc, target, url) from None
    finally:
        client.close()
    partial = {**figures, "target": target}
    findings = evaluate(partial, cfg)
    snapshot = build_snapshot(figures, findings, target=target, thresholds=cfg.thresholds(),
                              date=day)
    if store is not None:
        try:
            snapshot["stored"] = write_snapshot(store, snapshot)
        except Exception as exc:
            err_console.print(f"wdguard: warning: cache snapshot not kept in the lake: "
                              f"{' '.join(str(exc).split())[:200]}", markup=False)
    code = snapshot["exit_code"]
    if fmt is OutputFormat.json:
        print_json(snapshot)
    else:
        _render(snapshot)
    raise typer.Exit(code)


def _render(s: dict[str, Any]) -> None:
    srv, w, smp = s["server"], s["window"], s["sample"]
    console.print(f"[bold]{s['target']}[/]: Redis {srv['version']} {srv['mode']} "
                  f"{srv['role']}, up {int(srv['uptime_s'] or 0):,} s, "
                  f"{int(srv['connected_clients'] or 0)} client(s)")
    limit = (f"of maxmemory {_bytes(srv['maxmemory'])} ({_pct(srv['used_memory_share'])})"
             if srv["maxmemory"] else "(no maxmemory)")
    console.print(f"memory: {_bytes(srv['used_memory'])} used {limit}, policy "
                  f"{srv['maxmemory_policy']}, fragmentation {srv['fragmentation_ratio']}")
    if w["valid"]:
        console.print(
            f"over {w['seconds']:g} s: hit ratio {_pct(w['hit_ratio'])} "
            f"({w['hits']:,} hits, {w['misses']:,} misses), {w['evictions']:,} evictions "
            f"({w['evictions_per_min']:,.1f}/min), {w['expirations']:,} expirations, "
            f"{w['commands_per_s']:,.1f} commands/s (wdguard's own not counted)")
    else:
        console.print(f"[yellow]interval figures not available:[/] {w['reason']}",
                      markup=True)
    ks = ", ".join(f"{db} {v['keys']:,} keys ({_pct(v['expiring_share'])} expiring)"
                   for db, v in s["keyspace"].items()) or "no keys"
    console.print(f"key space: {ks}")
    console.print(
        f"sample of db{smp['db']}: {smp['sampled']:,} of {smp['dbsize']:,} keys "
        f"({smp['vanished']} vanished, {smp['scan_calls']} SCAN calls, "
        f"{smp['duration_ms']:.0f} ms, stopped by {smp['stopped_by']}); "
        f"{_pct(smp['no_ttl_share'])} without TTL")
    if smp["prefixes"]:
        table = Table(show_edge=False, pad_edge=False)
        for col in ("prefix", "keys", "share", "est. keys", "types", "no TTL",
                    "avg size", "est. memory"):
            table.add_column(col, justify="left" if col in ("prefix", "types") else "right")
        for p in smp["prefixes"][:15]:
            table.add_row(p["prefix"], f"{p['keys']:,}", _pct(p["share"]), f"{p['est_keys']:,}",
                          ", ".join(f"{k} {v}" for k, v in p["types"].items()),
                          _pct(p["no_ttl_share"]), _bytes(p["avg_bytes"]),
                          _bytes(p["est_memory_bytes"]))
        console.print(table)
    for f in s["findings"]:
        style = {"error": "bold red", "warning": "yellow"}.get(f["severity"], "")
        console.print(f"[{style}]{f['severity']}[/] {f['code']} {f['name']}: ", end="")
        console.print(f["message"], markup=False)
    c = s["summary"]
    console.print(f"{c['error']} error(s), {c['warning']} warning(s)"
                  + (f"; kept in the lake as {s['stored']}" if s.get("stored") else ""))
