"""LKD102 column.dropped (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnDropped(RuleKind):
    """A Delta table's schema lost a column (an overwrite with `overwriteSchema`, or `DROP
    COLUMN` under column mapping).

    **Anti-pattern**

    Overwriting a table with a narrower frame: every reader of the column breaks, and
    older versions still hold it.

    **Best practice**

    Deprecate first (stop reading it in gold), then drop it in a reviewed change with
    the contract re-derived.

    **Compared**

    Consecutive `metaData` schemas of the table's log.

    **Severity**

    breaking: readers of the column fail.
    """

    code = "LKD102"
    name = "column.dropped"
    family = "lake"
    compat = "breaking"
