"""`wdguard migrations status`: _prisma_migrations vs the migrations folder (not built)."""

from __future__ import annotations

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, fail, guarded


@guarded
def migrations_status(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Compare _prisma_migrations with the migrations folder (not built yet)."""
    fail("`wdguard migrations status` is not built yet")
