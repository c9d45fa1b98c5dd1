"""Faults no static rule catches, for the anomaly checks' tests and the demo.

Each injector breaks one day's partitions so that every contract check still passes -
values stay in range, nullable columns get the nulls, enum values stay valid, foreign
keys keep their parents - and only the column's metrics move: an amount loaded in cents
(100x), a column that stops being filled, an enum value that vanishes, ids collapsing
to a handful of values. The returned `MetricFault` names the column and the metric that
must be flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from wdguard.errors import InputError
from wdguard.sample.faults import (
    Fault,
    _choose,
    _edit,
    _fault,
    _fk_columns,
    _partitions,
    _rule_columns,
    read_partition,
)


@dataclass
class MetricFault(Fault):
    metric: str = ""  # the metric whose anomaly names the fault


def _done(fault: Fault, metric: str) -> MetricFault:
    return MetricFault(**fault.to_dict(), metric=metric)


def _silver_frame(store, parts) -> pl.DataFrame:
    """The partition as the silver layer holds it (typed), to choose targets from."""
    path = dict(parts).get("silver") or parts[0][1]
    return read_partition(store, path)[0]


def amount_100x(store, date, contracts, *, layers, contract=None, column=None) -> MetricFault:
    """Every amount of the day x100: the app started writing cents, still >= 0."""
    c = _choose(contracts, contract, ["orders", "payments"],
                lambda c: any(col.type in ("decimal", "float") for col in c.columns.values()))
    column = column or next(n for n, col in c.columns.items()
                            if col.type in ("decimal", "float") and col.max is None)
    parts = _partitions(store, date, c, layers)
    for layer, p in parts:
        _edit(store, p, layer, c, lambda df: df.with_columns(
            (pl.col(column).cast(pl.Float64) * 100).cast(df.schema[column])))
    fault = _fault("amount_100x", date, c, column, layers, parts,
                   f"{column} x100 in every row (cents instead of shillings)", check="anomaly")
    return _done(fault, "mean")


def null_share_jump(store, date, contracts, *, layers, contract=None, column=None) -> MetricFault:
    """A nullable column that was nearly always filled is null in 60 % of the rows."""
    c = _choose(contracts, contract, ["users", "payments", "addresses"],
                lambda c: any(col.nullable for col in c.columns.values()))
    parts = _partitions(store, date, c, layers)
    if column is None:
        avoid = set(c.primary_key) | _fk_columns(c) | _rule_columns(c)
        df = _silver_frame(store, parts)
        shares = {n: df[n].null_count() / max(df.height, 1) for n, col in c.columns.items()
                  if col.nullable and n in df.columns and n not in avoid}
        if not shares:
            raise InputError(f"{c.contract} has no nullable column to empty")
        column = min(shares, key=lambda n: (shares[n], n))

    def fn(df: pl.DataFrame) -> pl.DataFrame:
        keep = pl.int_range(pl.len()) % 5 < 2  # 40 % of the rows keep their value
        return df.with_columns(pl.when(keep).then(pl.col(column)).alias(column))

    for layer, p in parts:
        _edit(store, p, layer, c, fn)
    fault = _fault("null_share_jump", date, c, column, layers, parts,
                   f"{column} null in 60 % of the rows", check="anomaly")
    return _done(fault, "null_share")


def enum_vanished(store, date, contracts, *, layers, contract=None, column=None) -> MetricFault:
    """The most common enum value disappears, its rows relabelled with the next one."""
    c = _choose(contracts, contract, ["orders", "waste_collections"],
                lambda c: any(col.type == "enum" for col in c.columns.values()))
    column = column or next(n for n, col in c.columns.items() if col.type == "enum")
    parts = _partitions(store, date, c, layers)
    in_rules = {v for r in c.rules for v in re.findall(r"'([^']*)'", r.sql)}
    counts = _silver_frame(store, parts)[column].drop_nulls().value_counts(sort=True)
    ranked = [v for v in counts[column].to_list() if v not in in_rules]
    if len(ranked) < 2:
        raise InputError(f"{c.contract}.{column} has too few values to lose one")
    gone, instead = ranked[0], ranked[1]
    for layer, p in parts:
        _edit(store, p, layer, c, lambda df: df.with_columns(
            pl.when(pl.col(column) == gone).then(pl.lit(instead)).otherwise(pl.col(column))
            .cast(df.schema[column]).alias(column)))
    fault = _fault("enum_vanished", date, c, column, layers, parts,
                   f"{column} = {gone!r} vanished (relabelled {instead!r})", check="anomaly")
    return _done(fault, f"share:{gone}")


def distinct_collapse(store, date, contracts, *, layers, contract=None,
                      column=None) -> MetricFault:
    """A foreign key's values collapse to three existing parents (still no orphan)."""
    c = _choose(contracts, contract, ["orders", "payments"], lambda c: bool(_fk_columns(c)))
    column = column or sorted(_fk_columns(c) & {n for n, col in c.columns.items()
                                                if not col.nullable})[0]
    parts = _partitions(store, date, c, layers)
    keep = _silver_frame(store, parts)[column].drop_nulls().unique(maintain_order=True)[:3]

    def fn(df: pl.DataFrame) -> pl.DataFrame:
        pick = pl.lit(pl.Series(keep.to_list(), dtype=df.schema[column]))
        return df.with_columns(pick.gather(pl.int_range(pl.len()) % len(keep)).alias(column))

    for layer, p in parts:
        _edit(store, p, layer, c, fn)
    fault = _fault("distinct_collapse", date, c, column, layers, parts,
                   f"{column} collapsed to {len(keep)} distinct values", check="anomaly")
    return _done(fault, "distinct")


def text_value_vanished(store, date, contracts, *, layers, contract=None,
                        column=None) -> MetricFault:
    """The most common value of free text without declared values (a learned `top_k`
    value: `notes`, a channel, a city) disappears, its rows relabelled with the next."""
    from wdguard.metrics.catalog import TOP, column_metrics

    def learned(c) -> list[str]:
        return [n for n, col in c.columns.items() if TOP in column_metrics(c, n, col)]

    c = _choose(contracts, contract, ["orders"], lambda c: bool(learned(c)))
    parts = _partitions(store, date, c, layers)
    df = _silver_frame(store, parts)
    column = column or next(n for n in learned(c) if 1 < df[n].drop_nulls().n_unique() <= 20)
    counts = df[column].drop_nulls().value_counts(sort=True)
    gone, instead = counts[column][0], counts[column][1]
    for layer, p in parts:
        _edit(store, p, layer, c, lambda df: df.with_columns(
            pl.when(pl.col(column) == gone).then(pl.lit(instead)).otherwise(pl.col(column))
            .cast(df.schema[column]).alias(column)))
    fault = _fault("text_value_vanished", date, c, column, layers, parts,
                   f"{column} = {gone!r} vanished (relabelled {instead!r})", check="anomaly")
    return _done(fault, f"share:{gone}")


METRIC_FAULTS = {
    "amount_100x": amount_100x,
    "null_share_jump": null_share_jump,
    "enum_vanished": enum_vanished,
    "distinct_collapse": distinct_collapse,
    "text_value_vanished": text_value_vanished,
}
