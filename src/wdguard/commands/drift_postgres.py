"""`wdguard drift postgres`: Compare contracts with the live PostgreSQL schema (not built yet)."""

from __future__ import annotations

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, fail, guarded


@guarded
def drift_postgres(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Compare contracts with the live PostgreSQL schema (not built yet)."""
    fail("`wdguard drift postgres` is not built yet")
