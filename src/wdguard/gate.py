"""The gate: run every check of a date over the chosen layers, record, decide.

Flow: contracts -> (per layer, per contract) locate partition -> completeness ->
one-pass row checks -> freshness, volume -> referential integrity across the date's
partitions -> unexpected objects -> run record (written create-only to
`_wdguard/runs/{date}/{run_id}.json`) -> exit code computed from the record.
A partition that cannot be read is recorded as an `unreadable` error (exit 2) and the
other partitions are still checked, so one bad file does not hide other failures.
"""

from __future__ import annotations

import platform
import re
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from wdguard import __version__
from wdguard.checks import completeness
from wdguard.checks.engines import Engine, PolarsEngine
from wdguard.checks.freshness import check_freshness
from wdguard.checks.gold import run_gold
from wdguard.checks.outcome import Outcome
from wdguard.checks.partition import Partition, locate
from wdguard.checks.rules import validate_rules
from wdguard.checks.spec import CheckSpec
from wdguard.checks.volume import History, check_volume
from wdguard.contracts.io import load_contracts
from wdguard.contracts.merge import fingerprint
from wdguard.contracts.model import Contract, ForeignKey
from wdguard.errors import InputError, LakeUnreachable, SourceError, WdguardError
from wdguard.lake import layout
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

Progress = Callable[[str], None]
_SECRET = re.compile(r"(?i)(sig|accountkey|account_key|sharedaccesssignature)=[^&;]+")


def redact_url(url: str) -> str:
    return _SECRET.sub(r"\1=***", url)


def _versions(engine: Engine) -> dict[str, str]:
    return {"wdguard": __version__, "python": platform.python_version(), **engine.versions()}


def _to_record(out: Outcome, layer: str | None) -> CheckRecord:
    spec = out.spec
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
        failing_rows=out.failing_rows,
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
) -> RunRecord:
    """Check one date; return the finished (and written) run record.

    `engine`: PolarsEngine() by default; a SparkEngine runs the same checks as Spark jobs.
    """
    engine = engine or PolarsEngine()
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
            lake=redact_url(store.url),
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
        validate_rules(contracts)
        record.inputs.contracts = [
            ContractInput(
                name=c.contract, version=c.version, fingerprint=c.fingerprint or fingerprint(c)
            )
            for c in contracts
        ]
        _require_date(store, contracts, [x for x in layers if x != layout.GOLD], date)
        history = History(store, date)  # one per run: a past record holds every layer's counts
        with engine.running():
            for layer in layers:
                if layer == layout.GOLD:  # the post-build gate: checks/gold, contracts/gold/
                    outs = run_gold(
                        store, date, contracts, contracts_dir, record,
                        sample_keys=sample_keys, progress=progress,
                    )  # fmt: skip
                    record.checks += [_to_record(o, layer) for o in outs]
                    continue
                _check_layer(
                    engine, store, record, contracts, layer, date, history, sample_keys,
                    quarantine, progress, monitor,
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
    """The run's metrics, next to its record: a failed write is one more recorded error."""
    try:
        monitor.write(record.run_id, engine)
    except (OSError, WdguardError) as exc:
        text = exc.one_line() if isinstance(exc, WdguardError) else str(exc)
        record.errors.append(f"metrics not written: {' '.join(text.split())}")
        finish(record)


def _require_date(store, contracts: list[Contract], layers, date: str) -> None:
    """A date with no folder in any chosen layer is a wrong --date (or a pipeline that
    did not run), not "every partition missing": the gate cannot decide (exit 2)."""
    roots = [
        layout.layer_root(layer, source)
        for layer in layers
        for source in sorted({c.source.kind for c in contracts})
    ]
    if roots and not any(date in store.list_dirs(root) for root in roots):
        raise InputError(
            f"no partitions for date {date} under {', '.join(r + '/' for r in roots)}",
            where="--date",
        )


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
    history: History,
    sample_keys: int,
    quarantine: bool,
    progress: Progress | None,
    monitor: Monitor | None = None,
) -> None:
    frames: dict[str, object] = {}  # the engine's frame of each readable partition

    def one_partition(contract: Contract) -> tuple[PartitionRecord, list[Outcome]]:
        obj, source = contract.object_name, contract.source.kind
        if progress:
            progress(f"{layer} {obj}")
        path = layout.partition_dir(layer, source, date, obj)
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
            part = locate(store, layer, source, date, obj)
            stats.exists = part.exists
            outs.append(completeness.partition_present(contract, part))
            if part.exists:
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
    for stats, outs in engine.map(one_partition, contracts):
        record.partitions.append(stats)
        record.checks += [_to_record(o, layer) for o in outs]

    by_name = {c.contract: c for c in contracts}

    def one_fk(item: tuple[Contract, ForeignKey]) -> Outcome:
        contract, fk = item
        if progress:
            progress(f"{layer} {contract.object_name} -> {fk.references}")
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
            where = layout.partition_dir(layer, contract.source.kind, date, contract.object_name)
            return _unreadable(contract, contract.object_name, exc, where)

    fks = [(c, fk) for c in contracts for fk in c.references()]
    record.checks += [_to_record(out, layer) for out in engine.map(one_fk, fks)]
    record.checks += [
        _to_record(o, layer) for o in completeness.unexpected_objects(store, contracts, layer, date)
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
    manifest = part.manifest
    assert manifest is not None
    stats.manifest_row_count = manifest.row_count
    stats.files = len(part.data_files)
    stats.extracted_at = manifest.extracted_at
    stats.watermark = manifest.watermark
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
    stats.bytes = sum(f.bytes for f in manifest.files if f.path in present)
    outs.append(completeness.rows_match(contract, part, result.row_count))
    outs += result.outcomes
    fresh = contract.freshness
    fresh_out = check_freshness(
        contract,
        part.object,
        result.max_timestamps.get(fresh.column) if fresh else None,
        manifest.extracted_at,
    )
    if fresh_out:
        outs.append(fresh_out)
    outs += check_volume(contract, layer, result.row_count, history)
    if monitor is not None:
        outs += monitor.partition(contract, layer, result.metrics)
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
