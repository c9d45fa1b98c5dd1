"""Storage of the lake: one small interface, two implementations.

`LocalStore` (a folder; the default) and `AzureBlobStore` (ADLS Gen2 through the blob API,
which Azurite also serves) both offer the same operations on POSIX-style paths relative to
the lake root. Writes of wdguard's own artefacts are atomic: a reader sees the whole
object or nothing (local: write then rename; blob: a single create-only upload).
Polars reads partitions through `scan_target()`.
"""

from __future__ import annotations

import os
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any


class Store(ABC):
    """Read and write objects under a lake root. Paths are relative, '/'-separated."""

    url: str  # how the user named the lake (secrets stripped)

    @abstractmethod
    def list(self, prefix: str) -> list[str]:
        """Every object path under `prefix` (recursive), sorted."""

    @abstractmethod
    def list_dirs(self, prefix: str) -> list[str]:
        """Names of the immediate sub-folders of `prefix`, sorted."""

    @abstractmethod
    def exists(self, path: str) -> bool: ...

    @abstractmethod
    def read_bytes(self, path: str) -> bytes: ...

    @abstractmethod
    def write_bytes(self, path: str, data: bytes, *, overwrite: bool = True) -> None:
        """Atomic write. With overwrite=False the write fails if the object exists
        (create-only), raising FileExistsError."""

    @abstractmethod
    def size(self, path: str) -> int: ...

    @abstractmethod
    def delete(self, path: str) -> None:
        """Remove one object; FileNotFoundError if it is not there."""

    @abstractmethod
    def scan_target(self, path: str) -> tuple[str, dict[str, Any] | None]:
        """(uri, storage_options) that `polars.scan_parquet` can read."""

    @abstractmethod
    def spark_uri(self, path: str) -> str:
        """The URI Spark reads the object at `path` through (its own filesystem drivers and
        credentials: a local path, or abfss:// on a Databricks cluster)."""

    def read_text(self, path: str) -> str:
        return self.read_bytes(path).decode("utf-8")

    def write_text(self, path: str, text: str, *, overwrite: bool = True) -> None:
        self.write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


class LocalStore(Store):
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.url = str(root)

    def _p(self, path: str) -> Path:
        return self.root / path

    def list(self, prefix: str) -> list[str]:
        base = self._p(prefix)
        if not base.is_dir():
            return []
        return sorted(
            p.relative_to(self.root).as_posix()
            for p in base.rglob("*")
            if p.is_file() and not p.name.startswith(".tmp-")
        )

    def list_dirs(self, prefix: str) -> list[str]:
        base = self._p(prefix)
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if p.is_dir())

    def exists(self, path: str) -> bool:
        return self._p(path).exists()

    def read_bytes(self, path: str) -> bytes:
        return self._p(path).read_bytes()

    def size(self, path: str) -> int:
        return self._p(path).stat().st_size

    def delete(self, path: str) -> None:
        self._p(path).unlink()

    def write_bytes(self, path: str, data: bytes, *, overwrite: bool = True) -> None:
        target = self._p(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if overwrite:
                os.replace(tmp, target)
            else:
                os.link(tmp, target)  # fails with FileExistsError if it exists: create-only
                os.unlink(tmp)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def scan_target(self, path: str) -> tuple[str, dict[str, Any] | None]:
        return str(self._p(path)), None

    def spark_uri(self, path: str) -> str:
        # not Path.as_uri(): it escapes `=` of Hive folders (`ingest_date%3D...`), which
        # Hadoop takes literally
        return "file://" + self._p(path).resolve().as_posix()
