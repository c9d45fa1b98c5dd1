"""What the live schema holds that schema.prisma cannot say: CHECK / EXCLUDE constraints
and views without a contract.

Hand-written SQL in a migration is how real projects get them, and Prisma neither
creates nor drops them, so they are not drift: they are listed as info, with their
definition, so a reviewer sees every rule the database enforces beyond the contract.
"""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.drift.kinds import pg_constraint_unmodelled, pg_view_unmodelled
from wdguard.drift.pg_context import TableContext
from wdguard.drift.pg_introspect import LiveSchema, LiveTable
from wdguard.findings import Finding

_SHORT = 160  # the message keeps one readable line; details keep the whole definition


def _short(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= _SHORT else one[: _SHORT - 1] + "…"


def unmodelled_constraints(ctx: TableContext, table: LiveTable) -> list[Finding]:
    """One info per CHECK / EXCLUDE constraint of a table that has a contract (one on a
    dropped column went with it: PostgreSQL drops the constraint too)."""
    return [
        pg_constraint_unmodelled.ConstraintUnmodelled.finding(
            f"{ctx.table}: {c.kind.upper()} constraint {c.name} is not modelled by Prisma: "
            f"{_short(c.definition)}",
            **ctx.at(None, constraint=c.name, kind=c.kind, definition=c.definition),
        )
        for c in table.constraints
    ]


def unmodelled_views(contracts: list[Contract], live: LiveSchema) -> list[Finding]:
    """One info per view or materialised view that no contract (table or view) names."""
    named = {
        (c.source.schema_ or "public", c.object_name)
        for c in contracts
        if c.source.kind == "postgres"
    }
    out: list[Finding] = []
    for key, view in sorted(live.views.items()):
        if key in named:
            continue
        display = view.name if view.schema == "public" else f"{view.schema}.{view.name}"
        kind = "materialised view" if view.materialized else "view"
        out.append(
            pg_view_unmodelled.ViewUnmodelled.finding(
                f"{kind} {display} is not modelled by Prisma: {_short(view.definition)}",
                object=display,
                details={"materialized": view.materialized, "definition": view.definition},
            )
        )
    return out
