"""`ResolvedPartition`: one contract's partition of one layer on one date, as the lake
resolved it (`resolve.py` for folders, `delta/resolve.py` for Delta tables): where it is,
its files, format and expected counts. The readers (`formats.py`) and every check work
on it; it knows no reader and no resolver, so they all import it one way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from wdguard.contracts.model import Contract
from wdguard.lake import layout
from wdguard.lake.manifest import Expected, Manifest


@dataclass
class ResolvedPartition:
    layer: str
    source: str
    object: str
    date: str
    path: str  # the partition's folder, relative to the lake root
    listing: list[str] = field(default_factory=list)  # every file, relative to `path`
    manifest: Manifest | None = None
    format: str = "parquet"
    contract: Contract | None = None
    expected: Expected = field(default_factory=Expected)
    files: list[str] | None = None  # data files; None: every non-side file (`classify`d)
    ignored: list[str] = field(default_factory=list)  # files of no readable format
    predicate: Any = None  # reserved: a Delta table's date predicate (rows, not folders)
    problem: Exception | None = None  # raised when the gate checks this partition

    @property
    def exists(self) -> bool:
        return bool(self.listing)

    @property
    def data_files(self) -> list[str]:
        return self.files if self.files is not None else layout.data_files(self.listing)

    def check(self) -> None:
        """Raise this partition's resolution problem, if it had one."""
        if self.problem is not None:
            raise self.problem

    def end_of_date(self) -> dt.datetime:
        """Midnight UTC after the partition's date: freshness's reference without a
        manifest (never the wall clock: a re-check of an old date gives the same answer)."""
        return dt.datetime.combine(
            dt.date.fromisoformat(self.date) + dt.timedelta(days=1), dt.time(), dt.UTC
        )
