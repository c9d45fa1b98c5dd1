"""Which schema and which migrations the schema-vs-migrations check (WDL020) compares."""

from __future__ import annotations

from pathlib import Path

from wdguard.drift.lint.parse import Migration
from wdguard.drift.lint.schema_vs_migrations import compare_schema, schema_beside
from wdguard.drift.lint.select import Selection, parse_script, prisma_scripts
from wdguard.findings import Finding


def history_of(selection: Selection) -> list[Migration]:
    """Every migration of the selection's Prisma folder in apply order (reusing the parsed
    ones), or the selected history and targets for loose files."""
    if selection.folder is None:
        return [*selection.history, *selection.targets]
    parsed = {m.path.resolve(): m for m in [*selection.history, *selection.targets]}
    return [parsed.get(p.resolve()) or parse_script(p) for p in prisma_scripts(selection.folder)]


def schema_findings(selection: Selection, schema: Path | None) -> list[Finding]:
    """WDL020 findings when the schema is known (given, or beside the folder)."""
    if schema is None and selection.folder is not None:
        schema = schema_beside(selection.folder)
    if schema is None:
        return []
    migrations = history_of(selection)
    if not migrations:
        return []
    return compare_schema(schema, migrations)
