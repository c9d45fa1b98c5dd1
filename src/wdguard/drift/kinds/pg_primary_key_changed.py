"""PGD131 primary_key.changed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class PrimaryKeyChanged(RuleKind):
    """The live primary key differs from the contract's (columns, or none at all).

    **Anti-pattern**

    A dropped or widened primary key: de-duplication and incremental merges in silver
    key on it and start producing duplicates.

    **Best practice**

    Change identity only with a planned migration of the lake's merge keys; keep the
    contract's `primary_key` in step.

    **Compared**

    Primary key columns in order.

    **Severity**

    breaking: the row identity gold joins on changed.
    """

    code = "PGD131"
    name = "primary_key.changed"
    family = "drift"
    compat = "breaking"
