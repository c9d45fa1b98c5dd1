"""The Python API for jobs and notebooks (Databricks, Airflow, a silver job).

    from wdguard.api import gate, validate_dataframe

    record = gate(spark, "abfss://lake@acct.dfs.core.windows.net/wastedump", "2026-11-26")
    if record.exit_code != 0:
        raise SystemExit(record.exit_code)      # gold must not be built

    verdict = validate_dataframe(silver_orders_df, "contracts/Order.yaml")
    if not verdict.ok:
        raise ValueError(verdict.summary())     # refuse to write bad silver

Both return data (the run record, the frame's verdict) and never print or exit; the CLI
renders the same records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from wdguard.contracts.model import Contract
from wdguard.record import CheckRecord, RunRecord


def gate(
    spark: Any,
    lake: str | Path,
    date: str,
    *,
    layers: list[str] | tuple[str, ...] = ("bronze", "silver"),
    contracts_dir: str | Path = "contracts",
    sample_keys: int = 5,
    quarantine: bool = False,
    write: bool = True,
) -> RunRecord:
    """Gate one lake date with `spark` (a SparkSession; None runs the Polars engine).

    The record is written create-only to `_wdguard/runs/{date}/` unless `write=False`;
    `record.exit_code` is 0 (build gold), 1 (a check failed) or 2 (undecided)."""
    from wdguard.checks.engines import PolarsEngine, SparkEngine
    from wdguard.gate import run_gate
    from wdguard.lake.storage import open_store

    engine = SparkEngine(spark) if spark is not None else PolarsEngine()
    return run_gate(
        open_store(lake),
        date,
        layers=layers,
        contracts_dir=contracts_dir,
        sample_keys=sample_keys,
        quarantine=quarantine,
        write=write,
        engine=engine,
    )


class FrameVerdict(BaseModel):
    """The checks of one contract on one in-memory frame, as in a run record."""

    contract: str
    layer: str
    engine: str
    row_count: int
    checks: list[CheckRecord]

    @property
    def ok(self) -> bool:
        """No error-level check failed or errored (warnings do not block)."""
        return not any(
            c.status == "error" or (c.status == "fail" and c.severity == "error")
            for c in self.checks
        )

    @property
    def failed(self) -> list[CheckRecord]:
        return [c for c in self.checks if c.status in ("fail", "error")]

    def summary(self) -> str:
        """One line per failing check, ruff-style: `Order.total_amount: WDG023 between ...`."""
        lines = [f"{self.contract} ({self.layer}, {self.row_count} rows): "
                 f"{'ok' if self.ok else 'FAILED'}"]
        for c in self.failed:
            where = self.contract + (f".{c.column}" if c.column else "")
            lines.append(f"  {where}: {c.code} {c.severity} {c.check} {c.message}".rstrip())
        return "\n".join(lines)


def validate_dataframe(
    frame: Any,
    contract: Contract | str | Path,
    *,
    layer: str = "silver",
    sample_keys: int = 5,
) -> FrameVerdict:
    """Check a Spark DataFrame (or a Polars DataFrame/LazyFrame) against one contract
    before it is written: schema, every row check and key uniqueness, as the gate runs them
    on `layer`. Cross-partition checks (foreign keys, volume, freshness against the
    extraction) need the lake and are the gate's."""
    from wdguard.checks.engines import PolarsEngine, SparkEngine
    from wdguard.checks.rules import validate_rules
    from wdguard.contracts.io import load_contract
    from wdguard.gate import _to_record
    from wdguard.lake import layout

    layout.layer_root(layer, "postgres")  # validates the layer name
    if not isinstance(contract, Contract):
        contract = load_contract(Path(contract))
    validate_rules([contract])  # a rule that is not a row expression: InputError (exit 2)
    if type(frame).__module__.startswith("polars"):
        engine: Any = PolarsEngine()
        frame = frame.lazy()
    else:
        engine = SparkEngine(frame.sparkSession)
    with engine.running():
        result = engine.check_partition(
            frame, contract, layer, where=f"{contract.contract} frame",
            sample_keys=sample_keys, quarantine=False,
        )
    return FrameVerdict(
        contract=contract.contract,
        layer=layer,
        engine=engine.name,
        row_count=result.row_count,
        checks=[_to_record(o, layer) for o in result.outcomes],
    )
