"""`drift lake` and the volume baseline on lakes that are not in wdguard's own layout
(issue 24): Spark's `{layer}/{source}/{object}/ingest_date={date}` and ADF's
`landing/{source}/{object}/{yyyy}/{mm}/{dd}`, as `wdguard lake generate --style` writes
them. Both once found nothing there ("0 parquet partition(s) compared", exit 0)."""

from __future__ import annotations

import io
import shutil
import statistics

import polars as pl
import pytest

from tests.test_gate_lake import ROOT
from wdguard.api import drift_lake
from wdguard.checks.volume import History
from wdguard.contracts.io import load_contracts
from wdguard.drift.lake_drift import lake_drift
from wdguard.gate import run_gate
from wdguard.lake.dates import list_dates, template_dates
from wdguard.lake.layout import LAKE_TOML, LakeLayout, Template
from wdguard.lake.storage import LocalStore
from wdguard.sample.generate import generate_lake
from wdguard.sample.styles import lake_toml, restyle

DAYS = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """users for four days, bronze and silver, in wdguard's own layout (with manifests)."""
    root = tmp_path_factory.mktemp("lake")
    contracts = [c for c in load_contracts(ROOT / "contracts") if c.object_name == "users"]
    result = generate_lake(LocalStore(root), contracts, rows=0.02, days=len(DAYS),
                           objects=["users"], layers=("bronze", "silver"))  # fmt: skip
    return root, contracts, result


def _styled(generated, tmp_path, style):
    root, contracts, result = generated
    shutil.copytree(root, tmp_path / "lake")
    store = LocalStore(tmp_path / "lake")
    table = restyle(store, result.partitions, style)
    return store, contracts, table


def _rewrite(store, folder: str, change) -> None:
    """Rewrite every parquet file of one partition folder through `change`."""
    names = [p for p in store.list(folder) if p.endswith(".parquet")]
    assert names, folder
    for name in names:
        buf = io.BytesIO()
        change(pl.read_parquet(store.read_bytes(name))).write_parquet(buf)
        store.write_bytes(name, buf.getvalue())
        folder_, file = name.rsplit("/", 1)
        if store.exists(f"{folder_}/.{file}.crc"):  # Hadoop's checksum of the old bytes
            store.delete(f"{folder_}/.{file}.crc")


def _found(result) -> set[tuple]:
    return {(f.code, f.column, f.file, f.details["first_date"], f.details["dates"])
            for f in result.findings}


def test_spark_layout_from_the_lakes_own_toml(generated, tmp_path):
    """`lake generate --style spark`: the layout is read from `_wdguard/lake.toml`; every
    date of both layers is compared; an extra silver column and a missing bronze one are
    named with the partitions' folder pattern and dates."""
    store, contracts, table = _styled(generated, tmp_path, "spark")
    store.write_text(LAKE_TOML, lake_toml(table))
    clean = lake_drift(store, contracts)
    assert (clean.partitions, clean.findings, clean.exit_code()) == (8, [], 0)
    _rewrite(store, "silver/postgres/users/ingest_date=2026-11-25",
             lambda df: df.with_columns(pl.lit("x").alias("nickname")))
    _rewrite(store, "bronze/postgres/users/ingest_date=2026-11-24", lambda df: df.drop("email"))
    got = lake_drift(store, contracts)
    assert got.partitions == 8
    assert _found(got) == {
        ("LKD111", "nickname", "silver/postgres/users/ingest_date=*", "2026-11-25", 1),
        ("LKD112", "email", "bronze/postgres/users/ingest_date=*", "2026-11-24", 1),
    }
    assert got.exit_code() == 1  # a missing column is breaking


def test_adf_layout_from_wdguard_toml(generated, tmp_path):
    """`--style adf` described by wdguard.toml's [lake] (the lake keeps no lake.toml):
    bronze in landing/.../{yyyy}/{mm}/{dd}, silver Hive-style; both compared."""
    store, contracts, table = _styled(generated, tmp_path, "adf")
    assert not store.exists(LAKE_TOML)
    folder = tmp_path / "contracts"
    folder.mkdir()
    shutil.copy(ROOT / "contracts" / "User.yaml", folder / "User.yaml")
    config = {"lake": table}
    clean = drift_lake(store, contracts=folder, config=config)
    assert (clean.partitions, clean.findings) == (8, [])
    assert drift_lake(store, contracts=folder, config={}).partitions == 0  # not wdguard's layout
    _rewrite(store, "landing/postgres/users/2026/11/26",
             lambda df: df.drop("role").with_columns(pl.lit(1).alias("batch_id")))
    _rewrite(store, "landing/postgres/users/2026/11/25", lambda df: df.drop("role"))
    got = drift_lake(store, contracts=folder, config=config)
    assert got.partitions == 8
    assert _found(got) == {
        ("LKD111", "batch_id", "landing/postgres/users/*/*/*", "2026-11-26", 1),
        ("LKD112", "role", "landing/postgres/users/*/*/*", "2026-11-25", 2),
    }
    role = next(f for f in got.findings if f.code == "LKD112")
    assert "(partitions 2026-11-25..2026-11-26, 2 date(s))" in role.message


def test_dates_of_a_template_are_the_folders_that_match_it(tmp_path):
    store = LocalStore(tmp_path)
    for path in ["landing/postgres/users/2026/11/26/a.parquet",
                 "landing/postgres/users/2026/11/31/a.parquet",  # no such day
                 "landing/postgres/users/2026/1/05/a.parquet",  # not two digits
                 "landing/postgres/users/2025/12/01/a.parquet",
                 "landing/postgres/users/2025/12/_tmp/a.parquet",
                 "landing/postgres/orders/2026/11/20/a.parquet",  # another object
                 "s/users/d=2026-11-26/h=2026-11-26/a", "s/users/d=2026-11-25/h=2026-11-24/a",
                 "s/users/x=2026-11-24/h=2026-11-24/a", "s/users/d=2026-11-2/h=2026-11-2/a",
                 "y/users/2026-11-20/2026/a", "y/users/2026-11-21/2025/a",
                 "raw/postgres/2026-11-26/users/a", "raw/postgres/2026-11-27/orders/a",
                 "raw/postgres/tmp/users/a", "v/users/v.2026-11-26/a", "v/users/vx2026-11-25/a",
                 "w/users+_2026-11-24/a", "w/usersss_2026-11-23/a",
                 "t/users/2026-11-26_2026-11-26/a", "t/users/2026-11-25_2026-11-24/a",
                 "2026-11-22/users/a", "mine/users/2026-11-21/a"]:
        store.write_bytes(path, b"")

    def dates(text):
        return template_dates(store, Template(text), layer="bronze", source="postgres",
                              obj="users")
    assert dates("landing/{source}/{object}/{yyyy}/{mm}/{dd}") == ["2025-12-01", "2026-11-26"]
    # the same placeholder twice must match the same text
    assert dates("s/{object}/d={date}/h={date}") == ["2026-11-26"]
    assert dates("y/{object}/{date}/{yyyy}") == ["2026-11-20"]  # {date} and {yyyy} agree
    # wdguard's own layout: every date folder, whichever objects landed in it
    assert dates("raw/{source}/{date}/{object}") == ["2026-11-26", "2026-11-27"]
    assert list_dates(store, "bronze", "postgres") == ["2026-11-26", "2026-11-27"]
    assert dates("landing/{source}/{object}/{yyyy}/{mm}") == []  # no whole day
    assert dates("nowhere/{object}/{date}") == []
    # literal text and known values are matched literally, not as a pattern
    assert dates("v/{object}/v.{date}") == ["2026-11-26"]
    assert template_dates(store, Template("w/{object}_{date}"), layer="bronze",
                          source="postgres", obj="users+") == ["2026-11-24"]
    assert dates("t/{object}/{date}_{date}") == ["2026-11-26"]  # twice in one folder name
    assert dates("{date}/{object}") == ["2026-11-22"]  # a date folder at the top
    # a contract's own path wins over its layer's
    from wdguard.contracts.io import parse_contract_text
    from wdguard.lake.dates import contract_dates

    user = parse_contract_text("contract: User\nsource: {kind: postgres, table: users}\n"
                               "primary_key: [id]\ncolumns:\n  id: {type: string}\n", "U.yaml")
    lake = LakeLayout.from_table({"bronze": {"contracts": {"User": {
        "path": "mine/{object}/{date}"}}}})
    assert contract_dates(store, lake, user, "bronze") == ["2026-11-21"]
    assert contract_dates(store, LakeLayout.default(), user, "bronze") == ["2026-11-26",
                                                                           "2026-11-27"]


def test_volume_baseline_found_under_the_configured_layout(generated, tmp_path):
    """Past counts without run records: from the manifests under a custom template, and
    from ADF outputs (`rowsCopied`) in the ADF layout; none in wdguard's own layout there."""
    root, contracts, result = generated
    user = contracts[0]
    counts = {p.date: p.rows for p in result.partitions
              if p.layer == "bronze" and p.object == "users"}
    today = "2026-11-27"
    want = [counts[d] for d in reversed(DAYS)]
    store, _, table = _styled(generated, tmp_path, "adf")
    adf = LakeLayout.from_table(table)
    assert History(store, today, adf).baseline("bronze", user)[2] == want
    assert History(store, today).baseline("bronze", user)[2] == []  # default layout: none
    # the gate hands its layout to the baseline: the last day judged on the three before
    folder = tmp_path / "contracts"
    folder.mkdir()
    shutil.copy(ROOT / "contracts" / "User.yaml", folder / "User.yaml")
    record = run_gate(store, DAYS[-1], contracts_dir=folder, lake=adf, layers=("bronze",),
                      write=False)
    change = next(c for c in record.checks if c.check == "volume_change")
    assert change.status == "pass", change
    assert change.details["points"] == [counts[d] for d in reversed(DAYS[:-1])]
    # manifests moved under a template of one's own
    moved = LocalStore(tmp_path / "moved")
    shutil.copytree(root, tmp_path / "moved")
    for day in DAYS:
        y, m, d = day.split("-")
        target = tmp_path / "moved" / "in" / "users" / y / m / d
        target.parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "moved" / "raw" / "postgres" / day / "users").rename(target)
    mine = LakeLayout.from_table({"bronze": {"path": "in/{object}/{yyyy}/{mm}/{dd}"}})
    base, kind, points = History(moved, today, mine).baseline("bronze", user)
    assert points == want and kind == "last 7 days"
    assert base == statistics.median(want)
    assert History(moved, today).baseline("bronze", user)[2] == []


def test_a_finding_spans_its_dates_and_names_its_contract(generated, tmp_path):
    """A finding grouped over the dates it persists says its first and last date, in its
    message (a span, or the one date) and in its details beside the finding's own ones,
    and names the contract it was compared with."""
    store, contracts, table = _styled(generated, tmp_path, "spark")
    store.write_text(LAKE_TOML, lake_toml(table))
    for day in ("2026-11-24", "2026-11-25"):
        _rewrite(store, f"silver/postgres/users/ingest_date={day}",
                 lambda df: df.with_columns(pl.col("email").str.len_bytes().cast(pl.Int32)))
    _rewrite(store, "silver/postgres/users/ingest_date=2026-11-26",
             lambda df: df.with_columns(pl.lit("x").alias("nickname")))
    got = {f.code: f for f in lake_drift(store, contracts).findings}
    assert set(got) == {"LKD111", "LKD113"}
    retyped, extra = got["LKD113"], got["LKD111"]
    assert retyped.message.endswith("(partitions 2026-11-24..2026-11-25, 2 date(s))")
    assert retyped.details == {"actual": "integer", "expected": "string", "dates": 2,
                               "first_date": "2026-11-24", "last_date": "2026-11-25"}
    assert extra.message.endswith("(partitions 2026-11-26, 1 date(s))")
    assert (extra.details["first_date"], extra.details["last_date"]) == ("2026-11-26",) * 2
    assert {f.object for f in got.values()} == {contracts[0].contract}
