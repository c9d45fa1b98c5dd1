"""`[cache]` in wdguard.toml: thresholds that turn cache figures into findings.

Every threshold is optional (not set: not judged). Findings carry the stable codes of
`wdguard.cache.kinds` (RDC1xx) and their default severity, which `[cache.severity]` can
change per code; an error-level finding makes `wdguard cache stats` exit 1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import wdguard.cache.kinds  # noqa: F401  (registers the RDC kinds)
from wdguard.errors import InputError
from wdguard.findings import REGISTRY, SEVERITIES, Finding

WHERE = "wdguard.toml [cache]"


@dataclass
class CacheConfig:
    min_hit_ratio: float | None = None  # RDC101
    max_evictions_per_min: float | None = None  # RDC102
    max_memory_share: float | None = None  # RDC103
    max_no_ttl_share: float | None = None  # RDC104
    min_lookups: int = 100  # RDC101 is judged only on a window with this many lookups
    min_prefix_keys: int = 20  # RDC104 is judged only on prefixes with this many sampled keys
    prefix_separator: str = ":"
    prefix_depth: int = 1
    interval: float = 10.0
    sample_keys: int = 1000
    time_budget: float = 5.0
    memory_samples: int = 5
    severity: dict[str, str] = field(default_factory=dict)

    def thresholds(self) -> dict[str, Any]:
        """What the snapshot records as the thresholds in force."""
        keys = ("min_hit_ratio", "max_evictions_per_min", "max_memory_share",
                "max_no_ttl_share", "min_lookups", "min_prefix_keys")
        data = asdict(self)
        return {**{k: data[k] for k in keys}, "severity": dict(self.severity)}


_SHARES = ("min_hit_ratio", "max_memory_share", "max_no_ttl_share")
_FLOATS = ("max_evictions_per_min", "interval", "time_budget")
_INTS = ("min_lookups", "min_prefix_keys", "prefix_depth", "sample_keys", "memory_samples")


def load_cache_config(config: dict[str, Any]) -> CacheConfig:
    """The `[cache]` table, validated; InputError names the bad key."""
    table = config.get("cache") or {}
    if not isinstance(table, dict):
        raise InputError("[cache] must be a table", where=WHERE)
    cfg = CacheConfig()
    known = set(asdict(cfg))
    unknown = sorted(set(table) - known)
    if unknown:
        raise InputError(f"unknown key {unknown[0]!r}; known: {', '.join(sorted(known))}",
                         where=WHERE)
    for key, value in table.items():
        where = f"{WHERE} {key}"
        if key == "severity":
            if not isinstance(value, dict):
                raise InputError("must be a table of CODE = severity", where=where)
            for code, sev in value.items():
                kind = REGISTRY.get(code)
                if kind is None or kind.family != "cache":
                    raise InputError(f"unknown cache finding code {code!r}", where=where)
                if sev not in SEVERITIES:
                    raise InputError(f"{code}: severity must be one of "
                                     f"{', '.join(SEVERITIES)}", where=where)
            cfg.severity = dict(value)
        elif key == "prefix_separator":
            if not isinstance(value, str):
                raise InputError("must be a string", where=where)
            cfg.prefix_separator = value
        else:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError("must be a number", where=where)
            if key in _INTS and value != int(value):
                raise InputError("must be a whole number", where=where)
            if key in _SHARES and not 0 <= value <= 1:
                raise InputError("must be a share between 0 and 1 (0.8 = 80 %)", where=where)
            if value < 0 or (key in ("interval", "prefix_depth") and value <= 0):
                raise InputError("must be positive", where=where)
            setattr(cfg, key, int(value) if key in _INTS else float(value))
    return cfg


def _pct(v: float) -> str:
    return f"{v * 100:.1f} %"


def _mib(v: float) -> str:
    return f"{v / 1048576:,.1f} MiB"


def evaluate(snapshot: dict[str, Any], cfg: CacheConfig) -> list[Finding]:
    """The findings of one snapshot's figures against the thresholds."""
    out: list[Finding] = []

    def add(code: str, message: str, **kw: Any) -> None:
        kind = REGISTRY[code]
        out.append(kind.finding(message, severity=cfg.severity.get(code), **kw))

    target = snapshot.get("target")
    w = snapshot["window"]
    if not w["valid"]:
        add("RDC105", w["reason"], object=target)
    else:
        ratio = w["hit_ratio"]
        if cfg.min_hit_ratio is not None and ratio is not None and (
                w["lookups"] >= cfg.min_lookups) and ratio < cfg.min_hit_ratio:
            add("RDC101", f"hit ratio {_pct(ratio)} over {w['seconds']:g} s "
                f"({w['hits']:,} hits, {w['misses']:,} misses) is below "
                f"{_pct(cfg.min_hit_ratio)}", object=target,
                details={"hit_ratio": ratio, "min_hit_ratio": cfg.min_hit_ratio,
                         "lookups": w["lookups"]})
        per_min = w["evictions_per_min"]
        if cfg.max_evictions_per_min is not None and per_min > cfg.max_evictions_per_min:
            add("RDC102", f"{per_min:,.1f} evictions per minute over {w['seconds']:g} s "
                f"({w['evictions']:,} keys) is above {cfg.max_evictions_per_min:g}",
                object=target,
                details={"evictions_per_min": per_min, "evictions": w["evictions"],
                         "max_evictions_per_min": cfg.max_evictions_per_min})
    server = snapshot["server"]
    share = server.get("used_memory_share")
    if cfg.max_memory_share is not None and share is not None and share > cfg.max_memory_share:
        add("RDC103", f"used memory {_mib(server['used_memory'])} is {_pct(share)} of "
            f"maxmemory {_mib(server['maxmemory'])} (limit {_pct(cfg.max_memory_share)}, "
            f"policy {server.get('maxmemory_policy')})", object=target,
            details={"used_memory_share": share, "max_memory_share": cfg.max_memory_share})
    if cfg.max_no_ttl_share is not None:
        for p in snapshot["sample"]["prefixes"]:
            if p["keys"] >= cfg.min_prefix_keys and p["no_ttl_share"] > cfg.max_no_ttl_share:
                add("RDC104", f"{_pct(p['no_ttl_share'])} of the sampled keys of prefix "
                    f"{p['prefix']!r} have no TTL ({p['without_ttl']} of {p['keys']}; "
                    f"limit {_pct(cfg.max_no_ttl_share)})", object=target, column=p["prefix"],
                    details={"no_ttl_share": p["no_ttl_share"], "keys": p["keys"],
                             "max_no_ttl_share": cfg.max_no_ttl_share})
    return out
