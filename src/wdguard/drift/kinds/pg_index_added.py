"""PGD142 index.added (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class IndexAdded(RuleKind):
    """The live table has an index the contract does not list.

    **Anti-pattern**

    An index created by hand (often during an incident) that the schema does not know:
    the next `prisma migrate` will drop it.

    **Best practice**

    Declare it with `@@index` in schema.prisma.

    **Compared**

    Live indexes not in the contract: plain ones, and partial, expression and unique-
    partial ones with their `pg_get_indexdef()` (`details.unmodelled`).

    **Severity**

    compatible (info): no reader is affected; Prisma cannot declare partial or
    expression indexes at all.
    """

    code = "PGD142"
    name = "index.added"
    family = "drift"
    compat = "compatible"
