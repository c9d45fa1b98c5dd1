"""`wdguard check`: Run the gate on a date's bronze/silver partitions (not built yet)."""

from __future__ import annotations

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, fail, guarded


@guarded
def check(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Run the gate on a date's bronze/silver partitions (not built yet)."""
    fail("`wdguard check` is not built yet")
