"""Named, realistic corruptions of one day of the lake, for tests and the demo.

Each injector takes a store, a date and the contracts, breaks that day's partition(s) in
one way (in bronze and silver unless told otherwise) and returns a `Fault` saying what it
did -- contract, object, column, rows -- so a test can assert that the gate names exactly
that. Everything else about the partition stays consistent (the manifest is rewritten to
match the data) unless the fault *is* a manifest/data mismatch, so one fault trips one
check.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

import numpy as np
import polars as pl

from wdguard.checks.engines.polars import expressions as X
from wdguard.contracts.model import Column, Contract, parse_duration
from wdguard.contracts.types import polars_dtype
from wdguard.errors import InputError
from wdguard.lake import layout
from wdguard.lake.manifest import Manifest, load_manifest, write_manifest
from wdguard.lake.storage import Store
from wdguard.sample.cast import to_bronze, to_silver
from wdguard.sample.common import FUTURE_OK, file_count, uuid4s, write_partition


@dataclass
class Fault:
    fault: str
    date: str
    contract: str
    object: str
    column: str | None
    layers: list[str]
    detail: str
    rows: int | None = None  # rows changed, added or removed
    check: str = ""  # the kind of check that must catch it
    partitions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _fault(name, date, c: Contract, column, layers, parts, detail, *, rows=None, check) -> Fault:
    """The Fault of one injection into contract `c`'s partitions `parts` ((layer, path)s)."""
    return Fault(
        name,
        date,
        c.contract,
        c.object_name,
        column,
        list(layers),
        detail,
        rows=rows,
        check=check,
        partitions=[p for _, p in parts],
    )


# --------------------------------------------------------------------------- partitions
def read_partition(store: Store, partition: str) -> tuple[pl.DataFrame, Manifest]:
    manifest = load_manifest(store, partition)
    frames = [
        pl.read_parquet(io.BytesIO(store.read_bytes(f"{partition}/{f.path}")))
        for f in manifest.files
    ]
    return (pl.concat(frames) if frames else pl.DataFrame()), manifest


def _replace(store: Store, partition: str, df: pl.DataFrame, manifest: Manifest) -> Manifest:
    for f in manifest.files:
        if store.exists(f"{partition}/{f.path}"):
            store.delete(f"{partition}/{f.path}")
    return write_partition(
        store, partition, df, manifest, n_files=max(len(manifest.files), file_count(df.height))
    )


def _edit(
    store: Store,
    partition: str,
    layer: str,
    contract: Contract,
    fn: Callable[[pl.DataFrame], pl.DataFrame],
    *,
    silver_space: bool = True,
) -> Manifest:
    """Apply `fn` to a partition (in silver types, re-encoded for bronze) and rewrite it
    with a manifest that matches."""
    df, manifest = read_partition(store, partition)
    if layer == "bronze" and silver_space:
        out = to_bronze(fn(to_silver(df, contract)), contract)
    else:
        out = fn(df)
    return _replace(store, partition, out, manifest)


def _partitions(store: Store, date: str, contract: Contract, layers: Iterable[str]) -> list:
    out = []
    for layer in layers:
        p = layout.partition_dir(layer, contract.source.kind, date, contract.object_name)
        if not store.exists(layout.manifest_path(p)):
            raise InputError("no partition to corrupt", where=f"{store.url}/{p}")
        out.append((layer, p))
    return out


# --------------------------------------------------------------------------- targets
def _by_object(contracts: list[Contract]) -> dict[str, Contract]:
    return {c.object_name: c for c in contracts if c.source.kind == "postgres"}


def _choose(
    contracts: list[Contract],
    wanted: str | None,
    prefer: list[str],
    ok: Callable[[Contract], bool] = lambda c: True,
) -> Contract:
    by = _by_object(contracts)
    by_name = {c.contract: c for c in contracts}
    if wanted:
        c = by.get(wanted) or by_name.get(wanted)
        if c is None:
            raise InputError(f"no contract {wanted!r}", where="--contract")
        return c
    for name in prefer:
        if name in by and ok(by[name]):
            return by[name]
    for c in by.values():
        if ok(c):
            return c
    raise InputError("no contract fits this fault")


def _rule_columns(contract: Contract) -> set[str]:
    words = set()
    for rule in contract.rules:
        words |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rule.sql))
    return words & set(contract.columns)


def _fk_columns(contract: Contract) -> set[str]:
    return {c for fk in contract.references() for c in fk.columns}


def _referenced(contracts: list[Contract], contract: Contract) -> bool:
    return any(
        fk.references == contract.contract
        for c in contracts
        for fk in c.references()
        if c is not contract
    )


def _rows(df: pl.DataFrame, n: int, where: pl.Expr | None = None) -> np.ndarray:
    """Indices of n rows spread over the partition (deterministic)."""
    idx = (
        np.arange(df.height)
        if where is None
        else np.flatnonzero(df.select(where.fill_null(False)).to_series().to_numpy())
    )
    if len(idx) == 0:
        raise InputError("no rows to corrupt in this partition")
    take = np.linspace(0, len(idx) - 1, num=min(n, len(idx))).astype(np.int64)
    return idx[np.unique(take)]


def _set(df: pl.DataFrame, name: str, idx: np.ndarray, value) -> pl.DataFrame:
    mask = np.zeros(df.height, dtype=bool)
    mask[idx] = True
    value = value if isinstance(value, pl.Expr) else pl.lit(value, dtype=df.schema[name])
    return df.with_columns(
        pl.when(pl.lit(pl.Series(mask))).then(value).otherwise(pl.col(name)).alias(name)
    )


def _column_ok(col: Column, value) -> bool:
    if value is None:
        return col.nullable
    if col.type == "enum" and col.values and value not in col.values:
        return False
    if isinstance(value, int | float):
        if col.min is not None and value < col.min:
            return False
        if col.max is not None and value > col.max:
            return False
    return True


# --------------------------------------------------------------------------- faults
def missing_partition(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    c = _choose(contracts, contract, ["payments", "subscriptions"])
    parts = _partitions(store, date, c, layers)
    for _, p in parts:
        for path in store.list(p):
            store.delete(path)
    return _fault(
        "missing_partition",
        date,
        c,
        None,
        layers,
        parts,
        f"deleted the {c.object_name} partition of {date}",
        check="completeness",
    )


def missing_file(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    def multi(c: Contract) -> bool:
        p = layout.partition_dir("silver", c.source.kind, date, c.object_name)
        return store.exists(layout.manifest_path(p)) and len(load_manifest(store, p).files) > 1

    c = _choose(contracts, contract, ["waste_collections", "order_items", "orders"], multi)
    parts = _partitions(store, date, c, layers)
    lost = 0
    for _, p in parts:
        m = load_manifest(store, p)
        last = m.files[0]  # the oldest rows: freshness is untouched
        store.delete(f"{p}/{last.path}")  # the manifest still lists it
        lost = last.rows
    return _fault(
        "missing_file",
        date,
        c,
        None,
        layers,
        parts,
        f"deleted {m.files[0].path} ({lost} rows) listed in _source.json",
        rows=lost,
        check="completeness",
    )


def row_count_off_by_one(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    c = _choose(contracts, contract, ["orders"])
    parts = _partitions(store, date, c, layers)
    for _, p in parts:
        m = load_manifest(store, p)
        write_manifest(store, p, m.model_copy(update={"row_count": m.row_count + 1}))
    return _fault(
        "row_count_off_by_one",
        date,
        c,
        None,
        layers,
        parts,
        "_source.json says one row more than the data files hold",
        rows=1,
        check="completeness",
    )


def duplicate_pk(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    def only_pk_unique(c: Contract) -> bool:
        return (
            bool(c.primary_key)
            and not c.unique_keys
            and not any(col.unique for n, col in c.columns.items() if n not in c.primary_key)
        )

    c = _choose(contracts, contract, ["waste_collections", "order_items"], only_pk_unique)
    if not c.primary_key:
        raise InputError(f"contract {c.contract} has no primary key", where="--contract")
    parts = _partitions(store, date, c, layers)
    for layer, p in parts:

        def fn(df: pl.DataFrame) -> pl.DataFrame:
            return pl.concat([df, df[_rows(df, 3)]])  # at-least-once delivery, re-sent rows

        _edit(store, p, layer, c, fn, silver_space=False)
    return _fault(
        "duplicate_pk",
        date,
        c,
        ",".join(c.primary_key),
        layers,
        parts,
        "3 rows delivered twice",
        rows=3,
        check="primary_key",
    )


def null_in_required(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    c = _choose(contracts, contract, ["orders", "users"])
    avoid = set(c.primary_key) | _fk_columns(c) | _rule_columns(c)
    if column is None:
        names = [
            n
            for n, col in c.columns.items()
            if not col.nullable and not col.unique and n not in avoid
        ]
        if not names:
            raise InputError(f"{c.contract} has no required column to null")
        column = "currency" if "currency" in names else names[0]
    parts = _partitions(store, date, c, layers)
    for layer, p in parts:
        _edit(store, p, layer, c, lambda df: _set(df, column, _rows(df, 4), None))
    return _fault(
        "null_in_required",
        date,
        c,
        column,
        layers,
        parts,
        f"{column} is null in 4 rows",
        rows=4,
        check="nullable",
    )


def bad_enum_value(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    c = _choose(
        contracts,
        contract,
        ["orders", "waste_collections"],
        lambda c: any(col.type == "enum" for col in c.columns.values()),
    )
    if column is None:
        column = next(n for n, col in c.columns.items() if col.type == "enum")
    col = c.columns[column]
    value = "ON_HOLD" if "ON_HOLD" not in (col.values or []) else "UNKNOWN_STATUS"
    base = col.default if col.default in (col.values or []) else None
    parts = _partitions(store, date, c, layers)
    for layer, p in parts:

        def fn(df: pl.DataFrame) -> pl.DataFrame:
            where = pl.col(column) == base if base else None
            try:
                idx = _rows(df, 5, where)
            except InputError:
                idx = _rows(df, 5)
            return _set(df, column, idx, value)

        _edit(store, p, layer, c, fn)
    return _fault(
        "bad_enum_value",
        date,
        c,
        column,
        layers,
        parts,
        f"{column} = {value!r} (a value the app added, not in the contract) in 5 rows",
        rows=5,
        check="enum",
    )


def _ranged(c: Contract) -> list[str]:
    return [
        n
        for n, col in c.columns.items()
        if (col.min is not None or col.max is not None)
        and col.type in ("integer", "bigint", "float", "decimal")
    ]


def out_of_range(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    c = _choose(
        contracts, contract, ["orders", "order_items", "payments"], lambda c: bool(_ranged(c))
    )
    if column is None:
        names = _ranged(c)
        if not names:
            raise InputError(f"{c.contract} has no column with min/max to break")
        column = "total_amount" if "total_amount" in names else names[0]
    col = c.columns[column]
    value = (col.min - 1) if col.min is not None else (col.max + 1)
    dtype = polars_dtype(col)
    lit = pl.lit(value).cast(pl.Float64).cast(dtype)
    parts = _partitions(store, date, c, layers)
    for layer, p in parts:
        _edit(store, p, layer, c, lambda df: _set(df, column, _rows(df, 4), lit))
    return _fault(
        "out_of_range",
        date,
        c,
        column,
        layers,
        parts,
        f"{column} = {value} in 4 rows (allowed "
        f"{'>= ' + str(col.min) if col.min is not None else '<= ' + str(col.max)})",
        rows=4,
        check="range",
    )


def wrong_type(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    c = _choose(
        contracts,
        contract,
        ["orders", "payments"],
        lambda c: any(col.type == "decimal" for col in c.columns.values()),
    )
    if column is None:
        numeric = [
            n
            for n, col in c.columns.items()
            if col.type in ("decimal", "integer", "bigint", "float")
        ]
        column = "total_amount" if "total_amount" in numeric else numeric[0]
    parts = _partitions(store, date, c, layers)
    for layer, p in parts:
        if layer == "silver":
            # the standardisation job skipped the cast: the column lands as text
            fn = lambda df: df.with_columns(pl.col(column).cast(pl.String))  # noqa: E731
            _edit(store, p, layer, c, fn, silver_space=False)
        else:
            # the source sent a formatted amount: text that does not cast
            def fn(df: pl.DataFrame) -> pl.DataFrame:
                df = df.with_columns(pl.col(column).cast(pl.String))
                return _set(df, column, _rows(df, 3), "12,50 KES")

            _edit(store, p, layer, c, fn, silver_space=False)
    return _fault(
        "wrong_type",
        date,
        c,
        column,
        layers,
        parts,
        f"silver {column} is text instead of {polars_dtype(c.columns[column])}; "
        "bronze has 3 values that do not cast ('12,50 KES')",
        rows=3,
        check="dtype",
    )


def orphan_fk(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    c = _choose(contracts, contract, ["orders", "order_items"], lambda c: bool(_fk_columns(c)))
    if column is None:
        fks = [fk.columns[0] for fk in c.references() if len(fk.columns) == 1]
        required = [n for n in fks if not c.columns[n].nullable]
        column = (required or fks)[0]
    target = next(fk.references for fk in c.references() if fk.columns == [column])
    parts = _partitions(store, date, c, layers)
    ghosts = uuid4s(np.random.default_rng([7, len(date)]), 5)
    for layer, p in parts:

        def fn(df: pl.DataFrame) -> pl.DataFrame:
            idx = _rows(df, 5, pl.col(column).is_not_null())
            mask = np.zeros(df.height, dtype=bool)
            mask[idx] = True
            fill = pl.Series([None] * df.height, dtype=pl.String).scatter(idx, ghosts[: len(idx)])
            if df.schema[column] != pl.String:
                fill = pl.Series(range(10**9, 10**9 + df.height)).cast(df.schema[column])
            return df.with_columns(
                pl.when(pl.lit(pl.Series(mask)))
                .then(pl.lit(fill))
                .otherwise(pl.col(column))
                .alias(column)
            )

        _edit(store, p, layer, c, fn)
    return _fault(
        "orphan_fk",
        date,
        c,
        column,
        layers,
        parts,
        f"5 rows reference {target} rows that do not exist",
        rows=5,
        check="references",
    )


def _candidates(col: Column, dtype: pl.DataType) -> list:
    out: list = []
    if col.nullable:
        out.append(None)
    if col.type == "enum":
        out += list(col.values or [])
    elif col.type in ("integer", "bigint", "float", "decimal"):
        out += [v for v in (0, col.min, col.max, 1, 1_000_000, -1) if v is not None]
    elif col.type == "timestamp":
        out += [dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC)]
    elif col.type == "boolean":
        out += [True, False]
    elif col.type in ("string", "uuid"):
        out += [""]
    return [v for v in out if _column_ok(col, v)]


def _lit(value, dtype: pl.DataType) -> pl.Expr:
    if value is None:
        return pl.lit(None, dtype=dtype)
    if isinstance(dtype, pl.Decimal):
        return pl.lit(value).cast(pl.Float64).cast(dtype)
    return pl.lit(value).cast(dtype)


def broken_rule(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    c = _choose(
        contracts, contract, ["orders", "waste_collections", "payments"], lambda c: bool(c.rules)
    )
    if not c.rules:
        raise InputError(f"contract {c.contract} has no rules to break")
    silver = layout.partition_dir("silver", c.source.kind, date, c.object_name)
    sample, _ = (
        read_partition(store, silver)
        if store.exists(layout.manifest_path(silver))
        else (None, None)
    )
    if sample is None:
        bronze = layout.partition_dir("bronze", c.source.kind, date, c.object_name)
        sample = to_silver(read_partition(store, bronze)[0], c)
    # find one column change that makes a rule false while the column itself stays valid
    found = None
    for rule in c.rules:
        cols = sorted(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rule.sql)) & set(c.columns))
        for name in cols:
            dtype = sample.schema[name]
            for value in _candidates(c.columns[name], dtype):
                mutated = sample.with_columns(_lit(value, dtype).alias(name))
                fails = mutated.select(~X.rule(rule.sql)).to_series()
                if fails.any():
                    found = (rule, name, value)
                    break
            if found:
                break
        if found:
            break
    if not found:
        raise InputError(f"could not find a change that breaks a rule of {c.contract}")
    rule, name, value = found
    parts = _partitions(store, date, c, layers)
    for layer, p in parts:

        def fn(df: pl.DataFrame) -> pl.DataFrame:
            dtype = df.schema[name]
            mutated = df.with_columns(_lit(value, dtype).alias(name))
            breaks = ~X.rule(rule.sql)
            idx = _rows(mutated, 4, breaks)
            return _set(df, name, idx, _lit(value, dtype))

        _edit(store, p, layer, c, fn)
    return _fault(
        "broken_rule",
        date,
        c,
        name,
        layers,
        parts,
        f"rule {rule.name!r} broken in 4 rows by setting {name} = {value!r}",
        rows=4,
        check=f"rule:{rule.name}",
    )


def stale_data(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    c = _choose(
        contracts, contract, ["orders", "waste_collections"], lambda c: c.freshness is not None
    )
    fcol = column or (c.freshness.column if c.freshness else "updated_at")
    max_age = parse_duration(c.freshness.max_age) if c.freshness else 26 * 3600
    parts = _partitions(store, date, c, layers)
    for layer, p in parts:
        m = load_manifest(store, p)
        bound = m.extracted_at - dt.timedelta(seconds=max_age) - dt.timedelta(days=1)
        ts = [n for n, col in c.columns.items() if col.type == "timestamp" and n not in FUTURE_OK]

        def fn(df: pl.DataFrame, bound=bound, ts=ts) -> pl.DataFrame:
            # the extractor read a stuck replica: nothing newer than `bound`
            lit = pl.lit(bound).cast(df.schema[ts[0]])
            return df.with_columns(pl.min_horizontal(pl.col(n), lit).alias(n) for n in ts)

        new = _edit(store, p, layer, c, fn)
        write_manifest(
            store, p, new.model_copy(update={"watermark": min(bound, m.watermark or bound)})
        )
    return _fault(
        "stale_data",
        date,
        c,
        fcol,
        layers,
        parts,
        f"newest {fcol} is {max_age // 3600}h + 1 day older than the extraction",
        check="freshness",
    )


def volume_drop(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    c = _choose(
        contracts,
        contract,
        ["waste_collections", "payments"],
        lambda c: not _referenced(contracts, c),
    )
    parts = _partitions(store, date, c, layers)
    removed = 0
    for layer, p in parts:

        def fn(df: pl.DataFrame) -> pl.DataFrame:
            nonlocal removed
            # a partial extraction: two thirds of the rows missing, spread over the table
            kept = df.filter(pl.int_range(pl.len()) % 20 < 7)
            removed = df.height - kept.height
            return kept

        _edit(store, p, layer, c, fn, silver_space=False)
    return _fault(
        "volume_drop",
        date,
        c,
        None,
        layers,
        parts,
        f"{removed} rows (65%) missing from a consistent-looking partition",
        rows=removed,
        check="volume",
    )


FAULTS: dict[str, Callable[..., Fault]] = {
    "missing_partition": missing_partition,
    "missing_file": missing_file,
    "row_count_off_by_one": row_count_off_by_one,
    "duplicate_pk": duplicate_pk,
    "null_in_required": null_in_required,
    "bad_enum_value": bad_enum_value,
    "out_of_range": out_of_range,
    "wrong_type": wrong_type,
    "orphan_fk": orphan_fk,
    "broken_rule": broken_rule,
    "stale_data": stale_data,
    "volume_drop": volume_drop,
}


def inject(
    name: str,
    store: Store,
    date: dt.date | str,
    contracts: list[Contract],
    *,
    layers: Iterable[str] = ("bronze", "silver"),
    contract: str | None = None,
    column: str | None = None,
    faults: dict[str, Callable[..., Fault]] = FAULTS,
    kind: str = "fault",
) -> Fault:
    """Corrupt `date` with the named fault of `faults` (a `kind` of fault, as an unknown
    name is reported); `contract`/`column` override the default target."""
    if name not in faults:
        raise InputError(f"unknown {kind} {name!r}; known: {', '.join(faults)}", where="--fault")
    return faults[name](
        store,
        layout.date_str(date),
        contracts,
        layers=list(layers),
        contract=contract,
        column=column,
    )
