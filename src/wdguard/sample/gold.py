"""The gold layer of the sample lake: a small reference build of the star schema from one
day's silver frames. Sample data for the demo and the tests, not a product feature.

* Dimensions are current snapshots at `gold/{Dim}/{date}/`; DimUsers and DimMerchants
  are SCD type 2 (a user's first version is an active CUSTOMER until the row was last
  edited; a merchant is unverified until `verified_at`), DimProducts and DimLocation
  type 1, DimTime a calendar. Every dimension but DimTime holds an unknown member (-1).
* Surrogate keys are stable: 52 bits of the natural UUID * 16 + the version number.
* Facts at `gold/{Fact}/{date}/` hold the silver rows whose `reconcile.date_column` falls
  on the date (and pass the contract's filter); a fact row points at the dimension
  version valid at the fact's event time (the first version if the event came first).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from wdguard.checks.engines.polars.expressions import sql_expr
from wdguard.contracts.gold import GoldColumn, GoldContract
from wdguard.contracts.model import Column
from wdguard.contracts.types import polars_dtype
from wdguard.lake import layout
from wdguard.lake.storage import Store
from wdguard.sample.common import file_count, parquet_bytes

UNKNOWN = -1
TS = pl.Datetime("ms", "UTC")


def gold_dtype(col: GoldColumn) -> pl.DataType:
    return polars_dtype(Column(type=col.type, precision=col.precision, scale=col.scale))


def surrogate(natural: pl.Expr, version: pl.Expr | int = 0) -> pl.Expr:
    """Stable surrogate key of a UUID natural key and a version (0..15)."""
    head = natural.str.replace_all("-", "").str.slice(0, 13).str.to_integer(base=16)
    return (head * 16 + version).cast(pl.Int64)


def date_key(ts: pl.Expr) -> pl.Expr:
    """YYYYMMDD of a date or (UTC) timestamp."""
    i32 = pl.Int32
    return ts.dt.year().cast(i32) * 10000 + ts.dt.month().cast(i32) * 100 + ts.dt.day().cast(i32)


def _finish(df: pl.DataFrame, g: GoldContract, unknown: dict[str, object] | None) -> pl.DataFrame:
    schema = {n: gold_dtype(c) for n, c in g.columns.items()}
    df = df.select(pl.col(n).cast(t) for n, t in schema.items())
    if unknown is not None and g.unknown_member is not None:
        row = {n: None for n in schema}
        row.update(unknown)
        row[g.surrogate_key] = g.unknown_member
        df = pl.concat([pl.DataFrame([row], schema=schema, orient="row"), df])
    return df


# --------------------------------------------------------------------------- dimensions
def dim_users(users: pl.DataFrame, g: GoldContract) -> pl.DataFrame:
    edited = pl.col("updated_at") > pl.col("created_at")
    first = users.filter(edited).select(
        surrogate(pl.col("id"), 0).alias("user_key"),
        pl.col("id").alias("user_id"),
        "email",
        "full_name",
        pl.lit("CUSTOMER").alias("role"),
        pl.lit(True).alias("is_active"),
        pl.col("created_at").alias("valid_from"),
        pl.col("updated_at").alias("valid_to"),
        pl.lit(False).alias("is_current"),
    )
    current = users.select(
        surrogate(pl.col("id"), pl.when(edited).then(1).otherwise(0)).alias("user_key"),
        pl.col("id").alias("user_id"),
        "email",
        "full_name",
        pl.col("role").cast(pl.String),
        "is_active",
        pl.when(edited)
        .then(pl.col("updated_at"))
        .otherwise(pl.col("created_at"))
        .alias("valid_from"),
        pl.lit(None, dtype=TS).alias("valid_to"),
        pl.lit(True).alias("is_current"),
    )
    df = pl.concat([first, current]).sort("user_id", "valid_from")
    return _finish(
        df,
        g,
        {
            "email": "unknown",
            "full_name": "Unknown",
            "role": "UNKNOWN",
            "is_active": False,
            "valid_from": dt.datetime(1900, 1, 1, tzinfo=dt.UTC),
            "is_current": True,
        },
    )


def dim_merchants(merchants: pl.DataFrame, g: GoldContract) -> pl.DataFrame:
    verified = pl.col("verified_at").is_not_null() & (pl.col("verified_at") > pl.col("created_at"))
    first = merchants.select(
        surrogate(pl.col("id"), 0).alias("merchant_key"),
        pl.col("id").alias("merchant_id"),
        "slug",
        "rating",
        (pl.col("verified_at").is_not_null() & ~verified).alias("is_verified"),
        pl.col("created_at").alias("valid_from"),
        pl.when(verified).then(pl.col("verified_at")).otherwise(None).alias("valid_to"),
        (~verified).alias("is_current"),
    )
    second = merchants.filter(verified).select(
        surrogate(pl.col("id"), 1).alias("merchant_key"),
        pl.col("id").alias("merchant_id"),
        "slug",
        "rating",
        pl.lit(True).alias("is_verified"),
        pl.col("verified_at").alias("valid_from"),
        pl.lit(None, dtype=TS).alias("valid_to"),
        pl.lit(True).alias("is_current"),
    )
    df = pl.concat([first, second]).sort("merchant_id", "valid_from")
    return _finish(
        df,
        g,
        {
            "slug": "unknown",
            "is_verified": False,
            "valid_from": dt.datetime(1900, 1, 1, tzinfo=dt.UTC),
            "is_current": True,
        },
    )


def dim_products(products: pl.DataFrame, merchants: pl.DataFrame, g: GoldContract):
    current = merchants.filter(pl.col("is_current") & pl.col("merchant_id").is_not_null())
    df = products.join(
        current.select("merchant_id", "merchant_key"),
        left_on="merchant_id",
        right_on="merchant_id",
        how="left",
        maintain_order="left",
    ).select(
        surrogate(pl.col("id")).alias("product_key"),
        pl.col("id").alias("product_id"),
        "sku",
        "name",
        "price",
        pl.col("merchant_key").fill_null(UNKNOWN),
    )
    return _finish(
        df.sort("product_id"), g, {"sku": "unknown", "name": "Unknown", "merchant_key": UNKNOWN}
    )


def dim_location(addresses: pl.DataFrame, g: GoldContract) -> pl.DataFrame:
    df = addresses.select(
        surrogate(pl.col("id")).alias("location_key"),
        pl.col("id").alias("address_id"),
        "city",
        "region",
        "postal_code",
        "country",
        "latitude",
        "longitude",
    )
    return _finish(
        df.sort("address_id"), g, {"city": "Unknown", "region": "Unknown", "country": "--"}
    )


def dim_time(day: dt.date, g: GoldContract) -> pl.DataFrame:
    start, end = dt.date(day.year - 2, 1, 1), dt.date(day.year + 1, 12, 31)
    d = pl.date_range(start, end, "1d", eager=True).alias("date")
    df = pl.DataFrame(d).select(
        date_key(pl.col("date")).alias("date_key"),
        "date",
        pl.col("date").dt.year().alias("year"),
        pl.col("date").dt.quarter().alias("quarter"),
        pl.col("date").dt.month().alias("month"),
        pl.col("date").dt.day().alias("day"),
        pl.col("date").dt.week().alias("iso_week"),
        pl.col("date").dt.weekday().alias("weekday"),
        (pl.col("date").dt.weekday() >= 6).alias("is_weekend"),
    )
    return _finish(df, g, None)


# --------------------------------------------------------------------------- facts
def _kept(silver: pl.DataFrame, g: GoldContract, day: dt.date) -> pl.DataFrame:
    rc = g.reconcile
    assert rc is not None
    keep = pl.col(rc.date_column).dt.date() == day
    if rc.filter:
        keep = keep & sql_expr(rc.filter).fill_null(False)
    return silver.filter(keep)


def lookup(
    facts: pl.DataFrame, nk: str, at: str, dim: pl.DataFrame, dim_nk: str, key: str, out: str
) -> pl.DataFrame:
    """`out` = the surrogate key of the dimension version valid at `at` (SCD2 lookup; the
    first version when the event came before it), the unknown member when none."""
    versions = dim.filter(pl.col(dim_nk).is_not_null())
    has_from = "valid_from" in versions.columns
    if not has_from:
        return facts.join(
            versions.select(pl.col(dim_nk).alias(nk), pl.col(key).alias(out)),
            on=nk,
            how="left",
            maintain_order="left",
        ).with_columns(pl.col(out).fill_null(UNKNOWN))
    v = versions.select(
        pl.col(dim_nk).alias(nk), pl.col("valid_from").alias("__from"), pl.col(key).alias(out)
    ).sort("__from")
    f = facts.with_row_index("__i").sort(at)
    hit = f.join_asof(
        v, left_on=at, right_on="__from", by=nk, strategy="backward", check_sortedness=False
    )
    first = v.sort(nk, "__from").group_by(nk, maintain_order=True).first()
    hit = hit.join(first.select(nk, pl.col(out).alias("__first")), on=nk, how="left")
    hit = hit.with_columns(pl.coalesce(out, "__first", pl.lit(UNKNOWN)).alias(out))
    return hit.sort("__i").drop("__i", "__from", "__first")


def fact_orders(orders, dims, g, day) -> pl.DataFrame:
    df = lookup(
        _kept(orders, g, day),
        "user_id",
        "created_at",
        dims["DimUsers"],
        "user_id",
        "user_key",
        "user_key",
    )
    return _finish(
        df.select(
            pl.col("id").alias("order_id"),
            pl.col("number").alias("order_number"),
            date_key(pl.col("created_at")).alias("date_key"),
            "user_key",
            pl.col("status").cast(pl.String),
            "currency",
            pl.col("total_amount").alias("amount"),
        ),
        g,
        None,
    )


def fact_waste_collection(pickups, dims, g, day) -> pl.DataFrame:
    df = lookup(
        _kept(pickups, g, day),
        "customer_id",
        "created_at",
        dims["DimUsers"],
        "user_id",
        "user_key",
        "customer_key",
    )
    df = lookup(
        df,
        "address_id",
        "created_at",
        dims["DimLocation"],
        "address_id",
        "location_key",
        "location_key",
    )
    return _finish(
        df.select(
            pl.col("id").alias("collection_id"),
            date_key(pl.col("created_at")).alias("date_key"),
            "customer_key",
            "location_key",
            pl.col("category").cast(pl.String),
            pl.col("status").cast(pl.String),
            "weight_kg",
            "fee",
        ),
        g,
        None,
    )


def fact_subscriptions(subs, dims, g, day) -> pl.DataFrame:
    df = lookup(
        _kept(subs, g, day),
        "user_id",
        "created_at",
        dims["DimUsers"],
        "user_id",
        "user_key",
        "user_key",
    )
    return _finish(
        df.select(
            pl.col("id").alias("subscription_id"),
            date_key(pl.col("created_at")).alias("date_key"),
            "user_key",
            "plan_id",
            pl.col("status").cast(pl.String),
        ),
        g,
        None,
    )


def fact_user_activity(docs, dims, g, day) -> pl.DataFrame:
    df = lookup(
        _kept(docs, g, day), "userId", "ts", dims["DimUsers"], "user_id", "user_key", "user_key"
    )
    return _finish(
        df.select(
            pl.col("_id").alias("activity_id"),
            date_key(pl.col("ts")).alias("date_key"),
            "user_key",
            pl.coalesce(pl.col("type").cast(pl.String), pl.col("event").cast(pl.String)).alias(
                "event_type"
            ),
            pl.col("device.platform").cast(pl.String).alias("platform"),
            pl.col("durationMs").alias("duration_ms"),
        ),
        g,
        None,
    )


# table -> (builder, silver contracts it needs)
FACTS = {
    "FactOrders": (fact_orders, "Order"),
    "FactWasteCollection": (fact_waste_collection, "WasteCollection"),
    "FactSubscriptions": (fact_subscriptions, "Subscription"),
    "FactUserActivity": (fact_user_activity, "UserActivity"),
}


def build_gold(
    silver: dict[str, pl.DataFrame], gold: list[GoldContract], day: dt.date
) -> dict[str, pl.DataFrame]:
    """Every gold table of `gold` whose silver inputs are in `silver` (by contract name)."""
    by = {g.gold: g for g in gold}
    out: dict[str, pl.DataFrame] = {}
    if "DimTime" in by:
        out["DimTime"] = dim_time(day, by["DimTime"])
    if "DimUsers" in by and "User" in silver:
        out["DimUsers"] = dim_users(silver["User"], by["DimUsers"])
    if "DimMerchants" in by and "Merchant" in silver:
        out["DimMerchants"] = dim_merchants(silver["Merchant"], by["DimMerchants"])
    if "DimProducts" in by and "Product" in silver and "DimMerchants" in out:
        out["DimProducts"] = dim_products(silver["Product"], out["DimMerchants"], by["DimProducts"])
    if "DimLocation" in by and "Address" in silver:
        out["DimLocation"] = dim_location(silver["Address"], by["DimLocation"])
    for name, (build, source) in FACTS.items():
        g = by.get(name)
        if g is None or source not in silver:
            continue
        needs = {r.dimension for r in g.references} - {"DimTime"}
        if needs <= set(out):
            out[name] = build(silver[source], out, g, day)
    return out


def write_gold(store: Store, table: str, day: dt.date | str, df: pl.DataFrame) -> tuple[str, int]:
    """Parquet files of one gold partition (no `_source.json`: gold is not an ingestion)."""
    path = layout.gold_dir(table, day)
    n = file_count(df.height)
    per = -(-df.height // n) if df.height else 0
    size = 0
    for i in range(n):
        data = parquet_bytes(df.slice(i * per, per) if per else df)
        store.write_bytes(f"{path}/{layout.part_name(i)}", data)
        size += len(data)
    return path, size
