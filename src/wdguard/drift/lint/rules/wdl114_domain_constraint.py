"""WDL114 domain.constraint."""

from __future__ import annotations

from wdguard.drift.lint.context import LintContext, qualname
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import CT, LintRule, ast
from wdguard.findings import Finding, register


@register
class DomainConstraint(LintRule):
    """A CHECK constraint on a domain (CREATE DOMAIN ... CHECK, ALTER DOMAIN ADD CONSTRAINT).

    Adding it to a domain scans every column of every table using the domain under
    lock, and it cannot be added NOT VALID per table. Squawk:
    ``ban-create-domain-with-constraint``, ``ban-alter-domain-with-add-constraint``.
    Atlas: none.

    **Anti-pattern**

    .. code-block:: sql

        CREATE DOMAIN "positive_amount" AS NUMERIC CHECK (VALUE >= 0);

    **Best practice**

    Put the CHECK on the table columns (NOT VALID, then VALIDATE).

    .. code-block:: sql

        ALTER TABLE "orders" ADD CONSTRAINT "total_positive" CHECK ("total" >= 0) NOT VALID;
    """

    code = "WDL114"
    name = "domain.constraint"
    severity = "warning"
    squawk = ("ban-create-domain-with-constraint", "ban-alter-domain-with-add-constraint")

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        node = stmt.node
        if isinstance(node, ast.CreateDomainStmt) and any(
            getattr(c, "contype", None) == CT.CONSTR_CHECK for c in node.constraints or ()
        ):
            domain = qualname(node.domainname)
        elif isinstance(node, ast.AlterDomainStmt) and node.subtype == "C":
            domain = qualname(node.typeName)
        else:
            return []
        return [
            cls.at(
                stmt,
                ctx,
                f"CHECK constraint on domain {domain} locks every table using it",
                help="put the CHECK on the table columns, NOT VALID then VALIDATE",
            )
        ]
