"""The gate: run every check of a date over the chosen layers, record, decide.

Flow: contracts -> the date's partitions resolved once (`lake/resolve.py`: where each
contract's data is, its format, what its manifest or stand-in expects) -> completeness ->
one-pass row checks -> freshness, volume -> referential integrity across the date's
partitions -> unexpected objects -> run record (written create-only to
`_wdguard/runs/{date}/{run_id}.json`) -> exit code computed from the record.
A partition that cannot be read is recorded as an `unreadable` error (exit 2) and the
other partitions are still checked, so one bad file does not hide other failures.
"""

from __future__ import annotations

import platform
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from wdguard.checks import column_set, completeness
from wdguard.checks.derive import fk_spec
from wdguard.checks.engines import Engine, get_engine
from wdguard.checks.freshness import check_freshness
from wdguard.checks.gold.run import run_gold
from wdguard.checks.outcome import Outcome
from wdguard.checks.partition import Partition
from wdguard.checks.rules import validate_rules
from wdguard.checks.spec import CheckSpec
from wdguard.checks.volume import History, check_volume
from wdguard.contracts.io import load_contracts
from wdguard.contracts.merge import fingerprint
from wdguard.contracts.model import Contract, ForeignKey
from wdguard.errors import InputError, LakeUnreachable, SourceError, WdguardError
from wdguard.lake import layout
from wdguard.lake.catalog import require_engine
from wdguard.lake.partition import ResolvedPartition
from wdguard.lake.resolve import resolve_date, roots
from wdguard.metrics.monitor import Monitor
from wdguard.record import (
    CheckRecord,
    ContractInput,
    Inputs,
    PartitionRecord,
    RunRecord,
    finish,
    new_run_id,
    who,
)
from wdguard.redact import redact_text
from wdguard.version import __version__

Progress = Callable[[str], None]


def _versions(engine: Engine) -> dict[str, str]:
    return {"wdguard": __version__, "python": platform.python_version(), **engine.versions()}


def _to_record(out: Outcome, layer: str | None) -> CheckRecord:
    spec = out.spec
    failing = out.failing_rows
    if failing is not None and out.rows_scanned is not None and failing > out.rows_scanned:
        # rows a manifest promised but no file held were never scanned: a record never
        # says more rows failed than it read (the message keeps the difference)
        failing = out.rows_scanned or None
    return CheckRecord(
        id=":".join(x for x in (layer or "lake", spec.object, spec.label) if x),
        code=spec.code,
        check=spec.check,
        family=spec.family,
        layer=layer,
        contract=spec.contract or None,
        object=spec.object or None,
        column=spec.column,
        name=spec.name,
        severity=spec.severity,  # type: ignore[arg-type]
        status=out.status,
        message=out.message,
        rows_scanned=out.rows_scanned,
        failing_rows=failing,
        sample_keys=out.sample_keys,
        duration_ms=round(out.duration_ms, 2),
        details=out.details,
    )


def _unreadable(contract: Contract, obj: str, exc: Exception, where: str) -> Outcome:
    """A partition that could not be read: the message always names where."""
    spec = CheckSpec("unreadable", contract=contract.contract, object=obj)
    if isinstance(exc, WdguardError):
        text = exc.one_line()
        if where not in text:
            text = f"{where}: {text}"
    else:
        first = str(exc).strip().split("\n")[0]
        text = f"{where}: cannot read partition: {type(exc).__name__}: {first}"
    return Outcome(spec, "error", " ".join(text.split())[:500])


def run_gate(
    store,
    date: str,
    *,
    layers: list[str] | tuple[str, ...] = ("bronze", "silver"),
    contracts_dir: str | Path = "contracts",
    sample_keys: int = 5,
    quarantine: bool = False,
    progress: Progress | None = None,
    write: bool = True,
    engine: Engine | None = None,
    lake: layout.LakeLayout | None = None,
    require_manifest: bool = False,
) -> RunRecord:
    """Check one date; return the finished (and written) run record.

    `engine`: PolarsEngine() by default; a SparkEngine runs the same checks as Spark jobs.
    `lake`: where the partitions are (the `[lake]` table; default: wdguard's own layout).
    `require_manifest`: a partition without `_source.json` (or its ADF stand-in) is
    undecided (exit 2) instead of having its manifest checks skipped.
    """
    engine = engine or get_engine("polars")
    lake = lake or layout.LakeLayout.default()
    date = layout.date_str(date)
    monitor = Monitor(store, date)  # column metrics + anomalies, same pass (metrics/)
    started = datetime.now(UTC)
    record = RunRecord(
        run_id=new_run_id(started.timestamp()),
        started_at=started,
        user=who(),
        host=socket.gethostname(),
        versions=_versions(engine),
        inputs=Inputs(
            lake=redact_text(store.url),
            date=date,
            layers=list(layers),
            contracts_dir=str(contracts_dir),
            sample_keys=sample_keys,
            quarantine=quarantine,
            engine=engine.name,
        ),
    )
    try:
        for layer in layers:
            layout.layer_root(layer, "postgres")  # validates the layer name
        contracts = load_contracts(contracts_dir)
        validate_rules(contracts, engine)
        record.inputs.contracts = [
            ContractInput(
                name=c.contract, version=c.version, fingerprint=c.fingerprint or fingerprint(c)
            )
            for c in contracts
        ]
        source_layers = [x for x in layers if x != layout.GOLD]
        resolved = resolve_date(
            store, lake, contracts, source_layers, date, require_manifest=require_manifest
        )
        _require_date(resolved, lake, contracts, date)
        require_engine(engine.name, [p for ps in resolved.values() for p in ps])
        history = History(store, date, lake)  # one per run: a record holds every layer's counts
        with engine.running():
            for layer in layers:
                if layer == layout.GOLD:  # the post-build gate, on the same engine: checks/gold
                    outs = run_gold(
                        store, date, contracts, contracts_dir, record,
                        sample_keys=sample_keys, progress=progress, engine=engine,
                        lake=lake,
                    )  # fmt: skip
                    record.checks += [_to_record(o, layer) for o in outs]
                    continue
                _check_layer(
                    engine, store, record, contracts, layer, date, resolved[layer], lake,
                    history, sample_keys, quarantine, progress, monitor,
                )
    except LakeUnreachable:
        raise  # nothing can be recorded in a lake that is gone: one line, exit 2
    except WdguardError as exc:
        record.errors.append(exc.one_line())
    finish(record)
    if write:
        _write_metrics(monitor, record, engine.name)
        _write(store, record, date)
    return record


def _write_metrics(monitor: Monitor, record: RunRecord, engine: str) -> None:
    """The run's metrics, before its record: a failed write is one more recorded error."""
    try:
        monitor.write(record.run_id, engine)
    except (OSError, WdguardError) as exc:
        text = exc.one_line() if isinstance(exc, WdguardError) else str(exc)
        record.errors.append(f"metrics not written: {' '.join(text.split())}")
        finish(record)


def _require_date(
    resolved: dict[str, list[ResolvedPartition]], lake, contracts: list[Contract], date: str
) -> None:
    """A date with no partition in any chosen layer is a wrong --date (or a pipeline that
    did not run), not "every partition missing": the gate cannot decide (exit 2)."""
    parts = [p for ps in resolved.values() for p in ps]
    if parts and not any(p.exists for p in parts):
        where = ", ".join(roots(lake, contracts, list(resolved)))
        raise InputError(f"no partitions for date {date} under {where}", where="--date")


def _write(store, record: RunRecord, date: str) -> None:
    path = layout.run_record_path(date, record.run_id)
    try:
        store.write_text(path, record.to_json(), overwrite=False)
    except (OSError, WdguardError) as exc:
        text = exc.one_line() if isinstance(exc, WdguardError) else str(exc)
        record.errors.append(f"run record not written to {path}: {' '.join(text.split())}")
        finish(record)


def _check_layer(
    engine: Engine,
    store,
    record: RunRecord,
    contracts: list[Contract],
    layer: str,
    date: str,
    parts: list[ResolvedPartition],
    lake: layout.LakeLayout,
    history: History,
    sample_keys: int,
    quarantine: bool,
    progress: Progress | None,
    monitor: Monitor | None = None,
) -> None:
    frames: dict[str, object] = {}  # the engine's frame of each readable partition
    incomplete: dict[str, str] = {}  # contract -> why its partition cannot be a parent

    def one_partition(
        item: tuple[Contract, ResolvedPartition],
    ) -> tuple[PartitionRecord, list[Outcome]]:
        contract, part = item
        obj, source, path = contract.object_name, contract.source.kind, part.path
        if progress:
            progress(f"{layer} {obj}")
        stats = PartitionRecord(
            layer=layer,
            source=source,
            object=obj,
            contract=contract.contract,
            path=path,
            exists=False,
        )
        outs: list[Outcome] = []
        try:
            stats.exists = part.exists
            outs.append(completeness.partition_present(contract, part))
            if part.exists:
                part.check()  # a problem found resolving it: unreadable, undecided
                outs += _check_partition(
                    engine,
                    store,
                    part,
                    contract,
                    layer,
                    stats,
                    history,
                    frames,
                    sample_keys,
                    quarantine,
                    record.run_id,
                    monitor,
                )
        except LakeUnreachable:
            raise
        except Exception as exc:  # unreadable partition or manifest: undecided, go on
            outs.append(_unreadable(contract, obj, exc, path))
            frames.pop(contract.contract, None)
        return stats, outs

    # partitions, then foreign keys: each step's results are recorded in contract order,
    # whatever order an engine that runs them concurrently (Spark) finished them in
    for stats, outs in engine.map(one_partition, list(zip(contracts, parts, strict=True))):
        record.partitions.append(stats)
        record.checks += [_to_record(o, layer) for o in outs]
        missing = [f for o in outs if o.spec.check == "file_missing" and o.status == "fail"
                   for f in o.details.get("missing", [])]
        if missing:  # its rows are not all there: every child row would look orphaned
            incomplete[stats.contract or stats.object] = (
                f"{len(missing)} data file(s) missing from {stats.path}/")

    by_name = {c.contract: c for c in contracts}
    where_of = {c.contract: p.path for c, p in zip(contracts, parts, strict=True)}

    def one_fk(item: tuple[Contract, ForeignKey]) -> Outcome:
        contract, fk = item
        if progress:
            progress(f"{layer} {contract.object_name} -> {fk.references}")
        if fk.references in incomplete:  # as for a missing parent partition: skipped
            return Outcome(fk_spec(contract, fk), "skipped",
                           f"parent {fk.references} is incomplete: {incomplete[fk.references]}")
        try:
            return engine.check_fk(
                contract,
                frames.get(contract.contract),
                fk,
                by_name.get(fk.references),
                frames.get(fk.references),
                sample_keys=sample_keys,
            )
        except Exception as exc:
            return _unreadable(contract, contract.object_name, exc, where_of[contract.contract])

    fks = [(c, fk) for c in contracts for fk in c.references()]
    record.checks += [_to_record(out, layer) for out in engine.map(one_fk, fks)]
    record.checks += [
        _to_record(o, layer)
        for o in completeness.unexpected_objects(store, contracts, layer, date, lake)
    ]


def _check_partition(
    engine: Engine,
    store,
    part: Partition,
    contract: Contract,
    layer: str,
    stats: PartitionRecord,
    history: History,
    frames: dict[str, object],
    sample_keys: int,
    quarantine: bool,
    run_id: str,
    monitor: Monitor | None = None,
) -> list[Outcome]:
    expected = part.expected
    stats.manifest_row_count = expected.row_count
    stats.files = len(part.data_files)
    stats.extracted_at = expected.extracted_at
    stats.watermark = expected.watermark
    outs = [completeness.files_match(contract, part)]
    # an extraction of an empty table may land no data file: check it as zero rows of
    # the contract's shape (row_count still compares 0 with `_source.json`)
    lf = engine.scan(store, part) if part.data_files else engine.empty(contract)
    result = engine.check_partition(
        lf, contract, layer, where=part.path, sample_keys=sample_keys, quarantine=quarantine
    )
    frames[contract.contract] = lf
    stats.row_count = result.row_count
    stats.max_timestamps = result.max_timestamps
    stats.scan_ms = round(result.scan_ms, 1)
    present = set(part.data_files)
    if expected.files is not None:
        stats.bytes = sum(f.bytes for f in expected.files if f.path in present)
    outs.append(completeness.rows_match(contract, part, result.row_count))
    outs += column_set.review(contract, lf, result.outcomes,
                              migration_head=column_set.head_of(part), date=part.date)
    fresh = contract.freshness
    reference = expected.extracted_at or part.end_of_date()
    fresh_out = check_freshness(
        contract,
        part.object,
        result.max_timestamps.get(fresh.column) if fresh else None,
        reference,
        reference="extraction" if expected.extracted_at else f"the end of {part.date}",
    )
    if fresh_out:
        outs.append(fresh_out)
    outs += check_volume(contract, layer, result.row_count, history)
    if monitor is not None:
        outs += monitor.partition(contract, layer, result.metrics, source_format=part.format)
    if result.quarantine is not None:
        stats.quarantine = _write_quarantine(
            engine, store, result.quarantine, part, layer, run_id
        )
    return outs


def _write_quarantine(
    engine: Engine, store, rows, part: Partition, layer: str, run_id: str
) -> str:
    """Failing rows with their reasons, one create-only parquet object per run."""
    path = f"{layout.quarantine_dir(part.date, part.object)}/{layer}-{run_id}.parquet"
    try:
        data = engine.quarantine_parquet(rows)
    except Exception as exc:
        raise SourceError(f"cannot build quarantine rows: {exc}", where=part.path) from None
    store.write_bytes(path, data, overwrite=False)
    return path
