"""Completeness: the partition is there, and holds what `_source.json` says it landed.

Compares the listing with the manifest's files (missing and unexpected data files), the
rows read with the manifest's row_count (to the row), and the date's objects with the
contracts (expected but missing, present without a contract).
"""

from __future__ import annotations

from wdguard.checks.outcome import Outcome
from wdguard.checks.partition import Partition
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Contract
from wdguard.lake import layout


def _spec(check: str, contract: Contract | None, obj: str, severity: str = "error") -> CheckSpec:
    return CheckSpec(
        check, contract=contract.contract if contract else "", object=obj, severity=severity
    )


def partition_present(contract: Contract, part: Partition) -> Outcome:
    spec = _spec("partition_missing", contract, part.object)
    if part.exists:
        return Outcome(spec, "pass")
    return Outcome(spec, "fail", f"no partition at {part.path}/")


def files_match(contract: Contract, part: Partition) -> Outcome:
    spec = _spec("file_missing", contract, part.object)
    assert part.manifest is not None
    listed = [f.path for f in part.manifest.files]
    present = set(part.data_files)
    missing = [f for f in listed if f not in present]
    extra = sorted(present - set(listed))
    details = {"listed": len(listed), "present": len(present)}
    if not missing and not extra:
        return Outcome(spec, "pass", details=details)
    parts = []
    if missing:
        parts.append(f"missing file(s) listed in _source.json: {', '.join(missing)}")
    if extra:
        parts.append(f"file(s) not in _source.json: {', '.join(extra)}")
    details.update(missing=missing, unexpected=extra)
    return Outcome(spec, "fail", "; ".join(parts), details=details)


def rows_match(contract: Contract, part: Partition, rows_read: int) -> Outcome:
    spec = _spec("row_count", contract, part.object)
    assert part.manifest is not None
    expected = part.manifest.row_count
    listed = sum(f.rows for f in part.manifest.files)
    details = {"manifest_row_count": expected, "manifest_file_rows": listed, "rows_read": rows_read}
    out = Outcome(spec, "pass", rows_scanned=rows_read, details=details)
    problems = []
    if rows_read != expected:
        problems.append(f"read {rows_read} row(s), _source.json says {expected}")
    if part.manifest.files and listed != expected:
        problems.append(f"_source.json files sum to {listed} row(s), row_count says {expected}")
    if problems:
        out.status = "fail"
        out.failing_rows = abs(rows_read - expected)
        out.message = "; ".join(problems)
    return out


def unexpected_objects(store, contracts: list[Contract], layer: str, date: str) -> list[Outcome]:
    """Partitions of the date that no contract describes (a warning: nothing checks them)."""
    outs: list[Outcome] = []
    for source in layout.SOURCES:
        known = {c.object_name for c in contracts if c.source.kind == source}
        present = store.list_dirs(layout.date_dir(layer, source, date))
        strangers = [obj for obj in present if obj not in known]
        for obj in strangers:
            spec = _spec("unexpected_object", None, obj, severity="warn")
            where = layout.partition_dir(layer, source, date, obj)
            outs.append(Outcome(spec, "fail", f"{where}/ has no contract"))
        if present and not strangers:
            outs.append(Outcome(_spec("unexpected_object", None, f"({source})", "warn"), "pass"))
    return outs
