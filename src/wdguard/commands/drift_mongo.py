"""`wdguard drift mongo`: Compare Mongo contracts with sampled live collections (not built yet)."""

from __future__ import annotations

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, fail, guarded


@guarded
def drift_mongo(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """Compare Mongo contracts with sampled live collections (not built yet)."""
    fail("`wdguard drift mongo` is not built yet")
