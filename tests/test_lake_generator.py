"""The sample lake: deterministic, realistic, and clean days pass every contract check."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tests.lake_checks import problems, read
from wdguard.cli import app
from wdguard.contracts.io import load_contracts
from wdguard.errors import InputError
from wdguard.lake import layout
from wdguard.lake.dates import list_dates
from wdguard.lake.manifest import load_manifest
from wdguard.lake.storage import LocalStore
from wdguard.sample.cast import to_silver
from wdguard.sample.generate import generate_lake

ROOT = Path(__file__).resolve().parents[1]
END = dt.date(2026, 11, 26)
DATES = ["2026-11-24", "2026-11-25", "2026-11-26"]


@pytest.fixture(scope="module")
def contracts():
    return load_contracts(ROOT / "contracts")


@pytest.fixture(scope="module")
def lake(tmp_path_factory, contracts):
    root = tmp_path_factory.mktemp("lake")
    store = LocalStore(root)
    result = generate_lake(store, contracts, end=END, days=3, rows=0.5, seed=7)
    return store, result


def test_every_postgres_contract_has_a_partition_per_day_and_layer(lake, contracts):
    store, result = lake
    tables = {c.object_name for c in contracts if c.source.kind == "postgres"}
    assert len(tables) == 12
    for layer in ("bronze", "silver"):
        assert list_dates(store, layer, "postgres") == DATES
        for d in DATES:
            assert set(store.list_dirs(layout.date_dir(layer, "postgres", d))) == tables
    assert result.dropped == {}  # nothing generated had to be thrown away
    collections = {c.object_name for c in contracts if c.source.kind == "mongodb"}
    assert collections == {"user_activities", "pickup_tracking", "reviews"}
    for layer in ("bronze", "silver"):
        assert list_dates(store, layer, "mongodb") == DATES
        assert set(store.list_dirs(layout.date_dir(layer, "mongodb", DATES[0]))) == collections


@pytest.mark.parametrize("layer", ["silver", "bronze"])
def test_clean_days_pass_every_contract_check(lake, contracts, layer):
    store, _ = lake
    for d in DATES:
        assert problems(store, d, contracts, layer) == set(), d


def test_manifest_matches_the_data(lake, contracts):
    store, _ = lake
    part = layout.partition_dir("bronze", "postgres", "2026-11-25", "orders")
    m = load_manifest(store, part)
    df = read(store, part)
    assert (m.source, m.layer, m.object, m.date) == (
        "postgres",
        "bronze",
        "orders",
        dt.date(2026, 11, 25),
    )
    assert m.row_count == df.height == sum(f.rows for f in m.files)
    assert len(m.files) >= 2  # big tables land as several files
    for f in m.files:
        assert store.size(f"{part}/{f.path}") == f.bytes
    assert m.extracted_at == dt.datetime(2026, 11, 25, 23, 50, tzinfo=dt.UTC)
    silver = to_silver(df, next(c for c in contracts if c.object_name == "orders"))
    assert m.watermark == silver["updated_at"].max()
    assert m.extracted_at - m.watermark < dt.timedelta(hours=6)  # fresh
    assert m.schema_fingerprint.startswith("sha256:")
    assert m.migration_head is None or m.migration_head[:14].isdigit()


def test_snapshots_grow_and_keep_their_rows(lake):
    store, _ = lake
    ids = [set(read(store, f"silver/postgres/{d}/orders")["id"]) for d in DATES]
    assert ids[0] < ids[1] < ids[2]  # each day a full snapshot, growing


def test_bronze_is_raw_but_castable_to_silver(lake, contracts):
    store, _ = lake
    orders = next(c for c in contracts if c.object_name == "orders")
    bronze = read(store, "raw/postgres/2026-11-26/orders")
    silver = read(store, "silver/postgres/2026-11-26/orders")
    assert bronze.schema["total_amount"] == pl.String
    assert bronze.schema["created_at"] == pl.Datetime("us")
    assert read(store, "raw/postgres/2026-11-26/payments").schema["created_at"] == pl.String
    assert to_silver(bronze, orders).equals(silver)


def test_realistic_relationships(lake):
    store, _ = lake
    d = "silver/postgres/2026-11-26"
    orders, items = read(store, f"{d}/orders"), read(store, f"{d}/order_items")
    sums = items.group_by("order_id").agg(
        (pl.col("unit_price").cast(pl.Float64) * pl.col("quantity")).sum().round(2).alias("s")
    )
    joined = orders.join(sums, left_on="id", right_on="order_id")
    assert (joined["total_amount"].cast(pl.Float64) - joined["s"]).abs().max() < 0.01
    users = read(store, f"{d}/users")
    drivers = set(users.filter(pl.col("role") == "DRIVER")["id"])
    wc = read(store, f"{d}/waste_collections")
    assert set(wc["driver_id"].drop_nulls()) <= drivers
    # weekday/weekend pattern: new orders per day of week over the history
    per_dow = orders.group_by(pl.col("created_at").dt.weekday().alias("dow")).len().sort("dow")
    weekday, weekend = per_dow["len"][:5].mean(), per_dow["len"][5:].mean()
    assert weekend < 0.8 * weekday


def test_mongo_documents(lake, contracts):
    store, _ = lake
    silver = read(store, "silver/mongodb/2026-11-26/user_activities")
    bronze = read(store, "raw/mongodb/2026-11-26/user_activities")
    assert silver.height == bronze.height > 0
    assert isinstance(bronze.schema["device"], pl.Struct) and silver.schema["device"] == pl.String
    assert (
        silver["device.platform"].to_list() == bronze["device"].struct.field("platform").to_list()
    )
    # schema versions: v1 documents name the event `event`, v2 `type`
    v = silver.group_by("schemaVersion").agg(
        pl.col("type").null_count(), pl.col("event").null_count(), pl.len()
    )
    v1 = v.filter(pl.col("schemaVersion") == 1).row(0, named=True)
    v2 = v.filter(pl.col("schemaVersion") == 2).row(0, named=True)
    assert (
        v1["type"] == v1["len"]
        and v1["event"] == 0
        and v2["event"] == v2["len"]
        and v2["type"] == 0
    )
    users = set(read(store, "silver/postgres/2026-11-26/users")["id"])
    assert set(silver["userId"]) <= users
    pings = read(store, "raw/mongodb/2026-11-26/pickup_tracking")
    assert pings["location"].struct.field("coordinates").list.len().unique().to_list() == [2]
    days = [read(store, f"silver/mongodb/{d}/pickup_tracking")["recordedAt"] for d in DATES]
    assert all(
        s.dt.date().unique().to_list() == [dt.date.fromisoformat(d)]
        for s, d in zip(days, DATES, strict=True)
    )


def test_same_seed_same_bytes_other_seed_other_data(tmp_path, contracts):
    a, b, c = (LocalStore(tmp_path / n) for n in "abc")
    for store, seed in ((a, 1), (b, 1), (c, 2)):
        (tmp_path / store.root.name).mkdir()
        generate_lake(store, contracts, end=END, days=2, rows=0.05, seed=seed)
    files = a.list("")
    assert (
        files == b.list("") and len(files) == 2 * 2 * 15 * 2
    )  # days x layers x objects x (data + manifest)
    assert all(a.read_bytes(f) == b.read_bytes(f) for f in files)
    assert any(a.read_bytes(f) != c.read_bytes(f) for f in files if f.endswith(".parquet"))


def test_objects_filter_and_bad_options(tmp_path, contracts):
    store = LocalStore(tmp_path)
    result = generate_lake(
        store, contracts, end=END, days=1, rows=0.05, objects=["tags"], layers=["silver"]
    )
    assert [p.path for p in result.partitions] == ["silver/postgres/2026-11-26/tags"]
    with pytest.raises(InputError, match="no contract"):
        generate_lake(store, contracts, objects=["nope"])
    with pytest.raises(InputError, match="--days"):
        generate_lake(store, contracts, days=0)


def test_cli_generate(tmp_path):
    runner = CliRunner()
    out = tmp_path / "lake"
    res = runner.invoke(
        app,
        [
            "lake",
            "generate",
            "--out",
            str(out),
            "--days",
            "1",
            "--rows",
            "0.05",
            "--contracts",
            str(ROOT / "contracts"),
            "-f",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["dates"] == ["2026-11-26"] and len(data["partitions"]) == 39
    assert len([p for p in data["partitions"] if p["layer"] == "gold"]) == 9  # gold by default
    assert (out / "silver/postgres/2026-11-26/orders/_source.json").exists()
    res = runner.invoke(
        app,
        [
            "lake",
            "generate",
            "--out",
            str(out),
            "--end",
            "2026-02-30",
            "--contracts",
            str(ROOT / "contracts"),
        ],
    )
    assert res.exit_code == 2 and "--end" in res.output and "Traceback" not in res.output


def test_cli_generate_to_azurite(azurite, tmp_path, monkeypatch):
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string)
    res = CliRunner().invoke(
        app,
        [
            "lake",
            "generate",
            "--out",
            "az://genlake/wd",
            "--days",
            "1",
            "--rows",
            "0.05",
            "--object",
            "orders",
            "--contracts",
            str(ROOT / "contracts"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert azurite.account_key not in res.output
    from wdguard.lake.azure import AzureBlobStore

    store = AzureBlobStore.from_url("az://genlake/wd")
    uri, opts = store.scan_target("silver/postgres/2026-11-26/orders/*.parquet")
    n = pl.scan_parquet(uri, storage_options=opts).select(pl.len()).collect().item()
    assert n == load_manifest(store, "silver/postgres/2026-11-26/orders").row_count > 0
