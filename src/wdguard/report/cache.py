"""The nightly report's cache card, as data: `wdguard cache stats` snapshots of the window.

Per night the day's last snapshot counts: its hit ratio (with the `min_hit_ratio` line in
force), evictions per minute, used memory against `maxmemory`; for the report's day also
its top prefixes, key space and findings. No snapshot in the window: no card.
"""

from __future__ import annotations

from typing import Any

from wdguard.cache.snapshot import read_snapshots

TOP_PREFIXES = 10
MB = 1024 * 1024


def _mb(v: Any) -> float | None:
    return round(v / MB, 2) if isinstance(v, int | float) else None


def cache_section(store: Any, dates: list[str], day: str) -> tuple[dict[str, Any] | None,
                                                                   list[str]]:
    """The card's content and notes (unreadable snapshots, none for the day)."""
    snaps, notes = read_snapshots(store, dates)
    if not snaps:
        notes.append(f"cache health not checked: no cache snapshot from {dates[0]} to {day} "
                     f"(run `wdguard cache stats --lake ... --date {day}`)")
        return None, notes
    first = next(i for i, d in enumerate(dates) if d in snaps)
    cdates = dates[first:]
    last = {d: snaps[d][-1] for d in cdates if d in snaps}
    ratio, evictions, used = [], [], []
    for d in cdates:
        s = last.get(d)
        w = (s or {}).get("window") or {}
        r = w.get("hit_ratio") if w.get("valid") else None
        ratio.append(round(r * 100, 2) if isinstance(r, int | float) else None)
        e = w.get("evictions_per_min") if w.get("valid") else None
        evictions.append(e if isinstance(e, int | float) else None)
        used.append(_mb(((s or {}).get("server") or {}).get("used_memory")))
    latest = last[max(last)]
    thresholds = latest.get("thresholds") or {}
    today = last.get(day)
    if today is None:
        notes.append(f"no cache snapshot for {day} (run `wdguard cache stats --lake ... "
                     f"--date {day}`)")
    minimum = thresholds.get("min_hit_ratio")
    return {
        "dates": cdates,
        "hit_ratio_pct": ratio,
        "evictions_per_min": evictions,
        "used_memory_mb": used,
        "maxmemory_mb": _mb((latest.get("server") or {}).get("maxmemory")) or None,
        "min_hit_ratio_pct": round(minimum * 100, 2) if minimum is not None else None,
        "max_evictions_per_min": thresholds.get("max_evictions_per_min"),
        "snapshots": sum(len(v) for v in snaps.values()),
        "today": None if today is None else {
            "run_id": today.get("run_id"),
            "taken_at": today.get("taken_at"),
            "target": today.get("target"),
            "server": today.get("server") or {},
            "window": today.get("window") or {},
            "keyspace": today.get("keyspace") or {},
            "sample": {k: v for k, v in (today.get("sample") or {}).items()
                       if k != "prefixes"},
            "prefixes": ((today.get("sample") or {}).get("prefixes") or [])[:TOP_PREFIXES],
            "findings": today.get("findings") or [],
            "summary": today.get("summary") or {},
        },
    }, notes


def cache_status(cache: dict[str, Any] | None) -> tuple[int, int]:
    """(error, warning) findings of the day's snapshot."""
    today = (cache or {}).get("today") or {}
    found = today.get("findings") or []
    return (sum(1 for f in found if f.get("severity") == "error"),
            sum(1 for f in found if f.get("severity") == "warning"))
