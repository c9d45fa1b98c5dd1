"""`wdguard demo`: the main job on the built-in sample data."""

from __future__ import annotations

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, fail, guarded


@guarded
def demo(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Derive the WasteDump contracts from the bundled fixtures and show them."""
    fail("`wdguard demo` is not built yet")
