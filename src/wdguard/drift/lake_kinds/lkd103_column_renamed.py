"""LKD103 column.renamed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnRenamed(RuleKind):
    """A Delta table's column was renamed under column mapping (same `delta.columnMapping.id`,
    new name).

    **Anti-pattern**

    `ALTER TABLE RENAME COLUMN` on a column-mapped table: cheap for Delta, but every
    reader of the old name breaks.

    **Best practice**

    Rename in the source and the contract in the same reviewed change; keep gold reading
    through a view meanwhile.

    **Compared**

    Fields with the same column-mapping id in consecutive schemas.

    **Severity**

    breaking: readers of the old name fail.
    """

    code = "LKD103"
    name = "column.renamed"
    family = "lake"
    compat = "breaking"
