"""The gold gate's run: `run_gold` checks every gold table of a date (see the package
docstring) on the gate's engine, whose gold hooks `hooks_for` picks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wdguard.checks.engines import get_engine
from wdguard.checks.gold.derive import derive_gold
from wdguard.checks.gold.plan import GoldHooks, evaluate
from wdguard.checks.outcome import Outcome
from wdguard.checks.partition import Partition
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.gold import GoldContract, gold_problems, load_gold_contracts
from wdguard.contracts.model import Contract
from wdguard.errors import InputError, LakeUnreachable
from wdguard.lake import layout
from wdguard.lake.delta import is_delta_table
from wdguard.lake.delta.resolve import delta_partition as _delta
from wdguard.lake.resolve import resolve
from wdguard.record import ContractInput, PartitionRecord, RunRecord


def hooks_for(engine: Any) -> GoldHooks:
    """The gold hooks of the gate's engine (`checks/engines/<engine>/gold.py`, beside its
    partition hooks): the one place the gold plan's engine is chosen. Imported here, not
    at the top, only because they import pyspark or polars (no import circle: they import
    `plan.py`, never this module)."""
    if engine.name == "spark":
        from wdguard.checks.engines.spark.gold import SparkGold

        return SparkGold(engine.spark, engine.map)
    from wdguard.checks.engines.polars.gold import PolarsGold

    return PolarsGold()


def _fingerprint(g: GoldContract) -> str:
    text = json.dumps(g.model_dump(mode="json"), sort_keys=True)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def _gold_frame(engine, store, table: str, date: str) -> tuple[Partition, Any]:
    delta = _delta(store, layout.GOLD, layout.GOLD, table, f"{layout.GOLD}/{table}", date)
    if delta is not None:  # a Delta gold table: its date, from its log
        delta.check()
        return delta, (engine.scan(store, delta) if delta.exists else None)
    path = layout.gold_dir(table, date)
    prefix = path + "/"
    listing = [p[len(prefix) :] for p in store.list(path) if p.startswith(prefix)]
    part = Partition(layout.GOLD, layout.GOLD, table, date, path, listing)
    if not part.data_files:
        return part, None
    return part, engine.scan(store, part)


def run_gold(
    store,
    date: str,
    contracts: list[Contract],
    contracts_dir: str | Path,
    record: RunRecord,
    *,
    sample_keys: int = 5,
    progress: Callable[[str], None] | None = None,
    engine: Any = None,
    lake: Any = None,
) -> list[Outcome]:
    """Every gold check of `date` on `engine` (the gate's; None: Polars); adds the gold
    partitions and contracts to `record`. `lake`: the layout silver is read through
    (reconciliation; None: wdguard's own)."""
    if engine is None:
        engine = get_engine("polars")
    gold = load_gold_contracts(contracts_dir)
    if not gold:
        raise InputError("no gold contracts to check", where=str(Path(contracts_dir) / "gold"))
    problems = gold_problems(gold, contracts, Path(contracts_dir) / "gold")
    if problems:
        raise InputError(problems[0])
    record.inputs.contracts += [
        ContractInput(name=g.gold, version=g.version, fingerprint=_fingerprint(g)) for g in gold
    ]
    outs: list[Outcome] = []
    frames: dict[str, Any] = {}
    where: dict[str, str] = {}
    parts: dict[str, Partition] = {}
    for g in gold:
        if progress:
            progress(f"gold {g.gold}")
        part, lf = _gold_frame(engine, store, g.gold, date)
        parts[g.gold], frames[g.gold], where[g.gold] = part, lf, part.path
        spec = CheckSpec("partition_missing", g.gold, g.gold)
        outs.append(
            Outcome(spec, "pass")
            if lf is not None
            else Outcome(spec, "fail", f"no gold partition at {part.path}/")
        )
    if all(f is None for f in frames.values()):
        raise InputError(f"no gold partitions for date {date} under gold/*/", where="--date")
    for table in store.list_dirs(layout.GOLD):  # a gold table nobody wrote a contract for
        if table in frames:
            continue
        delta = is_delta_table(store, f"{layout.GOLD}/{table}")
        if delta or date in store.list_dirs(f"{layout.GOLD}/{table}"):
            spec = CheckSpec("unexpected_object", table, table, severity="warn")
            path = f"{layout.GOLD}/{table}" if delta else layout.gold_dir(table, date)
            outs.append(Outcome(spec, "fail", f"{path}/ has no gold contract"))
    silver: dict[str, Any] = {}
    by_name = {c.contract: c for c in contracts}
    for g in gold:
        rc = g.reconcile
        if rc is None or rc.source in silver or rc.source not in by_name:
            continue
        c = by_name[rc.source]
        sp = resolve(store, lake or layout.LakeLayout.default(), c, "silver", date)
        path = where[f"silver:{rc.source}"] = sp.path
        try:
            sp.check()
            silver[rc.source] = engine.scan(store, sp) if sp.data_files else None
        except LakeUnreachable:
            raise
        except Exception as exc:  # unreadable silver: reconcile cannot decide (error)
            silver[rc.source] = None
            where[f"silver:{rc.source}"] = f"{path}: {' '.join(str(exc).split())[:200]}"
    if progress:
        progress("gold checks")
    results, rows = evaluate(
        derive_gold(gold, contracts), frames, silver, date, hooks=hooks_for(engine),
        where=where, sample_keys=sample_keys,
    )  # fmt: skip
    for g in gold:
        part = parts[g.gold]
        record.partitions.append(
            PartitionRecord(
                layer=layout.GOLD,
                source=layout.GOLD,
                object=g.gold,
                contract=g.gold,
                path=part.path,
                exists=frames[g.gold] is not None,
                row_count=rows.get(g.gold),
                files=len(part.data_files),
            )
        )
    return outs + results
