"""Small hand-built lakes for the gate's tests: partitions + `_source.json` through a Store."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import polars as pl

from wdguard.lake import layout
from wdguard.lake.manifest import Manifest, ManifestFile, write_manifest

USER = """\
contract: User
source: {kind: postgres, table: users}
primary_key: [id]
columns:
  id: {type: uuid, nullable: false}
  email: {type: string, nullable: false, unique: true, regex: '^[^@]+@[^@]+$'}
  role: {type: enum, values: [CUSTOMER, DRIVER]}
  created_at: {type: timestamp, nullable: false}
  updated_at: {type: timestamp, nullable: false}
freshness: {column: updated_at, max_age: 26h}
volume: {min_rows: 1, max_change: 0.5}
"""

ORDER = """\
contract: Order
source: {kind: postgres, table: orders}
primary_key: [id]
columns:
  id: {type: uuid, nullable: false}
  user_id: {type: uuid, nullable: false, references: User.id}
  status: {type: enum, nullable: false, values: [PENDING, PAID]}
  total_amount: {type: decimal, precision: 12, scale: 2, min: 0}
  qty: {type: integer, max: 100, severity: warn}
  paid_at: {type: timestamp}
  updated_at: {type: timestamp, nullable: false}
volume: {min_rows: 1}
rules:
  - {name: paid_has_paid_at, sql: "status <> 'PAID' OR paid_at IS NOT NULL"}
"""

EXTRACTED = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


def write_contracts(folder: Path, *texts: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for text in texts or (USER, ORDER):
        name = text.split("\n", 1)[0].split(":", 1)[1].strip()
        (folder / f"{name}.yaml").write_text(text)
    return folder


def users(n: int = 4) -> pl.DataFrame:
    ts = dt.datetime(2026, 11, 19, 23, 0)
    return pl.DataFrame(
        {
            "id": [f"u{i}" for i in range(n)],
            "email": [f"user{i}@example.com" for i in range(n)],
            "role": ["CUSTOMER"] * (n - 1) + ["DRIVER"],
            "created_at": [ts - dt.timedelta(days=30)] * n,
            "updated_at": [ts] * n,
        }
    )


def orders() -> pl.DataFrame:
    ts = dt.datetime(2026, 11, 19, 22, 0)
    return pl.DataFrame(
        {
            "id": ["o1", "o2", "o3", "o4"],
            "user_id": ["u0", "u1", "u2", "u0"],
            "status": ["PAID", "PENDING", "PAID", "PENDING"],
            "total_amount": ["10.50", "3.00", "0.00", "7.25"],  # bronze: decimals as text
            "qty": [1, 2, 3, 4],
            "paid_at": [ts, None, ts, None],
            "updated_at": [ts] * 4,
        }
    )


def silver_of(df: pl.DataFrame, contract_text: str) -> pl.DataFrame:
    """The silver (typed) version of a bronze frame, via the contract's dtypes."""
    from wdguard.checks.engines.polars import expressions as X
    from wdguard.contracts.io import parse_contract_text
    from wdguard.contracts.types import polars_dtype

    c = parse_contract_text(contract_text, "t.yaml")
    return df.select(
        X.to_type(pl.col(n), df.schema[n], polars_dtype(c.columns[n])).alias(n) for n in df.columns
    )


def write_partition(
    store,
    layer: str,
    obj: str,
    df: pl.DataFrame,
    *,
    date: str = "2026-11-20",
    source: str = "postgres",
    files: int = 1,
    extracted_at: dt.datetime = EXTRACTED,
    row_count: int | None = None,
) -> str:
    part = layout.partition_dir(layer, source, date, obj)
    entries = []
    size = max(1, -(-df.height // max(files, 1)))  # files=0: an empty table, no data file
    for i in range(files):
        chunk = df.slice(i * size, size)
        buf = io.BytesIO()
        chunk.write_parquet(buf)
        data = buf.getvalue()
        store.write_bytes(f"{part}/{layout.part_name(i)}", data)
        entries.append(ManifestFile(path=layout.part_name(i), rows=chunk.height, bytes=len(data)))
    manifest = Manifest(
        source=source,
        layer=layer,
        object=obj,
        date=dt.date.fromisoformat(date),
        extracted_at=extracted_at,
        row_count=df.height if row_count is None else row_count,
        files=entries,
    )
    write_manifest(store, part, manifest)
    return part


def clean_lake(store, date: str = "2026-11-20") -> None:
    write_partition(store, "bronze", "users", users(), date=date)
    write_partition(store, "bronze", "orders", orders(), date=date, files=2)
    write_partition(store, "silver", "users", silver_of(users(), USER), date=date)
    write_partition(store, "silver", "orders", silver_of(orders(), ORDER), date=date)
