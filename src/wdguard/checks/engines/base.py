"""What the gate asks of a dataframe engine: the seam, and what every engine shares.

The gate (`gate.py`) decides *what* runs - contracts -> CheckSpecs, completeness from the
manifests, freshness and volume from the counts, the run record and its exit code - and
`checks/plan.py` decides *how a partition is checked*, once for every engine. An engine
only implements coarse hooks over its own frames (modelled on pandera's backends: one
folder per engine, picked by the frame's type or `--engine` in `engines/__init__.py`):

    map(fn, items)                      partitions one by one, or a few at once (Spark)
    running()                           a context the whole gate runs in (Spark: conf)
    scan(store, partition)              a lazy frame of the partition's data files
    empty(contract)                     zero rows of the contract's shape (no data file)
    schema(frame)                       {column: type} from the footers, no data read
    schema_failures(frame, contract, layer)   an extra schema verdict (Polars: pandera)
    with_columns(frame, {name: expr})   the casts, one projection
    aggregate(frame, {name: expr})      EVERY named aggregate in ONE pass (row checks,
                                        row count, max timestamps; metrics join here)
    metric_aggregates(specs, typed, types, counts)  column metrics as named aggregates for
                                        that pass (plan `measures`; `counts`: the pass's
                                        shared value counts), from the folder's metrics.py
    key_duplicates(frame, typed, keys, types)  every key's duplicates in ONE more pass
    duplicate_rows / duplicated_flag    the rows of a repeated key (samples, quarantine)
    first_rows(frame, where, {name: expr}, limit)  the first matching rows, one query
    orphans(child, keys, pk, parent, keys, n)  one anti-join: (count, sample rows)
    quarantine_rows(frame, reasons, raw) / quarantine_parquet(rows)
    short(exc)                          an engine error as one line

and an expression module `x` (the plan's `E`): types, casts, aggregates and the row-check
builders that `kinds.KINDS` names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any, Protocol, TypeVar

from wdguard.checks import plan
from wdguard.checks.outcome import Outcome
from wdguard.checks.partition import Partition
from wdguard.contracts.model import Contract, ForeignKey

T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    name: str
    x: ModuleType

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]: ...
    def versions(self) -> dict[str, str]: ...
    def running(self) -> Any: ...
    def scan(self, store, part: Partition) -> Any: ...
    def empty(self, contract: Contract) -> Any: ...
    def check_partition(
        self, frame: Any, contract: Contract, layer: str, *, where: str, sample_keys: int,
        quarantine: bool,
    ) -> Any: ...
    def check_fk(
        self, child: Contract, child_frame: Any, fk: ForeignKey, parent: Contract | None,
        parent_frame: Any, *, sample_keys: int,
    ) -> Outcome: ...
    def quarantine_parquet(self, rows: Any) -> bytes: ...


class EngineBase:
    """The two entry points the gate calls, the same for every engine: the plan, run
    on this engine's hooks."""

    name: str
    x: ModuleType

    def schema_failures(self, frame, contract: Contract, layer: str) -> dict[str, str] | None:
        return None

    def check_partition(
        self, frame, contract: Contract, layer: str, *, where: str, sample_keys: int = 5,
        quarantine: bool = False,
    ):  # fmt: skip
        from wdguard.metrics import catalog

        specs = catalog.metric_specs(contract)  # the column metrics ride in the same pass

        def metrics(E, typed, types, counts):
            return self.metric_aggregates(specs, typed, types, counts)

        result = plan.check_partition(
            frame, contract, layer, where=where, sample_keys=sample_keys, quarantine=quarantine,
            schema_failures=self.schema_failures(frame, contract, layer), engine=self,
            measures=metrics if specs else None,
        )  # fmt: skip
        result.metrics = catalog.measured(specs, result.measures)
        return result

    def check_fk(self, child, child_frame, fk, parent, parent_frame, *, sample_keys: int = 5):
        return plan.check_fk(
            child, child_frame, fk, parent, parent_frame, sample_keys=sample_keys, engine=self
        )

    def metric_aggregates(self, specs, typed: dict[str, Any], types: dict[str, Any], counts):
        """Column metrics (`wdguard.metrics`) as named aggregates of the one pass, compiled
        by the `metrics.py` of this engine's folder, which may take a value's share from
        the pass's shared counts (`value_counts.py`)."""
        import importlib

        folder = type(self).__module__.rsplit(".", 1)[0]
        return importlib.import_module(f"{folder}.metrics").aggregations(
            specs, typed, types, counts=counts)

    @staticmethod
    def top_level(contract: Contract):
        return [(n, c) for n, c in contract.columns.items() if "." not in n and "[]" not in n]
