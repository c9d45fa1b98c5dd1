"""RDC102 cache.evictions_high (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class EvictionsHigh(RuleKind):
    """Redis evicted more keys per minute over the interval than `max_evictions_per_min`.

    **Anti-pattern**

    Evictions mean the cache is full and `maxmemory-policy` is throwing out keys the app
    may still need; a burst of them is usually followed by a drop of the hit ratio and
    more load on the databases.

    **Best practice**

    Give the cache more memory, put TTLs on the prefixes without one (RDC104), or cache
    less per key.
    """

    code = "RDC102"
    name = "cache.evictions_high"
    family = "cache"
    severity = "error"
