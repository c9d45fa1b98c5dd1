"""`wdguard migrations lint`: Lint Prisma migrations before deploy (not built yet)."""

from __future__ import annotations

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, fail, guarded


@guarded
def migrations_lint(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Lint Prisma migrations before deploy (not built yet)."""
    fail("`wdguard migrations lint` is not built yet")
