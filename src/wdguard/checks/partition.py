"""One partition of the lake as the checks see it: the lake's resolved partition.

`lake/resolve.py` finds it (folder, data files, format, expectations); `lake/formats.py`
reads it. `locate` lists one partition of the default layout without a date's resolution.
"""

from __future__ import annotations

from wdguard.lake import layout
from wdguard.lake.manifest import MANIFEST_NAME, Expected, load_manifest
from wdguard.lake.partition import ResolvedPartition

Partition = ResolvedPartition


def locate(store, layer: str, source: str, date: str, obj: str) -> Partition:
    """A partition of the default layout, listed (no data read); its manifest if any."""
    path = layout.partition_dir(layer, source, date, obj)
    prefix = path + "/"
    listing = [p[len(prefix) :] for p in store.list(path) if p.startswith(prefix)]
    part = Partition(layer, source, obj, date, path, listing)
    if MANIFEST_NAME in listing:
        part.manifest = load_manifest(store, path)  # InputError when malformed
        part.expected = Expected.of_manifest(part.manifest)
    return part

