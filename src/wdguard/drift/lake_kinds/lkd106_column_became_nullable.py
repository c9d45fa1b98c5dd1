"""LKD106 column.became_nullable (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ColumnBecameNullable(RuleKind):
    """A Delta column that was NOT NULL became nullable.

    **Anti-pattern**

    Relaxing a constraint in the lake that gold relies on (a key, a measure).

    **Best practice**

    Relax the source first and review which gold columns must handle nulls.

    **Compared**

    Field nullability of consecutive schemas.

    **Severity**

    warning: nulls may now arrive where none could.
    """

    code = "LKD106"
    name = "column.became_nullable"
    family = "lake"
    compat = "warning"
