"""The Postgres tables of the sample lake: the whole history of every table, built
parents first from the contracts plus WasteDump knowledge.

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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import numpy as np
import polars as pl

from wdguard.checks.engines.polars import expressions as X
from wdguard.contracts.model import Column, Contract
from wdguard.contracts.types import polars_dtype
from wdguard.errors import InputError
from wdguard.sample.common import (
    BORN,
    FUTURE_OK,
    HISTORY_DAYS,
    MS_DAY,
    MS_HOUR,
    VISIBLE,
    after,
    cutoff_of,
    decimal_from_cents,
    digits,
    epoch_ms,
    generic_column,
    midnight_ms,
    null_where,
    pick,
    seeded_rng,
    stream_born,
    ts_series,
    uuid4s,
)


class World:
    """Every table's full history, built parents first."""

    def __init__(
        self, contracts: list[Contract], seed: int, rows: float, start: dt.date, last_cutoff_ms: int
    ):
        self.contracts = {c.object_name: c for c in contracts if c.source.kind == "postgres"}
        self.by_name = {c.contract: c for c in contracts}
        self.seed, self.rows, self.start, self.last_cutoff_ms = seed, rows, start, last_cutoff_ms
        self.start_ms = midnight_ms(start)
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
    born = stream_born(rng, w.start, w.last_cutoff_ms, 30, w.rows)
    born[: min(len(born), max(5, int(40 * w.rows)))] = w.start_ms  # founding accounts
    born.sort()
    n = len(born)
    first, last = pick(rng, FIRST, n), pick(rng, LAST, n)
    idx = np.arange(n).astype(str)
    email = np.char.lower(
        np.char.add(
            np.char.add(np.char.add(first.astype(str), "."), np.char.add(last.astype(str), idx)),
            "@example.com",
        )
    )
    phone = pl.Series(rng.integers(10_000_000, 99_999_999, size=n)).cast(pl.String)
    phone = null_where(("+2547" + phone).alias("phone"), rng.random(n) < 0.15)
    role = pick(rng, ["CUSTOMER", "MERCHANT", "DRIVER", "ADMIN"], n, [90, 4, 5, 1])
    role[: min(n, 4)] = ["ADMIN", "MERCHANT", "DRIVER", "CUSTOMER"][: min(n, 4)]
    return {
        BORN: born,
        "id": uuid4s(rng, n),
        "email": pl.Series(email),
        "phone": phone,
        "full_name": pl.Series(np.char.add(np.char.add(first.astype(str), " "), last.astype(str))),
        "role": pl.Series(role.astype(str)),
        "is_active": rng.random(n) < 0.96,
        "created_at": ts_series(born),
        "updated_at": ts_series(
            np.where(rng.random(n) < 0.6, after(rng, born, 0, 3 * MS_DAY), born)
        ),
    }


def _fix_updated(cols: dict, *others: str) -> None:
    """updated_at >= created_at and every other event timestamp of the row."""
    up = np.maximum(epoch_ms(cols["updated_at"]), cols[BORN])
    for name in others:
        ev = epoch_ms(cols[name])
        valid = ~cols[name].is_null().to_numpy()
        up = np.where(valid, np.maximum(up, np.nan_to_num(ev, nan=0).astype(np.int64)), up)
    cols["updated_at"] = ts_series(up)


def _addresses(w: World, rng) -> dict:
    users = w.tables["users"]
    per = 1 + (rng.random(users.height) < 0.3)
    parent = np.repeat(np.arange(users.height), per)
    first_of_user = np.arange(len(parent)) == np.repeat(np.cumsum(per) - per, per)
    raw = after(rng, w.born("users")[parent], 0, 2 * MS_HOUR)
    order = np.argsort(raw, kind="stable")
    parent, born, first_of_user = parent[order], raw[order], first_of_user[order]
    n = len(parent)
    city = rng.integers(0, len(CITIES), size=n)
    cdata = list(zip(*CITIES, strict=True))
    return {
        BORN: born,
        "id": uuid4s(rng, n),
        "user_id": users["id"].gather(parent),
        "label": null_where(
            pl.Series(pick(rng, ["Home", "Work", "Shop", "Other"], n).astype(str)),
            rng.random(n) < 0.2,
        ),
        "line1": pl.Series(
            np.char.add(
                np.char.add(rng.integers(1, 400, size=n).astype(str), " "),
                pick(rng, STREETS, n).astype(str),
            )
        ),
        "city": pl.Series(np.asarray(cdata[0])[city]),
        "region": pl.Series(np.asarray(cdata[1])[city]),
        "postal_code": null_where(pl.Series(np.asarray(cdata[2])[city]), rng.random(n) < 0.1),
        "country": pl.Series(["KE"] * n, dtype=pl.String),
        "latitude": np.round(np.asarray(cdata[3], float)[city] + rng.normal(0, 0.03, n), 6),
        "longitude": np.round(np.asarray(cdata[4], float)[city] + rng.normal(0, 0.03, n), 6),
        "is_default": first_of_user,
        "created_at": ts_series(born),
    }


def _merchants(w: World, rng) -> dict:
    users = w.tables["users"]
    owners = np.flatnonzero((users["role"] == "MERCHANT").to_numpy())
    owners = owners[rng.random(len(owners)) < 0.9]
    born = after(rng, w.born("users")[owners], MS_HOUR, 2 * MS_DAY)
    order = np.argsort(born, kind="stable")
    owners, born = owners[order], born[order]
    n = len(owners)
    kinds = pick(rng, ["Waste Co", "Bins & Bags", "Recyclers", "EcoSupply", "Clean City"], n)
    names = np.char.add(np.char.add(pick(rng, LAST, n).astype(str), " "), kinds.astype(str))
    slug = pl.Series(names).str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "-")
    slug = slug + "-" + pl.Series(np.arange(n)).cast(pl.String)
    verified = after(rng, born, MS_HOUR, 5 * MS_DAY)
    cols = {
        BORN: born,
        "id": uuid4s(rng, n),
        "owner_id": users["id"].gather(owners),
        "name": pl.Series(names),
        "slug": slug,
        "rating": null_where(
            decimal_from_cents(
                rng.integers(300, 501, size=n), Column(type="decimal", precision=3, scale=2)
            ),
            rng.random(n) < 0.2,
        ),
        "verified_at": null_where(ts_series(verified), rng.random(n) < 0.2),
        "created_at": ts_series(born),
        "updated_at": ts_series(after(rng, born, 0, 10 * MS_DAY)),
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
        "id": uuid4s(rng, n),
        "code": pl.Series(code),
        "name": pl.Series(name),
        "interval": pl.Series(interval),
        "pickups_per_cycle": np.asarray(pickups),
        "price": np.asarray(price),  # cents
        "currency": pl.Series(["KES"] * n, dtype=pl.String),
        "is_active": np.array([True] * (n - 1) + [False]),
        "created_at": ts_series(np.full(n, w.start_ms)),
    }


def _products(w: World, rng) -> dict:
    merchants = w.tables["merchants"]
    per = rng.integers(3, 9, size=merchants.height)
    parent = np.repeat(np.arange(merchants.height), per)
    k = np.arange(len(parent)) - np.repeat(np.cumsum(per) - per, per)
    born = after(rng, w.born("merchants")[parent], 0, 3 * MS_DAY)
    order = np.argsort(born, kind="stable")
    parent, k, born = parent[order], k[order], born[order]
    n = len(parent)
    item = rng.integers(0, len(CATALOGUE), size=n)
    cname, cap, price = (np.asarray(x) for x in zip(*CATALOGUE, strict=True))
    price_cents = (price[item] * rng.uniform(0.8, 1.25, size=n)).astype(np.int64) // 100 * 100
    attrs = pl.Series(
        np.char.add(
            np.char.add(
                '{"colour": "', pick(rng, ["green", "black", "blue", "grey"], n).astype(str)
            ),
            '"}',
        )
    )
    cols = {
        BORN: born,
        "id": uuid4s(rng, n),
        "merchant_id": merchants["id"].gather(parent),
        "sku": pl.Series(
            np.char.add(np.char.add("SKU-", parent.astype(str)), np.char.add("-", k.astype(str)))
        ),
        "name": pl.Series(cname[item].astype(str)),
        "price": price_cents,
        "currency": pl.Series(["KES"] * n, dtype=pl.String),
        "capacity_l": null_where(pl.Series(cap[item].astype(np.int64)), rng.random(n) < 0.1),
        "stock": rng.integers(0, 500, size=n),
        "is_active": rng.random(n) < 0.92,
        "attributes": null_where(attrs, rng.random(n) < 0.3),
        "created_at": ts_series(born),
        "updated_at": ts_series(after(rng, born, 0, 20 * MS_DAY)),
    }
    return cols


def _orders(w: World, rng) -> dict:
    born = stream_born(rng, w.start + dt.timedelta(days=1), w.last_cutoff_ms, 70, w.rows)
    n = len(born)
    users = w.pick(rng, "users", born)
    status = pick(
        rng,
        ["PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED"],
        n,
        [10, 12, 10, 55, 9, 4],
    ).astype(str)
    paid = np.isin(status, ["PAID", "SHIPPED", "DELIVERED", "REFUNDED"])
    paid_at = after(rng, born, 60_000, 2 * MS_HOUR)
    later = np.isin(status, ["SHIPPED", "DELIVERED", "REFUNDED"])
    updated = np.where(
        later,
        after(rng, paid_at, MS_HOUR, 3 * MS_DAY),
        np.where(paid, paid_at + 1000, after(rng, born, 0, MS_HOUR)),
    )
    return {
        BORN: born,
        "id": uuid4s(rng, n),
        "number": np.arange(100_001, 100_001 + n, dtype=np.int64),
        "user_id": w.tables["users"]["id"].gather(users),
        "status": pl.Series(status),
        "total_amount": np.zeros(n, dtype=np.int64),  # summed from the items below
        "currency": pl.Series(["KES"] * n, dtype=pl.String),
        "notes": null_where(
            pl.Series(
                pick(
                    rng, ["Leave at the gate", "Call on arrival", "Fragile", "Deliver after 5pm"], n
                ).astype(str)
            ),
            rng.random(n) < 0.85,
        ),
        "paid_at": null_where(ts_series(paid_at), ~paid),
        "created_at": ts_series(born),
        "updated_at": ts_series(updated),
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
        decimal_from_cents(
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
        "id": uuid4s(rng, n),
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
    born = after(rng, w.born("users")[owners], MS_HOUR, 10 * MS_DAY)
    order = np.argsort(born, kind="stable")
    owners, born = owners[order], born[order]
    n = len(owners)
    plans = w.pick(
        rng, "subscription_plans", born, mask=w.column("subscription_plans", "is_active")
    )
    status = pick(rng, ["ACTIVE", "PAUSED", "CANCELLED", "EXPIRED"], n, [70, 8, 15, 7]).astype(str)
    started = after(rng, born, 0, MS_DAY)
    ends = np.where(
        status == "EXPIRED", after(rng, started, 7 * MS_DAY, 30 * MS_DAY), started + 365 * MS_DAY
    )
    cancelled = after(rng, started, MS_DAY, 30 * MS_DAY)
    updated = np.where(
        status == "EXPIRED",
        ends + 1000,
        np.where(
            status == "CANCELLED",
            cancelled + 1000,
            # active/paused plans are touched by every billing run: always recently updated
            np.where(status == "ACTIVE", started + 400 * MS_DAY, after(rng, started, 0, MS_HOUR)),
        ),
    )
    return {
        BORN: born,
        "id": uuid4s(rng, n),
        "user_id": users["id"].gather(owners),
        "plan_id": w.tables["subscription_plans"]["id"].gather(plans),
        "status": pl.Series(status),
        "started_at": ts_series(started),
        "ends_at": null_where(ts_series(ends), rng.random(n) < 0.3),
        "cancelled_at": null_where(ts_series(cancelled), status != "CANCELLED"),
        "created_at": ts_series(born),
        "updated_at": ts_series(updated),
    }


def _payments(w: World, rng) -> dict:
    orders = w.tables["orders"]
    paid = ~orders["paid_at"].is_null().to_numpy()
    oidx = np.flatnonzero(paid)
    paid_ms = epoch_ms(orders["paid_at"])[oidx].astype(np.int64)
    refunded = (orders["status"] == "REFUNDED").to_numpy()[oidx]
    amount_o = orders["total_amount"].cast(pl.Float64).to_numpy()[oidx]
    # a few paid orders had a failed attempt first
    failed = oidx[rng.random(len(oidx)) < 0.05]
    f_ms = epoch_ms(orders["created_at"])[failed].astype(np.int64) + 1000
    subs = w.tables["subscriptions"]
    plan_price = subs.join(
        w.tables["subscription_plans"].select(
            pl.col("id").alias("plan_id"), pl.col("price").cast(pl.Float64).alias("pp")
        ),
        on="plan_id",
        how="left",
    )["pp"].to_numpy()
    s_ms = epoch_ms(subs["started_at"]).astype(np.int64)
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
    method = pick(rng, ["CARD", "MOBILE_MONEY", "BANK_TRANSFER", "CASH"], n, [30, 60, 5, 5])
    ref = pl.select(
        pl.concat_str(
            pl.lit("pi_"),
            pl.lit(digits(rng, n)),
            pl.lit("_"),
            pl.lit(pl.Series(np.arange(n)).cast(pl.String)),
        )
    ).to_series()
    cols = {
        BORN: created[order],
        "id": uuid4s(rng, n),
        "order_id": order_ids.gather(order),
        "subscription_id": sub_ids.gather(order),
        "amount": np.round(amount[order] * 100).astype(np.int64),
        "currency": pl.Series(["KES"] * n, dtype=pl.String),
        "method": pl.Series(method.astype(str)),
        "status": pl.Series(status[order]),
        "provider_ref": null_where(ref, (method == "CASH")),
        "created_at": ts_series(created[order]),
    }
    return cols


def _collections(w: World, rng) -> dict:
    born = stream_born(rng, w.start + dt.timedelta(days=1), w.last_cutoff_ms, 110, w.rows)
    n = len(born)
    addr = w.pick(rng, "addresses", born)
    addresses = w.tables["addresses"]
    users = w.tables["users"]
    drivers = w.pick(rng, "users", born, mask=(users["role"] == "DRIVER").to_numpy())
    status = pick(
        rng,
        ["SCHEDULED", "ASSIGNED", "IN_PROGRESS", "COMPLETED", "MISSED", "CANCELLED"],
        n,
        [10, 5, 3, 70, 5, 7],
    ).astype(str)
    sched = after(rng, born, 4 * MS_HOUR, 3 * MS_DAY)
    sched = sched - sched % (30 * 60_000)  # slots on the half hour
    done = status == "COMPLETED"
    collected = after(rng, sched, 0, 3 * MS_HOUR)
    has_driver = ~np.isin(status, ["SCHEDULED", "CANCELLED"])
    updated = np.where(
        done | (status == "MISSED"), collected + 60_000, after(rng, born, 0, 20 * 60_000)
    )
    weight = rng.gamma(2.0, 9.0, size=n) * 100
    subs = w.tables["subscriptions"]
    with_sub = (rng.random(n) < 0.35) & (subs.height > 0)
    sub_idx = w.pick(rng, "subscriptions", born) if subs.height else np.zeros(n, np.int64)
    sub_ids = subs["id"].gather(sub_idx) if subs.height else pl.Series([None] * n, dtype=pl.String)
    fee = np.where(with_sub, 0, 20000 + (weight * 15).astype(np.int64))
    return {
        BORN: born,
        "id": uuid4s(rng, n),
        "customer_id": addresses["user_id"].gather(addr),
        "driver_id": null_where(users["id"].gather(drivers), ~has_driver),
        "address_id": addresses["id"].gather(addr),
        "subscription_id": null_where(sub_ids, ~with_sub),
        "category": pl.Series(
            pick(
                rng,
                ["GENERAL", "RECYCLABLE", "ORGANIC", "HAZARDOUS", "ELECTRONIC", "BULKY"],
                n,
                [40, 25, 20, 3, 5, 7],
            ).astype(str)
        ),
        "status": pl.Series(status),
        "scheduled_for": ts_series(sched),
        "collected_at": null_where(ts_series(collected), ~done),
        "weight_kg": null_where(pl.Series(weight.astype(np.int64)), ~done),
        "fee": null_where(pl.Series(fee), ~done),
        "notes": null_where(
            pl.Series(
                pick(
                    rng,
                    ["Gate code 1234", "Dog on premises", "Bins behind the house", "Ring twice"],
                    n,
                ).astype(str)
            ),
            rng.random(n) < 0.8,
        ),
        "created_at": ts_series(born),
        "updated_at": ts_series(updated),
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
                s = decimal_from_cents(s, col)
            s = s.alias(name).cast(dtype) if s.dtype != dtype else s.alias(name)
        elif name in fks and w.table_of(fks[name].references) in w.tables:
            parent = w.table_of(fks[name].references)
            ref_col = fks[name].ref_columns[0]
            s = w.tables[parent][ref_col].gather(w.pick(rng, parent, born)).alias(name)
            if col.nullable:
                s = null_where(s, rng.random(n) < 0.2)
        else:
            s = generic_column(name, col, n, rng, born)
            if s.dtype != dtype:
                s = s.cast(dtype)
        series[name] = s
    return pl.DataFrame(series)


def _generic_builder(w: World, rng) -> dict:
    born = stream_born(rng, w.start, w.last_cutoff_ms, 5, w.rows)
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


def snapshot(df: pl.DataFrame, contract: Contract, cutoff_ms: int) -> pl.DataFrame:
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
    last_cutoff_ms = int(cutoff_of(end).timestamp() * 1000)
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
        rng = seeded_rng(seed, table)
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
