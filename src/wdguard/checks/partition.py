"""One partition of the lake: where it is, what its manifest says, how to scan it."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from wdguard.errors import SourceError
from wdguard.lake import layout
from wdguard.lake.manifest import Manifest, load_manifest


@dataclass
class Partition:
    layer: str
    source: str
    object: str
    date: str
    path: str
    listing: list[str] = field(default_factory=list)  # names relative to the partition
    manifest: Manifest | None = None

    @property
    def exists(self) -> bool:
        return bool(self.listing)

    @property
    def data_files(self) -> list[str]:
        return layout.data_files(self.listing)


def locate(store, layer: str, source: str, date: str, obj: str) -> Partition:
    """List a partition (no data read); the manifest is loaded only if anything is there."""
    path = layout.partition_dir(layer, source, date, obj)
    prefix = path + "/"
    listing = [p[len(prefix) :] for p in store.list(path) if p.startswith(prefix)]
    part = Partition(layer, source, obj, date, path, listing)
    if part.exists:
        part.manifest = load_manifest(store, path)  # InputError when missing/malformed
    return part


def scan(store, part: Partition) -> pl.LazyFrame:
    """A lazy scan of the partition's data files as they are present (not as listed)."""
    files = part.data_files
    if not files:
        return pl.LazyFrame()
    targets = [store.scan_target(f"{part.path}/{f}") for f in files]
    uris = [t[0] for t in targets]
    options = targets[0][1]
    try:
        return pl.scan_parquet(uris, storage_options=options) if options else pl.scan_parquet(uris)
    except Exception as exc:
        msg = " ".join(str(exc).split("\n")[0].split())[:300]
        raise SourceError(f"cannot scan partition: {msg}", where=part.path) from None
