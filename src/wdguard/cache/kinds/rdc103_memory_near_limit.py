"""RDC103 cache.memory_near_limit (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class MemoryNearLimit(RuleKind):
    """`used_memory` is above `max_memory_share` of `maxmemory`.

    **Anti-pattern**

    A cache close to its limit starts evicting (or, with `noeviction`, refusing writes)
    at the next traffic peak. Not judged when no `maxmemory` is set.

    **Best practice**

    Raise `maxmemory`, or find the prefixes that take the memory in the key-space sample
    and give them TTLs.
    """

    code = "RDC103"
    name = "cache.memory_near_limit"
    family = "cache"
    severity = "warning"
