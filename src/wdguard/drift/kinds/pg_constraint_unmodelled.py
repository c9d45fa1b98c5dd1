"""PGD161 constraint.unmodelled (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ConstraintUnmodelled(RuleKind):
    """A table has a CHECK or EXCLUDE constraint (Prisma cannot model one); shown with its
    definition.

    **Anti-pattern**

    A constraint added by hand in a migration is invisible in schema.prisma and in the
    contract: nobody reviewing the schema knows inserts can be refused by it.

    **Best practice**

    Keep it (it protects the data), and describe it in the contract (`rules:`) so the gate
    checks the same condition on the lake.

    **Compared**

    `pg_constraint` rows of type CHECK and EXCLUDE on tables that have a contract, with
    `pg_get_constraintdef()`.

    **Severity**

    compatible (info): Prisma cannot declare them, so they are never drift; shown so a
    reviewer knows the database refuses rows the contract would accept.
    """

    code = "PGD161"
    name = "constraint.unmodelled"
    family = "drift"
    compat = "compatible"
