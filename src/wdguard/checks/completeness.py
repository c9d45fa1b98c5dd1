"""Completeness: the partition is there, and holds what its manifest says it landed.

Compares the data files with the manifest's files (missing and unexpected data files), the
rows read with its row_count (to the row), and the date's objects with the contracts
(expected but missing, present without a contract). The "manifest" is the partition's
`Expected`: `_source.json`, or an ADF Copy activity's output standing in for it (file
and row counts), or nothing, and then these checks are skipped with the reason.
"""

from __future__ import annotations

from wdguard.checks.outcome import Outcome
from wdguard.checks.partition import Partition
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Contract
from wdguard.lake import layout
from wdguard.lake.resolve import unexpected_objects as strangers_of


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
    exp = part.expected
    present = set(part.data_files)
    if exp.files is None and exp.file_count is None:
        return Outcome(spec, "skipped", exp.reason or f"{exp.by} lists no files")
    if exp.files is None:  # a count only (ADF filesWritten)
        details = {"expected_files": exp.file_count, "present": len(present)}
        if exp.file_count == len(present):
            return Outcome(spec, "pass", details=details)
        msg = f"{len(present)} data file(s) present, {exp.by} says filesWritten={exp.file_count}"
        return Outcome(spec, "fail", msg, details=details)
    listed = [f.path for f in exp.files]
    missing = [f for f in listed if f not in present]
    extra = sorted(present - set(listed))
    details = {"listed": len(listed), "present": len(present)}
    if not missing and not extra:
        return Outcome(spec, "pass", details=details)
    parts = []
    if missing:
        parts.append(f"missing file(s) listed in {exp.by}: {', '.join(missing)}")
    if extra:
        parts.append(f"file(s) not in {exp.by}: {', '.join(extra)}")
    details.update(missing=missing, unexpected=extra)
    return Outcome(spec, "fail", "; ".join(parts), details=details)


def rows_match(contract: Contract, part: Partition, rows_read: int) -> Outcome:
    spec = _spec("row_count", contract, part.object)
    exp = part.expected
    if exp.row_count is None:
        return Outcome(spec, "skipped", exp.reason, rows_scanned=rows_read)
    expected = exp.row_count
    details = {"manifest_row_count": expected, "rows_read": rows_read}
    problems = []
    if rows_read != expected:
        problems.append(f"read {rows_read} row(s), {exp.by} says {expected}")
    if exp.files is not None:
        listed = sum(f.rows for f in exp.files)
        details["manifest_file_rows"] = listed
        if exp.files and listed != expected:
            problems.append(f"_source.json files sum to {listed} row(s), row_count says {expected}")
    if exp.rows_read is not None:
        details["source_rows_read"] = exp.rows_read
        if exp.rows_read != expected:
            problems.append(f"{exp.by}: rowsRead {exp.rows_read} but rowsCopied {expected}")
    out = Outcome(spec, "pass", rows_scanned=rows_read, details=details)
    if problems:
        out.status = "fail"
        out.failing_rows = abs(rows_read - expected) or abs((exp.rows_read or expected) - expected)
        out.message = "; ".join(problems)
    return out


def unexpected_objects(
    store, contracts: list[Contract], layer: str, date: str, lake: layout.LakeLayout | None = None
) -> list[Outcome]:
    """Partitions of the date that no contract describes (a warning: nothing checks them)."""
    outs: list[Outcome] = []
    found = strangers_of(store, lake or layout.LakeLayout.default(), contracts, layer, date)
    for source, strangers in found.items():
        for obj, where in strangers:
            spec = _spec("unexpected_object", None, obj, severity="warn")
            outs.append(Outcome(spec, "fail", f"{where}/ has no contract"))
        if not strangers:
            outs.append(Outcome(_spec("unexpected_object", None, f"({source})", "warn"), "pass"))
    return outs
