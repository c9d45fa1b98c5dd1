"""Named corruptions of one day's gold tables -- the wrong numbers a gold build makes.

Each injector rewrites one gold partition (`gold/{table}/{date}/`) and returns a `Fault`
naming the table, the column and the check kinds that must catch it; silver and bronze
are left alone, so the pre-gold gate still passes and only the gold gate closes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable

import numpy as np
import polars as pl

from wdguard.contracts.gold import GoldContract
from wdguard.errors import InputError
from wdguard.lake import layout
from wdguard.lake.storage import Store
from wdguard.sample.faults import Fault
from wdguard.sample.gold import write_gold


def read_gold(store: Store, table: str, date: str) -> tuple[str, pl.DataFrame]:
    path = layout.gold_dir(table, date)
    files = layout.data_files(store.list(path))
    if not files:
        raise InputError("no gold partition to corrupt", where=f"{store.url}/{path}")
    frames = [pl.read_parquet(io.BytesIO(store.read_bytes(f))) for f in files]
    return path, pl.concat(frames)


def replace_gold(store: Store, table: str, date: str, df: pl.DataFrame) -> str:
    path = layout.gold_dir(table, date)
    for f in layout.data_files(store.list(path)):
        store.delete(f)
    write_gold(store, table, date, df)
    return path


def _pick(gold: list[GoldContract], wanted: str | None, default: str) -> GoldContract:
    by = {g.gold: g for g in gold}
    name = wanted or default
    if name not in by:
        raise InputError(f"no gold contract {name!r}", where="--contract")
    return by[name]


def _spread(n_rows: int, n: int) -> np.ndarray:
    if n_rows == 0:
        raise InputError("no rows to corrupt in this gold partition")
    return np.unique(np.linspace(0, n_rows - 1, num=min(n, n_rows)).astype(np.int64))


def _mask(height: int, idx: np.ndarray) -> pl.Series:
    m = np.zeros(height, dtype=bool)
    m[idx] = True
    return pl.Series(m)


def _fault(name, date, g, column, path, detail, rows, check) -> Fault:
    return Fault(
        name,
        date,
        g.gold,
        g.gold,
        column,
        ["gold"],
        detail,
        rows=rows,
        check=check,
        partitions=[path],
    )


def dropped_fact_rows(store, date, gold, *, contract=None, column=None) -> Fault:
    """A filter in the build drops a fifth of the day's facts."""
    g = _pick(gold, contract, "FactWasteCollection")
    _, df = read_gold(store, g.gold, date)
    drop = _spread(df.height, max(1, df.height // 5))
    path = replace_gold(store, g.gold, date, df.filter(~_mask(df.height, drop)))
    return _fault(
        "dropped_fact_rows",
        date,
        g,
        None,
        path,
        f"{len(drop)} of {df.height} fact rows dropped",
        len(drop),
        "reconcile_count",
    )


def fanout_duplicates(store, date, gold, *, contract=None, column=None) -> Fault:
    """A join that fans out: 3 facts appear twice (and their measures count twice)."""
    g = _pick(gold, contract, "FactOrders")
    _, df = read_gold(store, g.gold, date)
    dup = _spread(df.height, 3)
    path = replace_gold(store, g.gold, date, pl.concat([df, df[dup]]))
    return _fault(
        "fanout_duplicates",
        date,
        g,
        ",".join(g.grain),
        path,
        f"{len(dup)} facts duplicated by a fan-out join",
        len(dup),
        "gold_grain",
    )


def orphan_dim_key(store, date, gold, *, contract=None, column=None) -> Fault:
    """Facts pointing at a surrogate key the dimension does not have."""
    g = _pick(gold, contract, "FactOrders")
    ref = next((r for r in g.references if r.column == column), None) if column else None
    ref = ref or next(r for r in g.references if r.dimension != "DimTime")
    _, df = read_gold(store, g.gold, date)
    idx = _spread(df.height, 3)
    bogus = pl.lit(987_654_321_987, dtype=df.schema[ref.column])
    df = df.with_columns(
        pl.when(_mask(df.height, idx)).then(bogus).otherwise(pl.col(ref.column)).alias(ref.column)
    )
    path = replace_gold(store, g.gold, date, df)
    return _fault(
        "orphan_dim_key",
        date,
        g,
        ref.column,
        path,
        f"{len(idx)} rows point at {ref.dimension} key 987654321987 (absent)",
        len(idx),
        "gold_orphan_key",
    )


def unknown_member_share(store, date, gold, *, contract=None, column=None) -> Fault:
    """A late dimension row sends facts to the unknown member, beyond the allowed share."""
    g = _pick(gold, contract, "FactUserActivity")
    ref = next(
        r
        for r in g.references
        if r.unknown_max_share is not None and (column is None or r.column == column)
    )
    dims = {x.gold: x for x in gold}
    unknown = dims[ref.dimension].unknown_member
    _, df = read_gold(store, g.gold, date)
    n = max(1, math.ceil(df.height * ((ref.unknown_max_share or 0) + 0.05)))
    idx = _spread(df.height, n)
    df = df.with_columns(
        pl.when(_mask(df.height, idx))
        .then(pl.lit(unknown, dtype=df.schema[ref.column]))
        .otherwise(pl.col(ref.column))
        .alias(ref.column)
    )
    path = replace_gold(store, g.gold, date, df)
    return _fault(
        "unknown_member_share",
        date,
        g,
        ref.column,
        path,
        f"{len(idx)} of {df.height} rows on the {ref.dimension} unknown member",
        len(idx),
        "gold_unknown_share",
    )


def dimtime_gap(store, date, gold, *, contract=None, column=None) -> Fault:
    """The calendar misses a day (one no fact of the date uses)."""
    g = _pick(gold, contract, "DimTime")
    assert g.calendar is not None
    col = g.calendar.date_column
    _, df = read_gold(store, g.gold, date)
    gone = dt.date.fromisoformat(date) - dt.timedelta(days=400)
    path = replace_gold(store, g.gold, date, df.filter(pl.col(col) != gone))
    return _fault(
        "dimtime_gap", date, g, col, path, f"{gone} removed from the calendar", 1, "calendar_gap"
    )


def _two_version_key(df: pl.DataFrame, g: GoldContract) -> object:
    nk = g.natural_key[0]
    counts = df.filter(pl.col(nk).is_not_null()).group_by(nk).len().filter(pl.col("len") > 1)
    if counts.height == 0:
        raise InputError(f"{g.gold}: no natural key with two versions to corrupt")
    return counts.sort(nk)[nk][0]


def two_current_rows(store, date, gold, *, contract=None, column=None) -> Fault:
    """An SCD2 merge that forgets to close the old version: two current rows."""
    g = _pick(gold, contract, "DimUsers")
    assert g.scd2 is not None
    nk, s = g.natural_key[0], g.scd2
    _, df = read_gold(store, g.gold, date)
    key = _two_version_key(df, g)
    first = (pl.col(nk) == key) & ~pl.col(s.is_current)
    df = df.with_columns(
        pl.when(first).then(True).otherwise(pl.col(s.is_current)).alias(s.is_current)
    )
    path = replace_gold(store, g.gold, date, df)
    return _fault(
        "two_current_rows",
        date,
        g,
        s.is_current,
        path,
        f"{nk} {key}: the old version is current too",
        1,
        "scd2_current",
    )


def overlapping_scd2(store, date, gold, *, contract=None, column=None) -> Fault:
    """An old version closed a day too late: its interval overlaps the next one."""
    g = _pick(gold, contract, "DimMerchants")
    assert g.scd2 is not None
    nk, s = g.natural_key[0], g.scd2
    _, df = read_gold(store, g.gold, date)
    key = _two_version_key(df, g)
    first = (pl.col(nk) == key) & ~pl.col(s.is_current)
    df = df.with_columns(
        pl.when(first)
        .then(pl.col(s.valid_to) + pl.duration(days=1))
        .otherwise(pl.col(s.valid_to))
        .alias(s.valid_to)
    )
    path = replace_gold(store, g.gold, date, df)
    return _fault(
        "overlapping_scd2",
        date,
        g,
        s.valid_to,
        path,
        f"{nk} {key}: the old version ends a day after the new one starts",
        1,
        "scd2_interval",
    )


def measure_mismatch(store, date, gold, *, contract=None, column=None) -> Fault:
    """A measure that no longer matches silver: one amount rounded up by the build."""
    g = _pick(gold, contract, "FactOrders")
    assert g.reconcile is not None and g.reconcile.sums
    col = column or g.reconcile.sums[0].gold
    _, df = read_gold(store, g.gold, date)
    nonzero = np.flatnonzero((df[col].fill_null(0) != 0).to_numpy())
    if len(nonzero) == 0:
        raise InputError(f"{g.gold}.{col}: no non-zero measure to corrupt")
    idx = nonzero[:1]
    dtype = df.schema[col]
    bumped = (pl.col(col) + pl.lit(1).cast(dtype)).cast(dtype)
    df = df.with_columns(
        pl.when(_mask(df.height, idx)).then(bumped).otherwise(pl.col(col)).alias(col)
    )
    path = replace_gold(store, g.gold, date, df)
    return _fault(
        "measure_mismatch", date, g, col, path, f"{col} of one fact raised by 1", 1, "reconcile_sum"
    )


GOLD_FAULTS: dict[str, Callable[..., Fault]] = {
    "dropped_fact_rows": dropped_fact_rows,
    "fanout_duplicates": fanout_duplicates,
    "orphan_dim_key": orphan_dim_key,
    "unknown_member_share": unknown_member_share,
    "dimtime_gap": dimtime_gap,
    "two_current_rows": two_current_rows,
    "overlapping_scd2": overlapping_scd2,
    "measure_mismatch": measure_mismatch,
}


def inject_gold(
    name: str,
    store: Store,
    date: dt.date | str,
    gold: list[GoldContract],
    *,
    contract: str | None = None,
    column: str | None = None,
) -> Fault:
    """Corrupt `date`'s gold with the named fault; `contract`/`column` override the target."""
    if name not in GOLD_FAULTS:
        known = ", ".join(GOLD_FAULTS)
        raise InputError(f"unknown gold fault {name!r}; known: {known}", where="--fault")
    return GOLD_FAULTS[name](store, layout.date_str(date), gold, contract=contract, column=column)
