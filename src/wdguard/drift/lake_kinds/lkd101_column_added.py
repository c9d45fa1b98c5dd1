"""LKD101 column.added (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnAdded(RuleKind):
    """A Delta table's schema gained a column (an append with `mergeSchema` /
    `schema_mode="merge"`, or `ALTER TABLE ADD COLUMNS`).

    **Anti-pattern**

    Letting a writer's `mergeSchema` add columns nobody reviewed: the lake then holds
    data no contract describes and gold cannot rely on.

    **Best practice**

    Add the column to the source schema and re-derive the contract first; merge schemas
    only for changes that were reviewed.

    **Compared**

    Consecutive `metaData` schemas of the table's log.

    **Severity**

    compatible: readers of the old columns are unaffected.
    """

    code = "LKD101"
    name = "column.added"
    family = "lake"
    compat = "compatible"
