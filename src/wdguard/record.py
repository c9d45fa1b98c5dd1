"""The run record: everything one gate run decided, as data (JSON in the lake).

The gate's exit code is computed from this record (`decide`), never from log lines;
the nightly report and the next runs' freshness/volume baselines read it back.
Shape version 1; additive changes only.
"""

from __future__ import annotations

import os
import secrets
import time
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from wdguard.errors import EXIT_FINDINGS, EXIT_OK, EXIT_UNDECIDED

RECORD_VERSION = 1
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_run_id(now: float | None = None) -> str:
    """A ULID: 48-bit millisecond time + 80 random bits, so run ids sort by start time."""
    ms = int((time.time() if now is None else now) * 1000)
    value = (ms << 80) | int.from_bytes(secrets.token_bytes(10), "big")
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


class CheckRecord(BaseModel):
    id: str  # layer:object:column:check[:name] - stable across runs
    code: str  # WDG0xx
    check: str  # kind: not_null, in_values, orphan_fk, ...
    family: str
    layer: str | None = None
    contract: str | None = None
    object: str | None = None
    column: str | None = None
    name: str | None = None  # rule / foreign key / key name
    severity: Literal["error", "warn"] = "error"
    status: Literal["pass", "fail", "skipped", "error"]
    message: str = ""
    rows_scanned: int | None = None
    failing_rows: int | None = None
    sample_keys: list[dict[str, Any]] = Field(default_factory=list)
    duration_ms: float = 0.0
    details: dict[str, Any] = Field(default_factory=dict)


class PartitionRecord(BaseModel):
    layer: str
    source: str
    object: str
    contract: str | None = None
    path: str
    exists: bool
    row_count: int | None = None  # rows in the data files
    manifest_row_count: int | None = None
    files: int | None = None
    bytes: int | None = None
    extracted_at: datetime | None = None
    watermark: datetime | None = None
    max_timestamps: dict[str, str | None] = Field(default_factory=dict)
    scan_ms: float | None = None
    quarantine: str | None = None  # path of the quarantine file written, if any


class ContractInput(BaseModel):
    name: str
    version: int
    fingerprint: str | None = None


class Inputs(BaseModel):
    lake: str  # redacted
    date: str
    layers: list[str]
    contracts_dir: str
    contracts: list[ContractInput] = Field(default_factory=list)
    sample_keys: int = 5
    quarantine: bool = False
    engine: str = "polars"  # the dataframe engine that ran the checks (versions: its version)


class Summary(BaseModel):
    checks: int = 0
    passed: int = 0
    failed_error: int = 0
    failed_warn: int = 0
    skipped: int = 0
    errors: int = 0


class RunRecord(BaseModel):
    record_version: int = RECORD_VERSION
    run_id: str
    started_at: datetime
    finished_at: datetime | None = None
    duration_ms: float | None = None
    user: str
    host: str
    versions: dict[str, str]
    inputs: Inputs
    partitions: list[PartitionRecord] = Field(default_factory=list)
    checks: list[CheckRecord] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)  # why the gate could not decide
    summary: Summary = Field(default_factory=Summary)
    verdict: Literal["pass", "fail", "undecided"] = "undecided"
    exit_code: int = EXIT_UNDECIDED

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def load_run_record(data: str | bytes | dict[str, Any] | RunRecord) -> RunRecord:
    """A run record read back (JSON from the lake, or its dict), validated against the
    model: the one way a record comes back in, so a new record version changes one place.
    Raises pydantic's ValidationError (a ValueError) when it is not a run record."""
    if isinstance(data, RunRecord):
        return data
    if isinstance(data, dict):
        return RunRecord.model_validate(data)
    return RunRecord.model_validate_json(data)


def read_run_records(store: Any, day: str) -> tuple[list[RunRecord], list[str]]:
    """Every run record of a date, oldest first (run ids are ULIDs), and one note per
    record that could not be read (skipped, never fatal)."""
    from wdguard.lake import layout

    records: list[RunRecord] = []
    notes: list[str] = []
    for path in sorted(store.list(layout.runs_dir(day))):
        if not path.endswith(".json"):
            continue
        try:
            records.append(load_run_record(store.read_bytes(path)))
        except (ValueError, AttributeError, TypeError) as exc:
            notes.append(f"{path}: unreadable run record skipped ({type(exc).__name__})")
    return records, notes


def decide(record: RunRecord) -> tuple[str, int]:
    """The verdict and exit code, from the record's own content only."""
    if record.errors or any(c.status == "error" for c in record.checks):
        return "undecided", EXIT_UNDECIDED
    if any(c.status == "fail" and c.severity == "error" for c in record.checks):
        return "fail", EXIT_FINDINGS
    return "pass", EXIT_OK


def summarise(record: RunRecord) -> Summary:
    s = Summary(checks=len(record.checks))
    for c in record.checks:
        if c.status == "pass":
            s.passed += 1
        elif c.status == "skipped":
            s.skipped += 1
        elif c.status == "error":
            s.errors += 1
        elif c.severity == "error":
            s.failed_error += 1
        else:
            s.failed_warn += 1
    return s


def finish(record: RunRecord) -> RunRecord:
    """Stamp the end time, summary, verdict and exit code (computed from the record)."""
    record.finished_at = datetime.now(UTC)
    record.duration_ms = round((record.finished_at - record.started_at).total_seconds() * 1000, 1)
    record.summary = summarise(record)
    record.verdict, record.exit_code = decide(record)  # type: ignore[assignment]
    return record


def who() -> str:
    for var in ("WDGUARD_USER", "USER", "LOGNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return f"uid:{os.getuid()}"
