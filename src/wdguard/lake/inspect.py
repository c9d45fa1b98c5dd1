"""`wdguard lake inspect`: what the gate will read for a date, before it reads it.

For each contract and layer: the folder the layout resolves to, its format, data files,
ignored files and row count, who states the expected counts (`_source.json`, an ADF
output, nobody), and which checks will therefore be skipped and why: the first command
to run on one's own lake.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from wdguard.contracts.model import Contract
from wdguard.errors import LakeUnreachable, WdguardError
from wdguard.lake import catalog, layout
from wdguard.lake.formats import scan_polars
from wdguard.lake.partition import ResolvedPartition
from wdguard.lake.resolve import resolve_date


@dataclass
class Inspected:
    layer: str
    contract: str
    path: str
    exists: bool
    format: str | None = None
    files: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rows: int | None = None
    expected_by: str | None = None
    expected_rows: int | None = None
    skipped: dict[str, str] = field(default_factory=dict)  # check -> why
    problem: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _rows(store, part: ResolvedPartition) -> int:
    import polars as pl  # heavy: only when rows are counted

    if not part.data_files:
        return 0
    return int(scan_polars(store, part).select(pl.len()).collect().item())


def _one(store, part: ResolvedPartition) -> Inspected:
    assert part.contract is not None
    out = Inspected(part.layer, part.contract.contract, part.path, part.exists)
    if not part.exists:
        out.problem = "no partition: partition_missing will fail"
        return out
    if part.problem is not None:
        p = part.problem
        out.problem = p.one_line() if isinstance(p, WdguardError) else f"{type(p).__name__}: {p}"
        return out
    out.format, out.files, out.ignored = part.format, part.data_files, part.ignored
    exp = part.expected
    if part.format == catalog.FORMAT:  # a name, not storage: Spark reads it, and counts it
        out.expected_by, out.skipped = None, {"file_missing": exp.reason, "row_count": exp.reason}
        return out
    out.expected_by, out.expected_rows = exp.by or None, exp.row_count
    if not exp.known:
        out.skipped = {"file_missing": exp.reason, "row_count": exp.reason}
    elif exp.files is None and exp.file_count is None:
        out.skipped = {"file_missing": f"{exp.by} counts no files"}
    if part.contract.freshness is not None and exp.extracted_at is None:
        out.skipped["stale"] = f"not skipped: measured against the end of {part.date}"
    try:
        out.rows = _rows(store, part)
    except LakeUnreachable:
        raise
    except Exception as exc:
        out.problem = exc.one_line() if isinstance(exc, WdguardError) else str(exc)[:300]
    return out


def inspect_date(
    store,
    lake: layout.LakeLayout,
    contracts: list[Contract],
    layers,
    date: str,
    *,
    require_manifest: bool = False,
) -> list[Inspected]:
    """One `Inspected` per contract and layer, in layer then contract order."""
    date = layout.date_str(date)
    resolved = resolve_date(
        store, lake, contracts, list(layers), date, require_manifest=require_manifest
    )
    return [_one(store, p) for parts in resolved.values() for p in parts]
