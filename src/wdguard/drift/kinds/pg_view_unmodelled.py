"""PGD162 view.unmodelled (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ViewUnmodelled(RuleKind):
    """A compared schema has a view or materialised view that no contract describes; shown
    with its definition.

    **Anti-pattern**

    A view created by hand in a migration: the pipeline may read it, but no contract says
    what it returns.

    **Best practice**

    Declare it as a Prisma `view` block (preview feature `views`) and re-derive.

    **Compared**

    Views and materialised views of the compared schemas that no contract (table or
    `view` block) names, with `pg_get_viewdef()`.

    **Severity**

    compatible (info): not drift of a modelled object; shown so readers of the view know
    it exists.
    """

    code = "PGD162"
    name = "view.unmodelled"
    family = "drift"
    compat = "compatible"
