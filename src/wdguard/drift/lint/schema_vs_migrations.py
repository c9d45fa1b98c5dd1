"""schema.prisma vs the state its migrations build (WDL020), without a shadow database.

The migrations folder is replayed statement by statement into a `LiveSchema`
(`replay_catalog`), the schema is derived into contracts, and drift's own diff compares
them. Findings point at the field in schema.prisma where there is one.
"""

from __future__ import annotations

from pathlib import Path

from wdguard.contracts.prisma_derive import derive_from_schema
from wdguard.contracts.prisma_parser import parse_path
from wdguard.contracts.prisma_postgres import column_name, datasource_schema, table_name
from wdguard.drift.lint.parse import Migration
from wdguard.drift.lint.replay_catalog import replay
from wdguard.drift.lint.rules.wdl020_schema_out_of_sync import SchemaOutOfSync
from wdguard.drift.pg_diff import diff
from wdguard.findings import Finding


def schema_beside(folder: Path) -> Path | None:
    """Prisma's layout: `prisma/schema.prisma` (or a `prisma/schema/` folder of .prisma
    files) next to `prisma/migrations`."""
    for candidate in (folder.parent / "schema.prisma", folder.parent / "schema"):
        if candidate.is_file() or (candidate.is_dir() and any(candidate.rglob("*.prisma"))):
            return candidate
    return None


def compare_schema(schema_path: Path, migrations: list[Migration]) -> list[Finding]:
    """WDL020 findings: every difference a `prisma migrate dev` would turn into SQL."""
    schema = parse_path(schema_path)
    default = datasource_schema(schema) or "public"
    contracts = derive_from_schema(schema, default)
    live = replay(migrations, default)
    live.schemas = sorted(set(live.schemas) | {c.source.schema_ or default for c in contracts
                                               if c.source.kind == "postgres"})
    fields: dict[tuple[str, str | None], tuple[str, str, int]] = {}
    for model in schema.models:
        table = table_name(model)
        fields[(table, None)] = (model.name, model.pos.file, model.pos.line)
        for f in model.fields:
            fields[(table, column_name(f))] = (f"{model.name}.{f.name}", f.pos.file, f.pos.line)
    return SchemaOutOfSync.compare(diff(contracts, live), fields)
