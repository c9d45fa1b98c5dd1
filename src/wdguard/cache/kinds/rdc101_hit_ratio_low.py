"""RDC101 cache.hit_ratio_low (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class HitRatioLow(RuleKind):
    """The cache's hit ratio over the measured interval is below `min_hit_ratio`.

    **Anti-pattern**

    A falling hit ratio means more reads fall through to PostgreSQL and MongoDB, the
    production databases wdguard and the pipeline also read: keys expire too early, are
    evicted, or the app caches the wrong things. Judged only when the window saw at least
    `min_lookups` key lookups, and never counting wdguard's own lookups.

    **Best practice**

    Look at evictions and memory first (RDC102, RDC103), then at TTLs per key prefix;
    raise `maxmemory` or shorten the TTLs of cold prefixes.
    """

    code = "RDC101"
    name = "cache.hit_ratio_low"
    family = "cache"
    severity = "error"
