"""`wdguard contracts derive mongo`: contracts from sampled Mongo documents (not built)."""

from __future__ import annotations

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, fail, guarded


@guarded
def derive_mongo(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Derive contracts from sampled Mongo documents (not built yet)."""
    fail("`wdguard contracts derive mongo` is not built yet")
