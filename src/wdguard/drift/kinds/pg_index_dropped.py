"""PGD141 index.dropped (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class IndexDropped(RuleKind):
    """An index in the contract is missing from the live table.

    **Anti-pattern**

    An index dropped by hand: incremental extracts that filter on it turn into full
    scans of a production table.

    **Best practice**

    Drop indexes through a reviewed migration (`@@index` removed) so the extract plan is
    checked.

    **Compared**

    Non-unique indexes by their column list in order.

    **Severity**

    warning: queries slow down; no data changes.
    """

    code = "PGD141"
    name = "index.dropped"
    family = "drift"
    compat = "warning"
