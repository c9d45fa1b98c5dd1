"""`wdguard lake generate`: the deterministic sample lake."""

from __future__ import annotations

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, fail, guarded


@guarded
def generate(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Generate the seeded WasteDump sample lake (not built yet)."""
    fail("`wdguard lake generate` is not built yet")
