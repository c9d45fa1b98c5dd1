"""Writing the sample lake: `generate_lake` puts bronze and silver daily snapshots of the
Postgres tables (`sample.postgres`) and the Mongo collections (`sample.mongo`) in a store,
and each day's gold tables built from that day's silver (`sample.gold`).

Deterministic and vectorised: one numpy Generator per table seeded from (seed, table),
numpy/Polars column operations, parquet written with fixed settings -- the same seed
gives byte-identical files; `rows` scales volumes up to benchmark sizes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import polars as pl

from wdguard.contracts.gold import GoldContract
from wdguard.contracts.model import Contract
from wdguard.errors import InputError
from wdguard.lake import layout
from wdguard.lake.manifest import Manifest
from wdguard.lake.storage import Store
from wdguard.sample.cast import to_bronze
from wdguard.sample.common import (
    DEFAULT_DAYS,
    DEFAULT_END,
    DEFAULT_SEED,
    FUTURE_OK,
    VISIBLE,
    GenerateResult,
    PartitionWritten,
    cutoff_of,
    file_count,
    schema_fingerprint,
    seeded_rng,
    write_partition,
)
from wdguard.sample.delta import append_date, delta_table_path
from wdguard.sample.gold import build_gold, write_gold
from wdguard.sample.mongo import generate_collection
from wdguard.sample.postgres import World, build_world, snapshot


def _watermark(df: pl.DataFrame, contract: Contract) -> dt.datetime | None:
    """Newest updated_at (else newest event timestamp) the extraction saw."""
    col = contract.columns.get("updated_at")
    if col is not None and col.type == "timestamp" and df.height:
        return df["updated_at"].max()
    cols = [n for n, c in contract.columns.items() if c.type == "timestamp" and n not in FUTURE_OK]
    if cols and df.height:
        return df.select(pl.max_horizontal(pl.col(cols).max())).item()
    return None


def default_migration_head(root: Path | str = ".") -> str | None:
    """Newest migration folder of the fixture schema (what the pipeline would record)."""
    folder = Path(root) / "fixtures" / "prisma" / "migrations"
    if not folder.is_dir():
        return None
    names = sorted(p.name for p in folder.iterdir() if p.is_dir())
    return names[-1] if names else None


def generate_lake(
    store: Store,
    contracts: list[Contract],
    *,
    end: dt.date = DEFAULT_END,
    days: int = DEFAULT_DAYS,
    rows: float = 1.0,
    seed: int = DEFAULT_SEED,
    layers: Iterable[str] = ("bronze", "silver", "gold"),
    objects: Iterable[str] | None = None,
    migration_head: str | None = None,
    progress: Callable[[str], None] | None = None,
    gold: list[GoldContract] | None = None,
    fmt: str = "parquet",
) -> GenerateResult:
    """Write `days` daily snapshots ending on `end` for every Postgres contract; with
    layer `gold` and gold contracts, each day's gold tables built from its silver.
    `fmt="delta"`: silver and gold as Delta tables (`sample/delta.py`), bronze as files."""
    if fmt not in ("parquet", "delta"):
        raise InputError(f"unknown format {fmt!r}: expected parquet or delta",
                         where="--lake-format")
    layers = tuple(layers)
    build = "gold" in layers and bool(gold)
    for layer in layers:
        layout.layer_root(layer, "postgres")  # validates
    w, order, dropped = build_world(
        contracts, end=end, days=days, rows=rows, seed=seed, objects=objects
    )
    wanted = set(objects) if objects is not None else set(order)
    mongo = [
        c
        for c in contracts
        if c.source.kind == "mongodb" and (objects is None or c.object_name in wanted)
    ]
    dates = [end - dt.timedelta(days=days - 1 - i) for i in range(days)]
    result = GenerateResult(dates=[d.isoformat() for d in dates], dropped=dropped)
    for d in dates:
        cutoff = cutoff_of(d)
        cutoff_ms = int(cutoff.timestamp() * 1000)
        silver: dict[str, pl.DataFrame] = {}
        for table in order:
            if table not in wanted:
                continue
            contract = w.contracts[table]
            snap = snapshot(w.tables[table], contract, cutoff_ms)
            watermark = _watermark(snap, contract)
            if build:
                silver[contract.contract] = snap
            for layer in (x for x in layers if x != "gold"):
                frame = snap if layer == "silver" else to_bronze(snap, contract)
                partition = _write_snapshot(
                    store, result, layer, d, cutoff, contract, frame, watermark, migration_head,
                    fmt,
                )
                if progress:
                    progress(f"{partition}: {frame.height} rows")
        for contract in mongo:
            docs = _write_mongo(store, w, contract, d, cutoff, layers, seed, rows, result, fmt)
            if build:
                silver[contract.contract] = docs
        if build:
            assert gold is not None
            for table, frame in build_gold(silver, gold, d).items():
                if fmt == "delta":
                    path = delta_table_path("gold", "gold", table)
                    size = append_date(store, path, frame, d, extracted_at=cutoff)
                else:
                    path, size = write_gold(store, table, d, frame)
                result.partitions.append(
                    PartitionWritten(
                        "gold",
                        "gold",
                        d.isoformat(),
                        table,
                        path,
                        frame.height,
                        file_count(frame.height),
                        size,
                    )
                )
                if progress:
                    progress(f"{path}: {frame.height} rows")
    return result


def _write_snapshot(
    store,
    result: GenerateResult,
    layer: str,
    d: dt.date,
    cutoff: dt.datetime,
    contract: Contract,
    frame: pl.DataFrame,
    watermark,
    migration_head: str | None = None,
    fmt: str = "parquet",
) -> str:
    """One object's partition of a day in one layer, with its `_source.json`; recorded.
    Silver in the Delta format: one append to the object's Delta table, no manifest."""
    source = contract.source.kind
    if fmt == "delta" and layer == "silver":
        table = delta_table_path(layer, source, contract.object_name)
        size = append_date(store, table, frame, d, extracted_at=cutoff,
                           migration_head=migration_head)
        result.partitions.append(PartitionWritten(
            layer, source, d.isoformat(), contract.object_name, table, frame.height,
            1 if frame.height else 0, size))
        return table
    partition = layout.partition_dir(layer, source, d, contract.object_name)
    manifest = Manifest(
        source=source,
        layer=layer,
        object=contract.object_name,
        date=d,
        extracted_at=cutoff,
        row_count=frame.height,
        watermark=watermark,
        schema_fingerprint=schema_fingerprint(contract),
        migration_head=migration_head,
        files=[],
    )
    m = write_partition(store, partition, frame, manifest)
    result.partitions.append(
        PartitionWritten(
            layer,
            source,
            d.isoformat(),
            contract.object_name,
            partition,
            frame.height,
            len(m.files),
            sum(f.bytes for f in m.files),
        )
    )
    return partition


EVENT_TIME_FIELDS = frozenset({"ts", "recordedAt", "createdAt"})
_ID_POOLS = {  # Mongo field name -> (table, column, filter) it points at
    "userId": ("users", "id", None),
    "driverId": ("users", "id", ("role", "DRIVER")),
    "collectionId": ("waste_collections", "id", None),
    "merchantId": ("merchants", "id", None),
    "orderId": ("orders", "id", None),
    "productId": ("products", "id", None),
}


def _write_mongo(
    store,
    w: World,
    contract: Contract,
    d: dt.date,
    cutoff: dt.datetime,
    layers,
    seed: int,
    rows: float,
    result: GenerateResult,
    fmt: str = "parquet",
) -> pl.DataFrame:
    cutoff_ms = int(cutoff.timestamp() * 1000)
    ids: dict = {"_event_time": EVENT_TIME_FIELDS}
    for field_name, (table, column, filt) in _ID_POOLS.items():
        if table in w.tables:
            df = w.tables[table].filter(pl.col(VISIBLE) <= cutoff_ms)
            if filt and filt[0] in df.columns:
                df = df.filter(pl.col(filt[0]) == filt[1])
            ids[field_name] = df[column]
    name = contract.object_name
    rng = seeded_rng(seed, f"{name}/{d.isoformat()}")
    bronze, silver = generate_collection(contract, d, cutoff_ms, rows, rng, ids)
    ts = [
        n
        for n, c in contract.columns.items()
        if c.type == "timestamp" and "." not in n and "[]" not in n
    ]
    fresh = contract.freshness.column if contract.freshness else (ts[0] if ts else None)
    watermark = silver[fresh].max() if fresh and silver.height else None
    for layer in (x for x in layers if x != "gold"):
        frame = silver if layer == "silver" else bronze
        _write_snapshot(store, result, layer, d, cutoff, contract, frame, watermark, None, fmt)
    return silver
