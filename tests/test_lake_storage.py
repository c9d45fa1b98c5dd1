"""The Store contract, on a local folder and on Azurite (ADLS Gen2 over the blob API)."""

from __future__ import annotations

import io
import threading

import polars as pl
import pytest

from wdguard.errors import InputError, SourceError
from wdguard.lake.azure import AzureBlobStore, parse_url, redact
from wdguard.lake.storage import LocalStore
from wdguard.lake.stores import open_store


def _parquet(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_parquet(buf)
    return buf.getvalue()


def test_write_read_list(lake_store):
    lake_store.write_text("raw/postgres/2026-11-20/orders/_source.json", "{}")
    lake_store.write_bytes("raw/postgres/2026-11-20/orders/part-00000.parquet", b"abc")
    lake_store.write_bytes("raw/postgres/2026-11-21/users/part-00000.parquet", b"x")
    lake_store.write_bytes("silver/postgres/2026-11-20/orders/part-00000.parquet", b"y")
    assert lake_store.read_bytes("raw/postgres/2026-11-20/orders/part-00000.parquet") == b"abc"
    assert lake_store.read_text("raw/postgres/2026-11-20/orders/_source.json") == "{}"
    assert lake_store.size("raw/postgres/2026-11-20/orders/part-00000.parquet") == 3
    assert lake_store.list("raw/postgres/2026-11-20") == [
        "raw/postgres/2026-11-20/orders/_source.json",
        "raw/postgres/2026-11-20/orders/part-00000.parquet",
    ]
    assert lake_store.list_dirs("raw/postgres") == ["2026-11-20", "2026-11-21"]
    assert lake_store.list_dirs("") == ["raw", "silver"]
    assert lake_store.list_dirs("raw/postgres/2026-11-20/orders") == []
    # a prefix is a folder, not a string prefix: raw/postgres/2026-11-2 matches nothing
    assert lake_store.list("raw/postgres/2026-11-2") == []
    assert lake_store.list("nowhere") == [] and lake_store.list_dirs("nowhere") == []
    assert lake_store.exists("raw/postgres/2026-11-21/users/part-00000.parquet")
    assert not lake_store.exists("raw/postgres/2026-11-21/users/part-00001.parquet")


def test_missing_object_is_file_not_found(lake_store):
    with pytest.raises(FileNotFoundError):
        lake_store.read_bytes("no/such.json")
    with pytest.raises(FileNotFoundError):
        lake_store.delete("no/such.json")


def test_overwrite_and_create_only(lake_store):
    lake_store.write_text("_wdguard/runs/2026-11-20/r1.json", "one")
    lake_store.write_text("_wdguard/runs/2026-11-20/r1.json", "two")  # overwrite is default
    assert lake_store.read_text("_wdguard/runs/2026-11-20/r1.json") == "two"
    with pytest.raises(FileExistsError):
        lake_store.write_text("_wdguard/runs/2026-11-20/r1.json", "three", overwrite=False)
    assert lake_store.read_text("_wdguard/runs/2026-11-20/r1.json") == "two"
    lake_store.write_text("_wdguard/runs/2026-11-20/r2.json", "new", overwrite=False)
    assert lake_store.read_text("_wdguard/runs/2026-11-20/r2.json") == "new"
    lake_store.delete("_wdguard/runs/2026-11-20/r2.json")
    assert not lake_store.exists("_wdguard/runs/2026-11-20/r2.json")


def test_create_only_race_has_one_winner(lake_store):
    """Eight writers race for one run record: exactly one wins, the object is whole."""
    results: list[str] = []
    payloads = {i: (str(i) * 50_000).encode() for i in range(8)}

    def writer(i: int) -> None:
        try:
            lake_store.write_bytes("_wdguard/audit/race.json", payloads[i], overwrite=False)
            results.append(f"won:{i}")
        except FileExistsError:
            results.append("lost")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [r for r in results if r.startswith("won")]
    assert len(winners) == 1 and results.count("lost") == 7
    assert lake_store.read_bytes("_wdguard/audit/race.json") == payloads[int(winners[0][4:])]


def test_overwrite_is_never_partial(lake_store):
    """A reader during overwrites sees one whole version or the other."""
    a, b = b"a" * 300_000, b"b" * 300_000
    lake_store.write_bytes("obj.bin", a)
    seen = set()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.add(lake_store.read_bytes("obj.bin"))

    t = threading.Thread(target=reader)
    t.start()
    for i in range(6):
        lake_store.write_bytes("obj.bin", b if i % 2 == 0 else a)
    stop.set()
    t.join()
    assert seen <= {a, b} and seen


def test_polars_scans_a_partition(lake_store):
    part = "silver/postgres/2026-11-20/orders"
    lake_store.write_bytes(f"{part}/part-00000.parquet", _parquet(pl.DataFrame({"n": [1, 2]})))
    lake_store.write_bytes(f"{part}/part-00001.parquet", _parquet(pl.DataFrame({"n": [3]})))
    lake_store.write_text(f"{part}/_source.json", "{}")  # not parquet: not in the glob
    uri, opts = lake_store.scan_target(f"{part}/*.parquet")
    df = pl.scan_parquet(uri, storage_options=opts).select(pl.col("n").sum()).collect()
    assert df.item() == 6


def test_azure_url_parsing():
    assert parse_url("abfs://lake@acct.dfs.core.windows.net/wd/prod") == ("lake", "acct", "wd/prod")
    assert parse_url("abfss://lake@acct.dfs.core.windows.net") == ("lake", "acct", "")
    assert parse_url("az://lake/x/") == ("lake", None, "x")
    with pytest.raises(InputError):
        parse_url("az:///x")


def test_azure_secrets_are_redacted(azurite):
    env = {"AZURE_STORAGE_CONNECTION_STRING": azurite.connection_string}
    store = AzureBlobStore.from_url("az://nocontainer0/p", env=env)
    assert azurite.account_key not in store.url
    text = redact(azurite.connection_string + " ?sv=1&sig=abcDEF%3D&se=2")
    assert azurite.account_key not in text and "abcDEF" not in text


def test_open_store_dispatch(tmp_path, azurite, monkeypatch):
    assert isinstance(open_store(tmp_path), LocalStore)
    with pytest.raises(InputError, match="lake folder not found"):
        open_store(tmp_path / "missing")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string)
    with pytest.raises(InputError, match="container 'mylake' not found"):
        open_store("abfs://mylake@devstoreaccount1.dfs.core.windows.net/wd")
    AzureBlobStore.from_url("az://mylake").create_container()
    store = open_store("abfs://mylake@devstoreaccount1.dfs.core.windows.net/wd")
    assert isinstance(store, AzureBlobStore) and store.prefix == "wd"


def test_unreachable_azure_is_a_source_error_without_secrets():
    key = "c2VjcmV0LWtleS1mb3ItdGVzdHM="
    env = {
        "AZURE_STORAGE_CONNECTION_STRING": (
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            f"AccountKey={key};BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;"
        )
    }
    store = AzureBlobStore.from_url("az://lake/x", env=env)
    store._cc._config.retry_policy.total_retries = 0
    with pytest.raises(SourceError) as err:
        store.read_bytes("a.json")
    line = err.value.one_line()
    assert "az://lake/x/a.json" in line and key not in line
