"""WDL020 schema.out_of_sync."""

from __future__ import annotations

import re

from wdguard.drift.lint.context import LintContext
from wdguard.drift.lint.parse import Statement
from wdguard.drift.lint.rule import LintRule
from wdguard.findings import Finding, register

# drift kinds about names or objects Prisma cannot declare: never a missing migration
_NOT_A_MIGRATION = frozenset({"PGD123", "PGD144", "PGD154", "PGD161", "PGD162"})
_SLUG = re.compile(r"[^a-z0-9]+")


def migration_name(drift: Finding) -> str:
    """A `prisma migrate dev --name` for the change: `add_merchants_rating`."""
    verb = {"PGD101": "add", "PGD111": "add", "PGD102": "drop", "PGD112": "drop"}.get(
        drift.code, "change")
    parts = [verb, drift.object or "", drift.column or ""]
    return _SLUG.sub("_", "_".join(p for p in parts if p).lower()).strip("_")


def _message(drift: Finding, field: str | None) -> str:
    where = f"{drift.object}.{drift.column}" if drift.column else drift.object
    named = f" (field {field})" if field else ""
    if drift.code == "PGD111":
        return f"schema.prisma declares {where}{named} but no migration creates the column"
    if drift.code == "PGD101":
        return f"schema.prisma declares table {where}{named} but no migration creates it"
    if drift.code == "PGD112":
        return f"the migrations create {where} but schema.prisma has no field for it"
    if drift.code == "PGD102":
        return f"the migrations create table {where} but no model of schema.prisma maps to it"
    text = drift.message.replace("the contract says", "schema.prisma says")
    text = text.replace("not in the contract", "not in schema.prisma")
    return f"schema.prisma and the migrations disagree: {text}"


@register
class SchemaOutOfSync(LintRule):
    """schema.prisma and the state its migrations build disagree.

    A model, field, enum value, index, key or relation in schema.prisma that no migration
    creates (or one the migrations create that schema.prisma does not declare) ships a
    Prisma client that expects a database the deploy never builds. The migrations are
    replayed without a database and compared with the schema by the same diff as
    ``drift postgres``. Checked whenever the lint knows the schema (``--schema``, or the
    ``schema.prisma`` beside the migrations folder). Prisma: ``prisma migrate diff
    --from-migrations ... --to-schema-datamodel ... --exit-code``. Squawk, Atlas: none.

    **Anti-pattern**

    .. code-block:: text

        model Merchant {
          id     String @id @db.Uuid
          rating Int?          // added to schema.prisma, no migration written
        }

    **Best practice**

    .. code-block:: text

        npx prisma migrate dev --name add_merchants_rating   # writes the migration
    """

    code = "WDL020"
    name = "schema.out_of_sync"
    severity = "error"

    @classmethod
    def check(cls, stmt: Statement, ctx: LintContext) -> list[Finding]:
        return []  # compares whole histories: see `compare`

    @classmethod
    def compare(
        cls, drift: list[Finding], fields: dict[tuple[str, str | None], tuple[str, str, int]]
    ) -> list[Finding]:
        """One finding per drift that a migration would fix; `fields` maps (table, column)
        to (Prisma name, schema file, line)."""
        out = []
        for d in drift:
            if d.code in _NOT_A_MIGRATION or d.details.get("unmodelled"):
                continue  # a partial or expression index: hand-written SQL, not Prisma's
            name, file, line = fields.get((d.object or "", d.column)) or fields.get(
                (d.object or "", None), (None, None, None))
            out.append(cls.finding(
                _message(d, name),
                object=d.object,
                column=d.column,
                file=file,
                line=line,
                help=f"run `npx prisma migrate dev --name {migration_name(d)}` and commit the "
                "migration it writes (or fix schema.prisma)",
                details={"drift": d.code, "kind": d.name},
            ))
        return out
