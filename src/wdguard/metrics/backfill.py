"""`wdguard metrics backfill`: the metrics of past partitions, so anomalies can be judged
from the first gate run instead of after two weeks of history.

Each date of the range is scanned as the gate scans it (the same engine call, so the
values are the gate's own) and its metrics appended to the table as one create-only
object; no run record is written and nothing is judged. A date whose metrics the table
already holds is skipped unless `replace` (the newer object then wins: readers take the
newest run per date, layer and object).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date as Date
from datetime import timedelta
from pathlib import Path

from wdguard.checks.engines import Engine, get_engine
from wdguard.contracts.io import load_contracts
from wdguard.errors import InputError, LakeUnreachable
from wdguard.lake import layout
from wdguard.lake.resolve import resolve
from wdguard.metrics import table
from wdguard.metrics.monitor import Monitor
from wdguard.record import new_run_id


@dataclass
class DateResult:
    date: str
    status: str  # written | skipped | empty
    partitions: int = 0
    rows: int = 0  # metric rows written
    path: str | None = None
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _day(text: str, option: str) -> Date:
    try:
        return Date.fromisoformat(layout.date_str(text))
    except InputError as exc:
        raise InputError(exc.message, where=option) from None


def _dates(start: str, end: str) -> list[str]:
    a, b = _day(start, "--from"), _day(end, "--to")
    if b < a:
        raise InputError(f"--to {end} is before --from {start}", where="--to")
    return [(a + timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


def backfill(
    store, start: str, end: str, *, layers=("bronze", "silver"),
    contracts_dir: str | Path = "contracts", engine: Engine | None = None,
    replace: bool = False, progress=None, lake: layout.LakeLayout | None = None,
) -> list[DateResult]:
    """Compute and append the metrics of every date from `start` to `end` (inclusive),
    finding partitions as the gate does (`lake`: the `[lake]` layout, default wdguard's)."""
    engine = engine or get_engine("polars")
    lake = lake or layout.LakeLayout.default()
    days = _dates(start, end)
    for layer in layers:
        if layer == layout.GOLD:
            raise InputError("metrics are computed for bronze and silver", where="--layer")
        layout.layer_root(layer, "postgres")
    contracts = load_contracts(contracts_dir)
    known = set(table.dates(store))
    out = []
    with engine.running():
        for day in days:
            if day in known and not replace:
                out.append(DateResult(day, "skipped"))
                continue
            out.append(_one_date(store, day, layers, contracts, engine, progress, lake))
    return out


def _one_date(store, day, layers, contracts, engine, progress, lake) -> DateResult:
    monitor = Monitor(store, day, judge_anomalies=False)
    result = DateResult(day, "empty")
    for layer in layers:
        for contract in contracts:
            obj = contract.object_name
            part = resolve(store, lake, contract, layer, day)
            where = part.path
            try:
                if not part.exists:
                    continue
                part.check()  # a partition the lake could not resolve: its own error
                if progress:
                    progress(f"{day} {layer} {obj}")
                frame = engine.scan(store, part) if part.data_files else engine.empty(contract)
                measured = engine.check_partition(
                    frame, contract, layer, where=where, sample_keys=0, quarantine=False
                ).metrics
            except LakeUnreachable:
                raise
            except Exception as exc:  # one unreadable partition loses its own points
                first = " ".join(str(exc).split())[:300]
                result.errors.append(f"{where}: {first}")
                continue
            monitor.partition(contract, layer, measured, source_format=part.format)
            result.partitions += 1
    if monitor.rows:
        result.path = monitor.write(new_run_id(), engine.name)
        result.status, result.rows = "written", len(monitor.rows)
    return result
