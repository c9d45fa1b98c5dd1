"""The seeded WasteDump sample lake: bronze and silver daily snapshots from the contracts.

Why it is built this way:

* Contract-driven. Every column of every Postgres contract is produced with the contract's
  type, nullability, uniqueness, enum values, min/max and references; WasteDump knowledge
  (statuses with matching timestamps, totals summed from items, drivers who are DRIVER
  users) only refines columns it knows. A column added by a migration still gets data.
* Snapshot semantics. The whole history is generated once (120 days before the first date
  up to the last); each day's partition is the set of rows *visible* by that day's
  extraction: a row is visible once all its own event timestamps and every row it
  references are visible. So every day is a full, growing snapshot with valid foreign keys.
* Clean days pass the contracts: a final conformance pass drops any generated row that
  would break a contract check or hand rule (and the rows that reference it); the count
  is reported and expected to be zero.
* Deterministic and vectorised: one numpy Generator per table seeded from (seed, table),
  numpy/Polars column operations, parquet written with fixed settings -- the same seed
  gives byte-identical files; `rows` scales volumes up to benchmark sizes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from wdguard.checks import expressions as X
from wdguard.contracts.model import Column, Contract
from wdguard.contracts.types import polars_dtype
from wdguard.errors import InputError
from wdguard.lake import layout
from wdguard.lake.cast import to_bronze
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
def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _uuid(rng: np.random.Generator, n: int) -> pl.Series:
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


def _digits(rng: np.random.Generator, n: int, width: int = 18) -> pl.Series:
    """n random zero-padded digit strings (provider references and the like)."""
    return (
        pl.Series(rng.integers(0, 10**width, size=n, dtype=np.int64))
        .cast(pl.String)
        .str.zfill(width)
    )


def _epoch(s: pl.Series) -> np.ndarray:
    return s.dt.epoch("ms").to_numpy()


def _pick(rng: np.random.Generator, options: list, n: int, p: Iterable[float] | None = None):
    probs = None
    if p is not None:
        probs = np.asarray(list(p), dtype=float)
        probs = probs / probs.sum()
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=probs)]


def _ts(ms: np.ndarray) -> pl.Series:
    return pl.Series(ms.astype(np.int64)).cast(pl.Datetime("ms", "UTC"))


def _cents(cents: np.ndarray, column: Column) -> pl.Series:
    """Integer hundredths -> the column's silver decimal (or text for wide decimals)."""
    s = cents if isinstance(cents, pl.Series) else pl.Series(np.asarray(cents, dtype=np.int64))
    value = s.cast(pl.Int64).cast(pl.Decimal(38, 2)) / 100
    dtype = polars_dtype(column)
    return value.cast(dtype) if isinstance(dtype, pl.Decimal) else value.cast(pl.String)


def _null_where(s: pl.Series, mask: np.ndarray) -> pl.Series:
    return (
        pl.select(
            pl.when(pl.lit(pl.Series(mask, dtype=pl.Boolean))).then(None).otherwise(pl.lit(s))
        )
        .to_series()
        .alias(s.name)
    )


def _stream_born(rng, start: dt.date, cutoff_ms: int, per_day: float, rows: float) -> np.ndarray:
    """Creation times of a stream of rows: per_day * rows a day, weekday/hour pattern."""
    days = (dt.datetime.fromtimestamp(cutoff_ms / 1000, dt.UTC).date() - start).days + 1
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    expected = np.array([per_day * rows * WEEKDAY_FACTOR[d.weekday()] for d in dates])
    counts = np.diff(np.floor(np.concatenate([[0.0], np.cumsum(expected)])).astype(np.int64))
    n = int(counts.sum())
    day_ms = np.repeat(np.array([_day_ms(d) for d in dates], dtype=np.int64), counts)
    hours = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    born = day_ms + hours * MS_HOUR + rng.integers(0, MS_HOUR, size=n)
    born = np.sort(born)
    return born[born <= cutoff_ms]


def _day_ms(d: dt.date) -> int:
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp() * 1000)


def _cutoff(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, EXTRACT_TIME, tzinfo=dt.UTC)


def _after(rng, base: np.ndarray, lo_ms: float, hi_ms: float) -> np.ndarray:
    return base + rng.integers(int(lo_ms), max(int(hi_ms), int(lo_ms) + 1), size=len(base))


class World:
    """Every table's full history, built parents first."""

    def __init__(
        self, contracts: list[Contract], seed: int, rows: float, start: dt.date, last_cutoff_ms: int
    ):
        self.contracts = {c.object_name: c for c in contracts if c.source.kind == "postgres"}
        self.by_name = {c.contract: c for c in contracts}
        self.seed, self.rows, self.start, self.last_cutoff_ms = seed, rows, start, last_cutoff_ms
        self.start_ms = _day_ms(start)
        self.tables: dict[str, pl.DataFrame] = {}

    def table_of(self, contract_name: str) -> str | None:
        c = self.by_name.get(contract_name)
        return c.object_name if c and c.source.kind == "postgres" else None

    def column(self, table: str, name: str) -> np.ndarray:
        return self.tables[table][name].to_numpy()

    def born(self, table: str) -> np.ndarray:
        return self.tables[table][BORN].to_numpy()

    def pick(self, rng, parent: str, child_born: np.ndarray, mask: np.ndarray | None = None):
        """Row indices into `parent` (optionally restricted by mask), each parent visible
        (created, with its own parents) before its child where possible."""
        idx = np.arange(self.tables[parent].height) if mask is None else np.flatnonzero(mask)
        if len(idx) == 0:
            raise InputError(f"cannot generate references: table {parent!r} has no rows")
        pvis = self.tables[parent][VISIBLE].to_numpy()[idx]
        by_vis = np.argsort(pvis, kind="stable")
        idx, pborn = idx[by_vis], pvis[by_vis]
        count = np.searchsorted(pborn, child_born, side="right")
        count = np.maximum(count, 1)
        return idx[np.minimum((rng.random(len(child_born)) * count).astype(np.int64), count - 1)]


# --------------------------------------------------------------------------- WasteDump
FIRST = [
    "Amina",
    "Brian",
    "Wanjiru",
    "Otieno",
    "Achieng",
    "Kevin",
    "Faith",
    "Mercy",
    "Daniel",
    "Grace",
    "Peter",
    "Njeri",
    "Samuel",
    "Akinyi",
    "David",
    "Lucy",
    "Joseph",
    "Esther",
    "Moses",
    "Ruth",
    "Hassan",
    "Fatuma",
    "Ian",
    "Zawadi",
]
LAST = [
    "Kamau",
    "Odhiambo",
    "Mwangi",
    "Wambui",
    "Kiptoo",
    "Njoroge",
    "Ouma",
    "Chebet",
    "Mutua",
    "Naliaka",
    "Omondi",
    "Kariuki",
    "Wekesa",
    "Akinyi",
    "Barasa",
    "Mohamed",
]
CITIES = [
    ("Nairobi", "Nairobi", "00100", -1.2864, 36.8172),
    ("Mombasa", "Mombasa", "80100", -4.0435, 39.6682),
    ("Kisumu", "Kisumu", "40100", -0.0917, 34.7680),
    ("Nakuru", "Nakuru", "20100", -0.3031, 36.0800),
    ("Eldoret", "Uasin Gishu", "30100", 0.5143, 35.2698),
]
STREETS = [
    "Moi Avenue",
    "Kenyatta Avenue",
    "Ngong Road",
    "Waiyaki Way",
    "Mombasa Road",
    "Thika Road",
    "Langata Road",
    "Oginga Odinga St",
    "Haile Selassie Ave",
    "Kimathi St",
]
CATALOGUE = [
    ("Wheelie bin 120L", 120, 450000),
    ("Wheelie bin 240L", 240, 650000),
    ("Recycling bags (roll of 20)", 80, 45000),
    ("Compost caddy 7L", 7, 120000),
    ("Heavy-duty bags (50)", 60, 90000),
    ("Skip bag 1m3", 1000, 350000),
    ("E-waste box", 40, 150000),
    ("Kitchen bin 30L", 30, 250000),
]
TAGS = [
    "recyclable",
    "compostable",
    "reusable",
    "heavy-duty",
    "household",
    "commercial",
    "garden",
    "kitchen",
    "e-waste",
    "hazardous-safe",
    "bulk",
    "eco",
    "bestseller",
    "new",
    "sale",
    "plastic",
    "metal",
    "paper",
    "glass",
    "organic",
    "bags",
    "bins",
    "skips",
    "accessories",
]
PLANS = [
    ("WEEKLY-120L", "Weekly 120L pickup", "WEEKLY", 1, 80000),
    ("WEEKLY-240L", "Weekly 240L pickup", "WEEKLY", 1, 120000),
    ("MONTHLY-4", "Four pickups a month", "MONTHLY", 4, 300000),
    ("MONTHLY-8", "Eight pickups a month", "MONTHLY", 8, 550000),
    ("QUARTERLY-12", "Quarterly, twelve pickups", "QUARTERLY", 12, 800000),
    ("BUSINESS-DAILY", "Business daily pickup", "MONTHLY", 26, 1800000),
]


def _users(w: World, rng) -> dict:
    born = _stream_born(rng, w.start, w.last_cutoff_ms, 30, w.rows)
    born[: min(len(born), max(5, int(40 * w.rows)))] = w.start_ms  # founding accounts
    born.sort()
    n = len(born)
    first, last = _pick(rng, FIRST, n), _pick(rng, LAST, n)
    idx = np.arange(n).astype(str)
    email = np.char.lower(
        np.char.add(
            np.char.add(np.char.add(first.astype(str), "."), np.char.add(last.astype(str), idx)),
            "@example.com",
        )
    )
    phone = pl.Series(rng.integers(10_000_000, 99_999_999, size=n)).cast(pl.String)
    phone = _null_where(("+2547" + phone).alias("phone"), rng.random(n) < 0.15)
    role = _pick(rng, ["CUSTOMER", "MERCHANT", "DRIVER", "ADMIN"], n, [90, 4, 5, 1])
    role[: min(n, 4)] = ["ADMIN", "MERCHANT", "DRIVER", "CUSTOMER"][: min(n, 4)]
    return {
        BORN: born,
        "id": _uuid(rng, n),
        "email": pl.Series(email),
        "phone": phone,
        "full_name": pl.Series(np.char.add(np.char.add(first.astype(str), " "), last.astype(str))),
        "role": pl.Series(role.astype(str)),
        "is_active": rng.random(n) < 0.96,
        "created_at": _ts(born),
        "updated_at": _ts(np.where(rng.random(n) < 0.6, _after(rng, born, 0, 3 * MS_DAY), born)),
    }


def _fix_updated(cols: dict, *others: str) -> None:
    """updated_at >= created_at and every other event timestamp of the row."""
    up = np.maximum(_epoch(cols["updated_at"]), cols[BORN])
    for name in others:
        ev = _epoch(cols[name])
        valid = ~cols[name].is_null().to_numpy()
        up = np.where(valid, np.maximum(up, np.nan_to_num(ev, nan=0).astype(np.int64)), up)
    cols["updated_at"] = _ts(up)


def _addresses(w: World, rng) -> dict:
    users = w.tables["users"]
    per = 1 + (rng.random(users.height) < 0.3)
    parent = np.repeat(np.arange(users.height), per)
    first_of_user = np.arange(len(parent)) == np.repeat(np.cumsum(per) - per, per)
    raw = _after(rng, w.born("users")[parent], 0, 2 * MS_HOUR)
    order = np.argsort(raw, kind="stable")
    parent, born, first_of_user = parent[order], raw[order], first_of_user[order]
    n = len(parent)
    city = rng.integers(0, len(CITIES), size=n)
    cdata = list(zip(*CITIES, strict=True))
    return {
        BORN: born,
        "id": _uuid(rng, n),
        "user_id": users["id"].gather(parent),
        "label": _null_where(
            pl.Series(_pick(rng, ["Home", "Work", "Shop", "Other"], n).astype(str)),
            rng.random(n) < 0.2,
        ),
        "line1": pl.Series(
            np.char.add(
                np.char.add(rng.integers(1, 400, size=n).astype(str), " "),
                _pick(rng, STREETS, n).astype(str),
            )
        ),
        "city": pl.Series(np.asarray(cdata[0])[city]),
        "region": pl.Series(np.asarray(cdata[1])[city]),
        "postal_code": _null_where(pl.Series(np.asarray(cdata[2])[city]), rng.random(n) < 0.1),
        "country": pl.Series(["KE"] * n, dtype=pl.String),
        "latitude": np.round(np.asarray(cdata[3], float)[city] + rng.normal(0, 0.03, n), 6),
        "longitude": np.round(np.asarray(cdata[4], float)[city] + rng.normal(0, 0.03, n), 6),
        "is_default": first_of_user,
        "created_at": _ts(born),
    }


def _merchants(w: World, rng) -> dict:
    users = w.tables["users"]
    owners = np.flatnonzero((users["role"] == "MERCHANT").to_numpy())
    owners = owners[rng.random(len(owners)) < 0.9]
    born = _after(rng, w.born("users")[owners], MS_HOUR, 2 * MS_DAY)
    order = np.argsort(born, kind="stable")
    owners, born = owners[order], born[order]
    n = len(owners)
    kinds = _pick(rng, ["Waste Co", "Bins & Bags", "Recyclers", "EcoSupply", "Clean City"], n)
    names = np.char.add(np.char.add(_pick(rng, LAST, n).astype(str), " "), kinds.astype(str))
    slug = pl.Series(names).str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "-")
    slug = slug + "-" + pl.Series(np.arange(n)).cast(pl.String)
    verified = _after(rng, born, MS_HOUR, 5 * MS_DAY)
    cols = {
        BORN: born,
        "id": _uuid(rng, n),
        "owner_id": users["id"].gather(owners),
        "name": pl.Series(names),
        "slug": slug,
        "rating": _null_where(
            _cents(rng.integers(300, 501, size=n), Column(type="decimal", precision=3, scale=2)),
            rng.random(n) < 0.2,
        ),
        "verified_at": _null_where(_ts(verified), rng.random(n) < 0.2),
        "created_at": _ts(born),
        "updated_at": _ts(_after(rng, born, 0, 10 * MS_DAY)),
    }
    _fix_updated(cols, "verified_at")
    return cols


def _tags(w: World, rng) -> dict:
    n = len(TAGS)
    return {BORN: np.full(n, w.start_ms), "id": np.arange(1, n + 1), "name": pl.Series(TAGS)}


def _plans(w: World, rng) -> dict:
    n = len(PLANS)
    code, name, interval, pickups, price = (list(x) for x in zip(*PLANS, strict=True))
    return {
        BORN: np.full(n, w.start_ms),
        "id": _uuid(rng, n),
        "code": pl.Series(code),
        "name": pl.Series(name),
        "interval": pl.Series(interval),
        "pickups_per_cycle": np.asarray(pickups),
        "price": np.asarray(price),  # cents
        "currency": pl.Series(["KES"] * n, dtype=pl.String),
        "is_active": np.array([True] * (n - 1) + [False]),
        "created_at": _ts(np.full(n, w.start_ms)),
    }


def _products(w: World, rng) -> dict:
    merchants = w.tables["merchants"]
    per = rng.integers(3, 9, size=merchants.height)
    parent = np.repeat(np.arange(merchants.height), per)
    k = np.arange(len(parent)) - np.repeat(np.cumsum(per) - per, per)
    born = _after(rng, w.born("merchants")[parent], 0, 3 * MS_DAY)
    order = np.argsort(born, kind="stable")
    parent, k, born = parent[order], k[order], born[order]
    n = len(parent)
    item = rng.integers(0, len(CATALOGUE), size=n)
    cname, cap, price = (np.asarray(x) for x in zip(*CATALOGUE, strict=True))
    price_cents = (price[item] * rng.uniform(0.8, 1.25, size=n)).astype(np.int64) // 100 * 100
    attrs = pl.Series(
        np.char.add(
            np.char.add(
                '{"colour": "', _pick(rng, ["green", "black", "blue", "grey"], n).astype(str)
            ),
            '"}',
        )
    )
    cols = {
        BORN: born,
        "id": _uuid(rng, n),
        "merchant_id": merchants["id"].gather(parent),
        "sku": pl.Series(
            np.char.add(np.char.add("SKU-", parent.astype(str)), np.char.add("-", k.astype(str)))
        ),
        "name": pl.Series(cname[item].astype(str)),
        "price": price_cents,
        "currency": pl.Series(["KES"] * n, dtype=pl.String),
        "capacity_l": _null_where(pl.Series(cap[item].astype(np.int64)), rng.random(n) < 0.1),
        "stock": rng.integers(0, 500, size=n),
        "is_active": rng.random(n) < 0.92,
        "attributes": _null_where(attrs, rng.random(n) < 0.3),
        "created_at": _ts(born),
        "updated_at": _ts(_after(rng, born, 0, 20 * MS_DAY)),
    }
    return cols


def _orders(w: World, rng) -> dict:
    born = _stream_born(rng, w.start + dt.timedelta(days=1), w.last_cutoff_ms, 70, w.rows)
    n = len(born)
    users = w.pick(rng, "users", born)
    status = _pick(
        rng,
        ["PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED"],
        n,
        [10, 12, 10, 55, 9, 4],
    ).astype(str)
    paid = np.isin(status, ["PAID", "SHIPPED", "DELIVERED", "REFUNDED"])
    paid_at = _after(rng, born, 60_000, 2 * MS_HOUR)
    later = np.isin(status, ["SHIPPED", "DELIVERED", "REFUNDED"])
    updated = np.where(
        later,
        _after(rng, paid_at, MS_HOUR, 3 * MS_DAY),
        np.where(paid, paid_at + 1000, _after(rng, born, 0, MS_HOUR)),
    )
    return {
        BORN: born,
        "id": _uuid(rng, n),
        "number": np.arange(100_001, 100_001 + n, dtype=np.int64),
        "user_id": w.tables["users"]["id"].gather(users),
        "status": pl.Series(status),
        "total_amount": np.zeros(n, dtype=np.int64),  # summed from the items below
        "currency": pl.Series(["KES"] * n, dtype=pl.String),
        "notes": _null_where(
            pl.Series(
                _pick(
                    rng, ["Leave at the gate", "Call on arrival", "Fragile", "Deliver after 5pm"], n
                ).astype(str)
            ),
            rng.random(n) < 0.85,
        ),
        "paid_at": _null_where(_ts(paid_at), ~paid),
        "created_at": _ts(born),
        "updated_at": _ts(updated),
    }


def _order_items(w: World, rng) -> dict:
    orders = w.tables["orders"]
    per = rng.integers(1, 5, size=orders.height)
    parent = np.repeat(np.arange(orders.height), per)
    k = np.arange(len(parent)) - np.repeat(np.cumsum(per) - per, per)
    born = w.born("orders")[parent]
    first = w.pick(rng, "products", w.born("orders"))[parent]
    nprod = w.tables["products"].height
    prod = (first + k) % nprod  # distinct products within an order
    n = len(parent)
    price = w.tables["products"]["price"].cast(pl.Float64).to_numpy()[prod]
    qty = rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 10], size=n)
    unit_cents = np.round(price * 100).astype(np.int64)
    totals = np.bincount(parent, weights=unit_cents * qty, minlength=orders.height)
    w.tables["orders"] = orders.with_columns(
        _cents(
            totals.astype(np.int64),
            w.contracts["orders"].columns.get(
                "total_amount", Column(type="decimal", precision=12, scale=2)
            ),
        ).alias("total_amount")
        if "total_amount" in orders.columns
        else pl.lit(None)
    )
    return {
        BORN: born,
        "id": _uuid(rng, n),
        "order_id": orders["id"].gather(parent),
        "product_id": w.tables["products"]["id"].gather(prod),
        "quantity": qty,
        "unit_price": unit_cents,
    }


def _subscriptions(w: World, rng) -> dict:
    users = w.tables["users"]
    owners = np.flatnonzero(
        (rng.random(users.height) < 0.3) & (users["role"] == "CUSTOMER").to_numpy()
    )
    born = _after(rng, w.born("users")[owners], MS_HOUR, 10 * MS_DAY)
    order = np.argsort(born, kind="stable")
    owners, born = owners[order], born[order]
    n = len(owners)
    plans = w.pick(
        rng, "subscription_plans", born, mask=w.column("subscription_plans", "is_active")
    )
    status = _pick(rng, ["ACTIVE", "PAUSED", "CANCELLED", "EXPIRED"], n, [70, 8, 15, 7]).astype(str)
    started = _after(rng, born, 0, MS_DAY)
    ends = np.where(
        status == "EXPIRED", _after(rng, started, 7 * MS_DAY, 30 * MS_DAY), started + 365 * MS_DAY
    )
    cancelled = _after(rng, started, MS_DAY, 30 * MS_DAY)
    updated = np.where(
        status == "EXPIRED",
        ends + 1000,
        np.where(
            status == "CANCELLED",
            cancelled + 1000,
            # active/paused plans are touched by every billing run: always recently updated
            np.where(status == "ACTIVE", started + 400 * MS_DAY, _after(rng, started, 0, MS_HOUR)),
        ),
    )
    return {
        BORN: born,
        "id": _uuid(rng, n),
        "user_id": users["id"].gather(owners),
        "plan_id": w.tables["subscription_plans"]["id"].gather(plans),
        "status": pl.Series(status),
        "started_at": _ts(started),
        "ends_at": _null_where(_ts(ends), rng.random(n) < 0.3),
        "cancelled_at": _null_where(_ts(cancelled), status != "CANCELLED"),
        "created_at": _ts(born),
        "updated_at": _ts(updated),
    }


def _payments(w: World, rng) -> dict:
    orders = w.tables["orders"]
    paid = ~orders["paid_at"].is_null().to_numpy()
    oidx = np.flatnonzero(paid)
    paid_ms = _epoch(orders["paid_at"])[oidx].astype(np.int64)
    refunded = (orders["status"] == "REFUNDED").to_numpy()[oidx]
    amount_o = orders["total_amount"].cast(pl.Float64).to_numpy()[oidx]
    # a few paid orders had a failed attempt first
    failed = oidx[rng.random(len(oidx)) < 0.05]
    f_ms = _epoch(orders["created_at"])[failed].astype(np.int64) + 1000
    subs = w.tables["subscriptions"]
    plan_price = subs.join(
        w.tables["subscription_plans"].select(
            pl.col("id").alias("plan_id"), pl.col("price").cast(pl.Float64).alias("pp")
        ),
        on="plan_id",
        how="left",
    )["pp"].to_numpy()
    s_ms = _epoch(subs["started_at"]).astype(np.int64)
    n_o, n_f, n_s = len(oidx), len(failed), subs.height
    n = n_o + n_f + n_s
    order_ids = pl.concat(
        [
            orders["id"].gather(oidx),
            orders["id"].gather(failed),
            pl.Series([None] * n_s, dtype=pl.String),
        ]
    )
    sub_ids = pl.concat([pl.Series([None] * (n_o + n_f), dtype=pl.String), subs["id"]])
    amount = np.concatenate(
        [amount_o, orders["total_amount"].cast(pl.Float64).to_numpy()[failed], plan_price]
    )
    status = np.concatenate(
        [
            np.where(refunded, "REFUNDED", "SUCCEEDED"),
            np.full(n_f, "FAILED"),
            np.full(n_s, "SUCCEEDED"),
        ]
    )
    created = np.concatenate([paid_ms, f_ms, s_ms])
    order = np.argsort(created, kind="stable")
    method = _pick(rng, ["CARD", "MOBILE_MONEY", "BANK_TRANSFER", "CASH"], n, [30, 60, 5, 5])
    ref = pl.select(
        pl.concat_str(
            pl.lit("pi_"),
            pl.lit(_digits(rng, n)),
            pl.lit("_"),
            pl.lit(pl.Series(np.arange(n)).cast(pl.String)),
        )
    ).to_series()
    cols = {
        BORN: created[order],
        "id": _uuid(rng, n),
        "order_id": order_ids.gather(order),
        "subscription_id": sub_ids.gather(order),
        "amount": np.round(amount[order] * 100).astype(np.int64),
        "currency": pl.Series(["KES"] * n, dtype=pl.String),
        "method": pl.Series(method.astype(str)),
        "status": pl.Series(status[order]),
        "provider_ref": _null_where(ref, (method == "CASH")),
        "created_at": _ts(created[order]),
    }
    return cols


def _collections(w: World, rng) -> dict:
    born = _stream_born(rng, w.start + dt.timedelta(days=1), w.last_cutoff_ms, 110, w.rows)
    n = len(born)
    addr = w.pick(rng, "addresses", born)
    addresses = w.tables["addresses"]
    users = w.tables["users"]
    drivers = w.pick(rng, "users", born, mask=(users["role"] == "DRIVER").to_numpy())
    status = _pick(
        rng,
        ["SCHEDULED", "ASSIGNED", "IN_PROGRESS", "COMPLETED", "MISSED", "CANCELLED"],
        n,
        [10, 5, 3, 70, 5, 7],
    ).astype(str)
    sched = _after(rng, born, 4 * MS_HOUR, 3 * MS_DAY)
    sched = sched - sched % (30 * 60_000)  # slots on the half hour
    done = status == "COMPLETED"
    collected = _after(rng, sched, 0, 3 * MS_HOUR)
    has_driver = ~np.isin(status, ["SCHEDULED", "CANCELLED"])
    updated = np.where(
        done | (status == "MISSED"), collected + 60_000, _after(rng, born, 0, 20 * 60_000)
    )
    weight = rng.gamma(2.0, 9.0, size=n) * 100
    subs = w.tables["subscriptions"]
    with_sub = (rng.random(n) < 0.35) & (subs.height > 0)
    sub_idx = w.pick(rng, "subscriptions", born) if subs.height else np.zeros(n, np.int64)
    sub_ids = subs["id"].gather(sub_idx) if subs.height else pl.Series([None] * n, dtype=pl.String)
    fee = np.where(with_sub, 0, 20000 + (weight * 15).astype(np.int64))
    return {
        BORN: born,
        "id": _uuid(rng, n),
        "customer_id": addresses["user_id"].gather(addr),
        "driver_id": _null_where(users["id"].gather(drivers), ~has_driver),
        "address_id": addresses["id"].gather(addr),
        "subscription_id": _null_where(sub_ids, ~with_sub),
        "category": pl.Series(
            _pick(
                rng,
                ["GENERAL", "RECYCLABLE", "ORGANIC", "HAZARDOUS", "ELECTRONIC", "BULKY"],
                n,
                [40, 25, 20, 3, 5, 7],
            ).astype(str)
        ),
        "status": pl.Series(status),
        "scheduled_for": _ts(sched),
        "collected_at": _null_where(_ts(collected), ~done),
        "weight_kg": _null_where(pl.Series(weight.astype(np.int64)), ~done),
        "fee": _null_where(pl.Series(fee), ~done),
        "notes": _null_where(
            pl.Series(
                _pick(
                    rng,
                    ["Gate code 1234", "Dog on premises", "Bins behind the house", "Ring twice"],
                    n,
                ).astype(str)
            ),
            rng.random(n) < 0.8,
        ),
        "created_at": _ts(born),
        "updated_at": _ts(updated),
    }


def _product_tags(w: World, rng) -> dict:
    products = w.tables["products"]
    ntags = w.tables["tags"].height
    per = rng.integers(0, 4, size=products.height)
    parent = np.repeat(np.arange(products.height), per)
    k = np.arange(len(parent)) - np.repeat(np.cumsum(per) - per, per)
    offset = rng.integers(0, ntags, size=products.height)[parent]
    tag = (offset + k * 5) % ntags  # distinct within a product
    return {
        BORN: w.born("products")[parent],
        "A": products["id"].gather(parent),
        "B": w.tables["tags"]["id"].gather(tag),
    }


# table -> (builder, the tables it needs first); money columns are produced in cents
BUILDERS: dict[str, tuple[Callable[[World, np.random.Generator], dict], tuple[str, ...]]] = {
    "users": (_users, ()),
    "addresses": (_addresses, ("users",)),
    "merchants": (_merchants, ("users",)),
    "tags": (_tags, ()),
    "subscription_plans": (_plans, ()),
    "products": (_products, ("merchants",)),
    "_ProductToTag": (_product_tags, ("products", "tags")),
    "orders": (_orders, ("users",)),
    "order_items": (_order_items, ("orders", "products")),
    "subscriptions": (_subscriptions, ("users", "subscription_plans")),
    "payments": (_payments, ("orders", "order_items", "subscriptions", "subscription_plans")),
    "waste_collections": (_collections, ("users", "addresses", "subscriptions")),
}
CENTS_COLUMNS = frozenset(
    {
        ("products", "price"),
        ("subscription_plans", "price"),
        ("order_items", "unit_price"),
        ("payments", "amount"),
        ("waste_collections", "weight_kg"),
        ("waste_collections", "fee"),
        ("orders", "total_amount"),
    }
)


# --------------------------------------------------------------------------- generic
def _generic_column(name: str, col: Column, n: int, rng, born: np.ndarray) -> pl.Series:
    """Data for a column WasteDump knowledge does not cover, from the contract alone."""
    t = col.type
    lo = col.min if col.min is not None else 0
    if t == "uuid":
        s = _uuid(rng, n)
    elif t == "enum":
        values = list(col.values or [])
        default = col.default if col.default in values else None
        s = (
            pl.Series(_pick(rng, values, n).astype(str))
            if default is None
            else pl.Series(
                np.where(rng.random(n) < 0.8, default, _pick(rng, values, n)).astype(str)
            )
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
        return _cents(cents, col).alias(name)
    elif t == "boolean":
        s = pl.Series(rng.random(n) < 0.8)
    elif t == "timestamp":
        s = _ts(born + rng.integers(0, MS_HOUR, size=n))
    elif t == "date":
        s = _ts(born).dt.date()
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
            else _pick(rng, [f"{name} {k}" for k in "ABCDEFGH"], n).astype(str)
        )
    if col.default is not None and not col.unique and t in ("string",) and not col.regex:
        s = pl.Series([str(col.default)] * n, dtype=pl.String)
    if col.nullable and not col.unique and t not in ("boolean",):
        s = _null_where(s, rng.random(n) < 0.1)
    return s.alias(name)


def _assemble(w: World, table: str, contract: Contract, built: dict, rng) -> pl.DataFrame:
    """The contract's columns (silver dtypes) from what a builder made plus generic data."""
    born = np.asarray(built[BORN], dtype=np.int64)
    n = len(born)
    series = {BORN: pl.Series(BORN, born)}
    fks = {fk.columns[0]: fk for fk in contract.references() if len(fk.columns) == 1}
    for name, col in contract.columns.items():
        dtype = polars_dtype(col)
        if name in built:
            value = built[name]
            s = value if isinstance(value, pl.Series) else pl.Series(value)
            if (table, name) in CENTS_COLUMNS and col.type == "decimal" and s.dtype.is_integer():
                s = _cents(s, col)
            s = s.alias(name).cast(dtype) if s.dtype != dtype else s.alias(name)
        elif name in fks and w.table_of(fks[name].references) in w.tables:
            parent = w.table_of(fks[name].references)
            ref_col = fks[name].ref_columns[0]
            s = w.tables[parent][ref_col].gather(w.pick(rng, parent, born)).alias(name)
            if col.nullable:
                s = _null_where(s, rng.random(n) < 0.2)
        else:
            s = _generic_column(name, col, n, rng, born)
            if s.dtype != dtype:
                s = s.cast(dtype)
        series[name] = s
    return pl.DataFrame(series)


def _generic_builder(w: World, rng) -> dict:
    born = _stream_born(rng, w.start, w.last_cutoff_ms, 5, w.rows)
    return {BORN: born}


# --------------------------------------------------------------------------- conform
def _violations(df: pl.DataFrame, contract: Contract) -> pl.Expr:
    """True for rows that break a row-level contract check (see checks/ for the gate)."""
    bad = pl.lit(False)
    for name, col in contract.columns.items():
        c = pl.col(name)
        if not col.nullable:
            bad = bad | c.is_null()
        if col.type == "enum" and col.values:
            bad = bad | (c.is_not_null() & ~c.is_in(col.values))
        if col.accepted_values:
            bad = bad | (c.is_not_null() & ~c.is_in(col.accepted_values))
        if col.min is not None and col.type in ("integer", "bigint", "float", "decimal"):
            bad = bad | (c.cast(pl.Float64) < col.min).fill_null(False)
        if col.max is not None and col.type in ("integer", "bigint", "float", "decimal"):
            bad = bad | (c.cast(pl.Float64) > col.max).fill_null(False)
        if col.regex and polars_dtype(col) == pl.String():
            bad = bad | (c.is_not_null() & ~c.str.contains(col.regex))
    for rule in contract.rules:
        bad = bad | ~X.sql_expr(rule.sql).fill_null(False)
    return bad


def _conform(df: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    df = df.filter(~_violations(df, contract))
    keys = [k for k in [contract.primary_key, *contract.unique_keys] if k]
    keys += [[n] for n, c in contract.columns.items() if c.unique]
    if not keys or df.height == 0:
        return df
    # one parallel pass to learn which keys repeat; only those pay for a dedup
    counts = df.select(
        (
            pl.struct(k).drop_nulls().n_unique()
            if len(k) > 1
            else pl.col(k[0]).drop_nulls().n_unique()
        ).alias(str(i))
        for i, k in enumerate(keys)
    ).row(0)
    nonnull = df.select(
        pl.all_horizontal(pl.col(c).is_not_null() for c in k).sum().alias(str(i))
        for i, k in enumerate(keys)
    ).row(0)
    for key, distinct, total in zip(keys, counts, nonnull, strict=True):
        if distinct == total:
            continue
        first = pl.int_range(pl.len()).over(key) == 0
        df = df.filter(first | pl.any_horizontal(pl.col(k).is_null() for k in key))
    return df


def _order_tables(w: World) -> list[str]:
    """Tables parents-first (builders' needs and contract references)."""
    deps: dict[str, set[str]] = {}
    for table, contract in w.contracts.items():
        need = set(BUILDERS.get(table, (None, ()))[1])
        for fk in contract.references():
            parent = w.table_of(fk.references)
            if parent and parent != table:
                need.add(parent)
        deps[table] = {d for d in need if d in w.contracts}
    out: list[str] = []
    seen: set[str] = set()

    def visit(t: str, stack: tuple[str, ...] = ()) -> None:
        if t in seen or t in stack:
            return
        for d in sorted(deps[t]):
            visit(d, (*stack, t))
        seen.add(t)
        out.append(t)

    for t in sorted(deps):
        visit(t)
    return out


def _is_touch(name: str, col: Column) -> bool:
    """updated_at-like: moves on every edit, so it is capped at the snapshot, not waited for."""
    return col.updated_at or name == "updated_at"


def _visibility(w: World, order: list[str]) -> None:
    """__visible: when a row can first appear in a snapshot (own events and parents)."""
    for table in order:
        df = w.tables[table].drop(VISIBLE, strict=False)
        contract = w.contracts[table]
        ts_cols = [
            n
            for n, c in contract.columns.items()
            if c.type == "timestamp" and n not in FUTURE_OK and not _is_touch(n, c)
        ]
        exprs = [pl.col(BORN)] + [pl.col(n).dt.epoch("ms") for n in ts_cols]
        df = df.with_columns(pl.max_horizontal(exprs).alias(VISIBLE))
        for fk in contract.references():
            parent = w.table_of(fk.references)
            if not parent or parent not in w.tables or len(fk.columns) != 1 or parent == table:
                continue
            ref = w.tables[parent].select(
                pl.col(fk.ref_columns[0]).alias(fk.columns[0]), pl.col(VISIBLE).alias("__pv")
            )
            df = df.join(ref, on=fk.columns[0], how="left", maintain_order="left")
            df = df.with_columns(pl.max_horizontal(VISIBLE, "__pv").alias(VISIBLE)).drop("__pv")
        w.tables[table] = df


def _snapshot(df: pl.DataFrame, contract: Contract, cutoff_ms: int) -> pl.DataFrame:
    """The rows visible at `cutoff_ms`; updated_at later than it is capped a little before
    it (the row was edited again after this extraction)."""
    snap = df.filter(pl.col(VISIBLE) <= cutoff_ms)
    jitter = (pl.col(BORN) % (6 * MS_HOUR)).cast(pl.Int64)
    for name, col in contract.columns.items():
        if col.type != "timestamp" or not _is_touch(name, col):
            continue
        capped = pl.max_horizontal(pl.col(VISIBLE), pl.lit(cutoff_ms) - jitter)
        snap = snap.with_columns(
            pl.when(pl.col(name).dt.epoch("ms") > cutoff_ms)
            .then(capped.cast(pl.Datetime("ms")).dt.replace_time_zone("UTC"))
            .otherwise(pl.col(name))
            .cast(snap.schema[name])
            .alias(name)
        )
    return snap.drop(BORN, VISIBLE)


def _drop_orphans(w: World, order: list[str], dropped: dict[str, int]) -> None:
    for table in order:
        df = w.tables[table]
        before = df.height
        for fk in w.contracts[table].references():
            parent = w.table_of(fk.references)
            if not parent or parent not in w.tables or len(fk.columns) != 1:
                continue
            keys = w.tables[parent][fk.ref_columns[0]]
            c = pl.col(fk.columns[0])
            df = df.filter(c.is_null() | c.is_in(keys.implode()))
        if df.height != before:
            dropped[table] = dropped.get(table, 0) + before - df.height
        w.tables[table] = df


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


def build_world(
    contracts: list[Contract],
    *,
    end: dt.date,
    days: int,
    rows: float,
    seed: int,
    objects: Iterable[str] | None = None,
) -> tuple[World, list[str], dict[str, int]]:
    if days < 1:
        raise InputError("--days must be at least 1", where="--days")
    if rows <= 0:
        raise InputError("--rows must be positive", where="--rows")
    first = end - dt.timedelta(days=days - 1)
    start = first - dt.timedelta(days=HISTORY_DAYS)
    last_cutoff_ms = int(_cutoff(end).timestamp() * 1000)
    w = World(contracts, seed, rows, start, last_cutoff_ms)
    if not w.contracts:
        raise InputError("no Postgres contracts to generate data for", where="--contracts")
    order = _order_tables(w)
    if objects is not None:
        wanted = set(objects)
        unknown = (
            wanted
            - set(w.contracts)
            - {c.object_name for c in contracts if c.source.kind == "mongodb"}
        )
        if unknown:
            raise InputError(f"no contract for {sorted(unknown)}", where="--object")
        keep: set[str] = set()
        deps = {
            t: set(BUILDERS.get(t, (None, ()))[1])
            | {w.table_of(fk.references) for fk in w.contracts[t].references()}
            for t in order
        }

        def need(t: str) -> None:
            if t in keep or t not in w.contracts:
                return
            keep.add(t)
            for d in deps[t]:
                if d:
                    need(d)

        for t in wanted:
            need(t)
        if wanted - set(w.contracts):  # Mongo documents point at these tables
            for t in ("users", "waste_collections", "merchants", "orders", "products"):
                need(t)
        order = [t for t in order if t in keep]
    dropped: dict[str, int] = {}
    for table in order:
        contract = w.contracts[table]
        rng = _rng(seed, table)
        builder = BUILDERS.get(table, (_generic_builder, ()))[0]
        needs = BUILDERS.get(table, (None, ()))[1]
        if any(d not in w.tables for d in needs):
            builder = _generic_builder
        built = builder(w, rng)
        df = _assemble(w, table, contract, built, rng)
        kept = _conform(df, contract)
        if kept.height != df.height:
            dropped[table] = df.height - kept.height
        w.tables[table] = kept
        _visibility(w, [table])
    for table in order:  # builders may have completed a parent (order totals): re-check
        kept = _conform(w.tables[table], w.contracts[table])
        if kept.height != w.tables[table].height:
            dropped[table] = dropped.get(table, 0) + w.tables[table].height - kept.height
        w.tables[table] = kept
    _drop_orphans(w, order, dropped)
    _visibility(w, order)
    return w, order, dropped


def generate_lake(
    store: Store,
    contracts: list[Contract],
    *,
    end: dt.date = DEFAULT_END,
    days: int = DEFAULT_DAYS,
    rows: float = 1.0,
    seed: int = DEFAULT_SEED,
    layers: Iterable[str] = ("bronze", "silver"),
    objects: Iterable[str] | None = None,
    migration_head: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> GenerateResult:
    """Write `days` daily snapshots ending on `end` for every Postgres contract."""
    layers = tuple(layers)
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
        cutoff = _cutoff(d)
        cutoff_ms = int(cutoff.timestamp() * 1000)
        for table in order:
            if table not in wanted:
                continue
            contract = w.contracts[table]
            snap = _snapshot(w.tables[table], contract, cutoff_ms)
            watermark = _watermark(snap, contract)
            for layer in layers:
                frame = snap if layer == "silver" else to_bronze(snap, contract)
                partition = _write_snapshot(
                    store, result, layer, d, cutoff, contract, frame, watermark, migration_head
                )
                if progress:
                    progress(f"{partition}: {frame.height} rows")
        for contract in mongo:
            _write_mongo(store, w, contract, d, cutoff, layers, seed, rows, result)
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
) -> str:
    """One object's partition of a day in one layer, with its `_source.json`; recorded."""
    source = contract.source.kind
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
) -> None:
    from wdguard.lake.generator_mongo import generate_collection

    cutoff_ms = int(cutoff.timestamp() * 1000)
    ids: dict = {"_event_time": EVENT_TIME_FIELDS}
    for field_name, (table, column, filt) in _ID_POOLS.items():
        if table in w.tables:
            df = w.tables[table].filter(pl.col(VISIBLE) <= cutoff_ms)
            if filt and filt[0] in df.columns:
                df = df.filter(pl.col(filt[0]) == filt[1])
            ids[field_name] = df[column]
    name = contract.object_name
    rng = _rng(seed, f"{name}/{d.isoformat()}")
    bronze, silver = generate_collection(contract, d, cutoff_ms, rows, rng, ids)
    ts = [
        n
        for n, c in contract.columns.items()
        if c.type == "timestamp" and "." not in n and "[]" not in n
    ]
    fresh = contract.freshness.column if contract.freshness else (ts[0] if ts else None)
    watermark = silver[fresh].max() if fresh and silver.height else None
    for layer in layers:
        frame = silver if layer == "silver" else bronze
        _write_snapshot(store, result, layer, d, cutoff, contract, frame, watermark)
