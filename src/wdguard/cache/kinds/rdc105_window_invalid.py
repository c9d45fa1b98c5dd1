"""RDC105 cache.window_invalid (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class WindowInvalid(RuleKind):
    """Redis restarted (or its counters were reset) between the two `INFO` samples, so the
    interval's hit ratio, evictions and rates cannot be computed.

    **Anti-pattern**

    Subtracting counters across a restart or a `CONFIG RESETSTAT` gives negative or
    meaningless figures. wdguard reports the restart instead (a new server `run_id` or a
    lower uptime) and judges no rate threshold for that run. An unplanned restart also
    empties a cache without persistence.

    **Best practice**

    Check why the server restarted; run `wdguard cache stats` again for the figures.
    """

    code = "RDC105"
    name = "cache.window_invalid"
    family = "cache"
    severity = "warning"
