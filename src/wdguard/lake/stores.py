"""The store a `--lake` value names: a local folder, or an ADLS Gen2 / blob container.

Apart from `storage.py` (the Store interface and the local store) so that the optional
Azure store, which builds on that interface, is imported from here and never from it.
"""

from __future__ import annotations

from pathlib import Path

from wdguard.errors import InputError
from wdguard.lake.storage import LocalStore, Store


def open_store(url: str | Path) -> Store:
    """The store for a `--lake` value: a folder, or abfs://container@account/prefix."""
    text = str(url)
    if text.startswith(("abfs://", "abfss://", "az://")):
        from wdguard.lake.azure import AzureBlobStore  # optional dependency

        store = AzureBlobStore.from_url(text)
        store.require_container()
        return store
    path = Path(text)
    if not path.is_dir():
        raise InputError("lake folder not found", where=text)
    return LocalStore(path)
