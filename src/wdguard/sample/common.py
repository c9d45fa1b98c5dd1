"""Shared helpers of the sample lake: constants, seeded randomness, vectorised value
makers (UUIDs, timestamps, cents), the contract-driven generic column, and writing a
partition with its `_source.json`. Every other module of `wdguard.sample` imports from
here; this module imports none of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from wdguard.contracts.model import Column, Contract
from wdguard.contracts.types import polars_dtype
from wdguard.lake import layout
from wdguard.lake.manifest import Manifest, ManifestFile, write_manifest
from wdguard.lake.storage import Store

DEFAULT_END = dt.date(2026, 11, 26)
DEFAULT_DAYS = 7
DEFAULT_SEED = 42
HISTORY_DAYS = 120  # history before the first generated date
EXTRACT_TIME = dt.time(23, 50)  # each day's snapshot is taken at 23:50 UTC
ROWS_PER_FILE = 250_000
MIN_ROWS_FOR_SPLIT = 1_000  # tables this big land as several files, like a real extractor
WEEKDAY_FACTOR = np.array([1.0, 1.05, 1.0, 1.1, 1.2, 0.7, 0.55])  # Mon..Sun
HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 9, 9, 9, 9, 9, 9, 8, 7, 6, 4, 2, 1], dtype=float
)
# timestamps that may lie in the future of a snapshot (a pickup booked for tomorrow)
FUTURE_OK = frozenset({"scheduled_for", "ends_at"})
MS_HOUR = 3_600_000
MS_DAY = 86_400_000
BORN = "__born"
VISIBLE = "__visible"


# --------------------------------------------------------------------------- results
@dataclass
class PartitionWritten:
    layer: str
    source: str
    date: str
    object: str
    path: str
    rows: int
    files: int
    bytes: int


@dataclass
class GenerateResult:
    dates: list[str]
    partitions: list[PartitionWritten] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)  # rows removed by conformance

    def to_dict(self) -> dict:
        return {
            "dates": self.dates,
            "partitions": [p.__dict__ for p in self.partitions],
            "dropped": self.dropped,
        }


# --------------------------------------------------------------------------- helpers
def seeded_rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def uuid4s(rng: np.random.Generator, n: int) -> pl.Series:
    """n random version-4 UUID strings, vectorised."""
    b = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80
    hexd = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    h = np.empty((n, 32), dtype=np.uint8)
    h[:, 0::2] = hexd[b >> 4]
    h[:, 1::2] = hexd[b & 15]
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    for dst, src in (
        ((0, 8), (0, 8)),
        ((9, 13), (8, 12)),
        ((14, 18), (12, 16)),
        ((19, 23), (16, 20)),
        ((24, 36), (20, 32)),
    ):
        out[:, dst[0] : dst[1]] = h[:, src[0] : src[1]]
    if n == 0:
        return pl.Series([], dtype=pl.String)
    return pl.Series(out.view("S36").ravel()).cast(pl.String)


def digits(rng: np.random.Generator, n: int, width: int = 18) -> pl.Series:
    """n random zero-padded digit strings (provider references and the like)."""
    return (
        pl.Series(rng.integers(0, 10**width, size=n, dtype=np.int64))
        .cast(pl.String)
        .str.zfill(width)
    )


def epoch_ms(s: pl.Series) -> np.ndarray:
    return s.dt.epoch("ms").to_numpy()


def pick(rng: np.random.Generator, options: list, n: int, p: Iterable[float] | None = None):
    probs = None
    if p is not None:
        probs = np.asarray(list(p), dtype=float)
        probs = probs / probs.sum()
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=probs)]


def ts_series(ms: np.ndarray) -> pl.Series:
    return pl.Series(ms.astype(np.int64)).cast(pl.Datetime("ms", "UTC"))


def decimal_from_cents(cents: np.ndarray, column: Column) -> pl.Series:
    """Integer hundredths -> the column's silver decimal (or text for wide decimals)."""
    s = cents if isinstance(cents, pl.Series) else pl.Series(np.asarray(cents, dtype=np.int64))
    value = s.cast(pl.Int64).cast(pl.Decimal(38, 2)) / 100
    dtype = polars_dtype(column)
    return value.cast(dtype) if isinstance(dtype, pl.Decimal) else value.cast(pl.String)


def null_where(s: pl.Series, mask: np.ndarray) -> pl.Series:
    return (
        pl.select(
            pl.when(pl.lit(pl.Series(mask, dtype=pl.Boolean))).then(None).otherwise(pl.lit(s))
        )
        .to_series()
        .alias(s.name)
    )


def stream_born(rng, start: dt.date, cutoff_ms: int, per_day: float, rows: float) -> np.ndarray:
    """Creation times of a stream of rows: per_day * rows a day, weekday/hour pattern."""
    days = (dt.datetime.fromtimestamp(cutoff_ms / 1000, dt.UTC).date() - start).days + 1
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    expected = np.array([per_day * rows * WEEKDAY_FACTOR[d.weekday()] for d in dates])
    counts = np.diff(np.floor(np.concatenate([[0.0], np.cumsum(expected)])).astype(np.int64))
    n = int(counts.sum())
    day_ms = np.repeat(np.array([midnight_ms(d) for d in dates], dtype=np.int64), counts)
    hours = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    born = day_ms + hours * MS_HOUR + rng.integers(0, MS_HOUR, size=n)
    born = np.sort(born)
    return born[born <= cutoff_ms]


def midnight_ms(d: dt.date) -> int:
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp() * 1000)


def cutoff_of(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, EXTRACT_TIME, tzinfo=dt.UTC)


def after(rng, base: np.ndarray, lo_ms: float, hi_ms: float) -> np.ndarray:
    return base + rng.integers(int(lo_ms), max(int(hi_ms), int(lo_ms) + 1), size=len(base))


# --------------------------------------------------------------------------- generic
def generic_column(name: str, col: Column, n: int, rng, born: np.ndarray) -> pl.Series:
    """Data for a column WasteDump knowledge does not cover, from the contract alone."""
    t = col.type
    lo = col.min if col.min is not None else 0
    if t == "uuid":
        s = uuid4s(rng, n)
    elif t == "enum":
        values = list(col.values or [])
        default = col.default if col.default in values else None
        s = (
            pl.Series(pick(rng, values, n).astype(str))
            if default is None
            else pl.Series(np.where(rng.random(n) < 0.8, default, pick(rng, values, n)).astype(str))
        )
    elif t in ("integer", "bigint"):
        hi = col.max if col.max is not None else lo + 1000
        s = pl.Series(np.arange(1, n + 1) if col.unique else rng.integers(lo, int(hi) + 1, size=n))
    elif t == "float":
        hi = col.max if col.max is not None else lo + 100
        s = pl.Series(np.round(rng.uniform(lo, hi, size=n), 4))
    elif t == "decimal":
        scale = col.scale if col.scale is not None else 2
        cap = 10 ** ((col.precision or 12) - scale) - 1
        hi = min(col.max if col.max is not None else min(cap, 10_000), cap)
        cents = rng.integers(int(lo * 100), int(hi * 100) + 1, size=n)
        return decimal_from_cents(cents, col).alias(name)
    elif t == "boolean":
        s = pl.Series(rng.random(n) < 0.8)
    elif t == "timestamp":
        s = ts_series(born + rng.integers(0, MS_HOUR, size=n))
    elif t == "date":
        s = ts_series(born).dt.date()
    elif t in ("json", "object"):
        s = pl.Series(["{}"] * n, dtype=pl.String)
    elif t == "bytes":
        s = pl.Series([b""] * n, dtype=pl.Binary)
    elif t == "list":
        s = pl.Series([[]] * n, dtype=polars_dtype(col))
    else:
        s = pl.Series(
            [f"{name}-{i}" for i in range(n)]
            if col.unique
            else pick(rng, [f"{name} {k}" for k in "ABCDEFGH"], n).astype(str)
        )
    if col.default is not None and not col.unique and t in ("string",) and not col.regex:
        s = pl.Series([str(col.default)] * n, dtype=pl.String)
    if col.nullable and not col.unique and t not in ("boolean",):
        s = null_where(s, rng.random(n) < 0.1)
    return s.alias(name)


# --------------------------------------------------------------------------- writing
def schema_fingerprint(contract: Contract) -> str:
    if contract.fingerprint:
        fp = contract.fingerprint
        return fp if fp.startswith("sha256:") else f"sha256:{fp}"
    text = json.dumps(
        {n: str(polars_dtype(c)) for n, c in contract.columns.items()}, sort_keys=True
    )
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def file_count(rows: int, rows_per_file: int = ROWS_PER_FILE) -> int:
    if rows < MIN_ROWS_FOR_SPLIT:
        return 1
    return max(2, math.ceil(rows / rows_per_file))


def parquet_bytes(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_parquet(buf, compression="zstd", statistics=True, row_group_size=100_000)
    return buf.getvalue()


def write_partition(
    store: Store, partition: str, df: pl.DataFrame, manifest: Manifest, n_files: int | None = None
) -> Manifest:
    """Data files then `_source.json` (last: a reader that sees it sees the files)."""
    n_files = n_files or file_count(df.height)
    per = math.ceil(df.height / n_files) if df.height else 0
    files = []
    for i in range(n_files):
        chunk = df.slice(i * per, per) if per else df
        data = parquet_bytes(chunk)
        name = layout.part_name(i)
        store.write_bytes(f"{partition}/{name}", data)
        files.append(ManifestFile(path=name, rows=chunk.height, bytes=len(data)))
    manifest = manifest.model_copy(update={"files": files, "row_count": df.height})
    write_manifest(store, partition, manifest)
    return manifest
