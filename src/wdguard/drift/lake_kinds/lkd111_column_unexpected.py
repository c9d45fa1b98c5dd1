"""LKD111 column.unexpected (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnUnexpected(RuleKind):
    """The lake holds a column no contract column describes (a Delta table's current schema, or
    a parquet partition's).

    **Anti-pattern**

    Columns that slip into silver unreviewed: nothing checks them and gold may start
    depending on them.

    **Best practice**

    Add the column to the source schema and re-derive the contract, or stop writing it;
    `extra_columns: forbid` makes the gate fail on it.

    **Compared**

    The lake object's columns against the contract's (the date partition column
    excluded).

    **Severity**

    warning: nothing breaks, but the data is unguarded.
    """

    code = "LKD111"
    name = "column.unexpected"
    family = "lake"
    compat = "warning"
