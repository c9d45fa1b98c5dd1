"""RDC104 cache.keys_without_ttl (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class KeysWithoutTtl(RuleKind):
    """In the key-space sample, a key prefix has a larger share of keys without a TTL than
    `max_no_ttl_share`.

    **Anti-pattern**

    Cache keys without an expiry live until they are evicted: they fill the memory with
    stale entries and push out the keys that matter. Judged per prefix with at least
    `min_prefix_keys` sampled keys.

    **Best practice**

    Set an expiry wherever the app writes the prefix (`SET ... EX`), or exempt prefixes
    that are meant to persist by raising the threshold.
    """

    code = "RDC104"
    name = "cache.keys_without_ttl"
    family = "cache"
    severity = "warning"
