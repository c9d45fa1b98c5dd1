"""The Polars engine: lazy Polars on one machine, streaming scans, one select per partition.

Only the coarse hooks `checks/plan.py` calls; the plan itself is not here. Every hook
keeps frames lazy until the one `collect` it exists for.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import polars as pl

from wdguard.checks.engines.base import EngineBase
from wdguard.checks.engines.polars import expressions as X
from wdguard.checks.engines.polars.metrics import SAMPLE_ROWS, OnHead
from wdguard.checks.partition import Partition
from wdguard.contracts.model import Contract

T = TypeVar("T")
R = TypeVar("R")


class PolarsEngine(EngineBase):
    """Lazy Polars on one machine: streaming scans, one select per partition."""

    name = "polars"
    x = X

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """One partition at a time: each Polars query already uses every core."""
        return [fn(item) for item in items]

    def versions(self) -> dict[str, str]:
        from importlib.metadata import version

        return {"polars": version("polars"), "pandera": version("pandera")}

    @contextmanager
    def running(self) -> Iterator[None]:
        yield

    def scan(self, store, part: Partition) -> pl.LazyFrame:
        from wdguard.lake.formats import scan_polars

        return scan_polars(store, part)

    def empty(self, contract: Contract) -> pl.LazyFrame:
        return pl.LazyFrame(schema={n: X.dtype(c) for n, c in self.top_level(contract)})

    def schema(self, frame: pl.LazyFrame) -> dict[str, pl.DataType]:
        return dict(frame.collect_schema())

    def schema_failures(self, frame, contract: Contract, layer: str) -> dict[str, str] | None:
        """Silver: pandera's verdict on column presence and dtypes (footers only)."""
        if layer != "silver":
            return None
        from wdguard.checks.engines.polars.pandera_schema import schema_failures

        return schema_failures(contract, frame)

    def with_columns(self, frame: pl.LazyFrame, columns: dict[str, pl.Expr]) -> pl.LazyFrame:
        return frame.with_columns([e.alias(n) for n, e in columns.items()])

    def aggregate(self, frame: pl.LazyFrame, aggregates: dict[str, Any]) -> dict[str, Any]:
        """Every named aggregate in ONE streaming select (larger-than-memory partitions);
        those over the first rows only (`OnHead`: the learned top-k) in one query on the
        frame's head, where the reader stops."""
        whole = [e.alias(n) for n, e in aggregates.items() if not isinstance(e, OnHead)]
        row = frame.select(whole).collect(engine="streaming").row(0, named=True) if whole else {}
        head = [e.expr.alias(n) for n, e in aggregates.items() if isinstance(e, OnHead)]
        if head:
            row |= frame.head(SAMPLE_ROWS).select(head).collect().row(0, named=True)
        return row

    def key_duplicates(self, frame, typed, key_checks: dict[int, list[str]], types):
        """Every key's duplicate count from ONE read of the key columns, sorted 8-byte keys
        rather than a hash table (`keys.duplicates_many`); the handle is the lazy frame of
        the rows involved."""
        from wdguard.checks.engines.polars.keys import duplicates_many

        found = duplicates_many(frame, list(key_checks.values()))
        return dict(zip(key_checks, found, strict=True))

    def duplicate_rows(self, frame, typed, cols: list[str], handle: pl.LazyFrame | None):
        return handle

    def duplicated_flag(self, typed, cols: list[str]) -> pl.Expr:
        return X.is_duplicated(cols)

    def first_rows(
        self, frame: pl.LazyFrame, where: pl.Expr, columns: dict[str, pl.Expr], limit: int
    ) -> list[dict[str, Any]]:
        """Up to `limit` rows matching `where`: one query that stops reading once it has
        them (samples of a failing check)."""
        picked = frame.filter(where).select([e.alias(n) for n, e in columns.items()])
        return picked.head(limit).collect(engine="streaming").to_dicts()

    def orphans(
        self, child: pl.LazyFrame, child_keys: list[pl.Expr], pk: list[str],
        parent: pl.LazyFrame, parent_keys: list[pl.Expr], n: int,
    ) -> tuple[int, list[dict[str, Any]]]:  # fmt: skip
        """Child keys with no parent: one lazy anti-join (a second query for samples)."""
        keys = [f"k{i}" for i in range(len(child_keys))]
        kids = child.select(*[e.alias(k) for e, k in zip(child_keys, keys, strict=True)],
                            *[pl.col(c) for c in pk]).drop_nulls(keys)  # fmt: skip
        parents = parent.select([e.alias(k) for e, k in zip(parent_keys, keys, strict=True)])
        orphans = kids.join(parents.unique(), on=keys, how="anti")
        failing = int(orphans.select(pl.len()).collect(engine="streaming").item())
        rows = list(orphans.head(n).collect().iter_rows(named=True)) if failing and n > 0 else []
        return failing, rows

    def quarantine_rows(self, frame: pl.LazyFrame, reasons, raw) -> pl.LazyFrame:
        """Failing rows in their raw form, with the labels of the checks they fail."""
        labels = pl.concat_list([pl.when(f).then(pl.lit(label)) for label, f in reasons])
        return (
            frame.with_columns(labels.list.drop_nulls().alias("_wdguard_reasons"))
            .filter(pl.col("_wdguard_reasons").list.len() > 0)
            .select([*[e.alias(n) for n, e in raw], pl.col("_wdguard_reasons")])
        )

    def quarantine_parquet(self, rows: pl.LazyFrame) -> bytes:
        buf = io.BytesIO()
        rows.collect().write_parquet(buf)
        return buf.getvalue()

    def short(self, exc: Exception) -> str:
        return " ".join(str(exc).split("\n")[0].split())[:300]
