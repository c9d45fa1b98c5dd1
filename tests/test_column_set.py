"""Columns that arrive with a migration, and columns no contract describes, on real
partitions through the gate (checks/column_set.py, contracts/arrival.py)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.gate_helpers import USER, silver_of, users, write_contracts, write_partition
from wdguard.contracts.io import load_contracts
from wdguard.drift.lint.arrivals import column_arrivals
from wdguard.gate import run_gate
from wdguard.lake import layout
from wdguard.lake.manifest import load_manifest, write_manifest

ROOT = Path(__file__).resolve().parents[1]
RATED = USER.replace(
    "  created_at:", "  rating: {type: decimal, precision: 3, scale: 2, "
    "added_by: 20261127093000_add_rating}\n  created_at:"
)


def test_arrivals_replay_the_fixture_history():
    got = column_arrivals(ROOT / "fixtures" / "prisma" / "migrations")
    assert got == {
        ("users", "phone"): "20240212141500_add_user_phone",
        ("payments", "subscription_id"): "20240318083000_payment_subscription",
        ("merchants", "rating"): "20240910100000_merchant_rating",
        ("merchants", "verified_at"): "20240910100000_merchant_rating",
    }
    # the committed contracts were derived with it; columns born with their table have none
    merchant = {c.contract: c for c in load_contracts(ROOT / "contracts")}["Merchant"]
    assert merchant.columns["rating"].added_by == "20240910100000_merchant_rating"
    assert merchant.columns["name"].added_by is None


def _silver_users(store, date: str, head: str | None, extra: dict | None = None) -> None:
    df = silver_of(users(), USER)
    if extra:
        df = df.with_columns(**{k: pl.lit(v) for k, v in extra.items()})
    part = write_partition(store, "silver", "users", df, date=date)
    manifest = load_manifest(store, part)
    manifest.migration_head = head
    write_manifest(store, part, manifest)


def _check(record, column: str, check: str):
    return next(c for c in record.checks if c.column == column and c.check == check)


@pytest.mark.parametrize(
    ("date", "head", "status"),
    [
        ("2026-11-26", "20261120120000_add_phone", "skipped"),  # extracted before the migration
        ("2026-11-28", "20261127093000_add_rating", "fail"),  # the migration was applied
        ("2026-11-28", "20261201000000_later", "fail"),
        ("2026-11-26", None, "skipped"),  # no head: the date is before the migration's day
        ("2026-11-28", None, "fail"),  # the date is after it: the column should be there
    ],
)
def test_column_added_by_a_later_migration_is_skipped_not_failed(local_lake, tmp_path, date,
                                                                 head, status):
    contracts = write_contracts(tmp_path / "c", RATED)
    _silver_users(local_lake, date, head)
    record = run_gate(local_lake, date, layers=["silver"], contracts_dir=contracts, write=False)
    out = _check(record, "rating", "column_missing")
    assert out.status == status, out.message
    if status == "skipped":
        assert out.message == "column added by 20261127093000_add_rating, after this partition"
        assert record.exit_code == 0
    else:
        assert out.message == "column 'rating' is absent from the partition"
        assert record.exit_code == 1
    # every other column is still checked
    assert _check(record, "email", "column_missing").status == "pass"


def test_a_column_present_before_its_migration_is_checked(local_lake, tmp_path):
    contracts = write_contracts(tmp_path / "c", RATED)
    df_extra = {"rating": None}
    _silver_users(local_lake, "2026-11-26", "20261120120000_add_phone", df_extra)
    record = run_gate(local_lake, "2026-11-26", layers=["silver"], contracts_dir=contracts,
                      write=False)
    assert _check(record, "rating", "column_missing").status == "pass"
    # present but typed wrong (a null literal column): the dtype check still runs
    assert _check(record, "rating", "dtype").status == "fail"


@pytest.mark.parametrize(("policy", "severity", "exit_code"),
                         [("", "warn", 0), ("extra_columns: forbid\n", "error", 1)])
def test_column_no_contract_describes(local_lake, tmp_path, policy, severity, exit_code):
    contracts = write_contracts(tmp_path / "c", USER + policy)
    _silver_users(local_lake, "2026-11-20", None, {"nickname": "x"})
    record = run_gate(local_lake, "2026-11-20", layers=["silver"], contracts_dir=contracts,
                      write=False)
    out = _check(record, "nickname", "column_unexpected")
    assert (out.status, out.severity, out.code) == ("fail", severity, "WDG013")
    assert out.message == "column 'nickname' is in the partition but not in contract User"
    assert record.exit_code == exit_code
    unexpected = [c for c in record.checks if c.check == "column_unexpected"]
    assert len(unexpected) == 1  # the described columns are not reported


def test_clean_partition_has_one_passing_column_set_check(local_lake, tmp_path):
    contracts = write_contracts(tmp_path / "c", USER)
    _silver_users(local_lake, "2026-11-20", None)
    record = run_gate(local_lake, "2026-11-20", layers=["silver"], contracts_dir=contracts,
                      write=False)
    got = [(c.status, c.column) for c in record.checks if c.check == "column_unexpected"]
    assert got == [("pass", None)]
    assert record.exit_code == 0
    assert layout.partition_dir("silver", "postgres", "2026-11-20", "users") in {
        p.path for p in record.partitions}


def test_whose_migration_head_a_partition_carries():
    from types import SimpleNamespace as NS

    from wdguard.checks.column_set import head_of

    manifest = NS(manifest=NS(migration_head="m1"), predicate=NS(migration_head="m2"))
    assert head_of(manifest) == "m1"  # a manifest's head comes first
    assert head_of(NS(manifest=None, predicate=NS(migration_head="m2"))) == "m2"  # Delta
    assert head_of(NS(manifest=None, predicate=NS())) is None
    assert head_of(NS(manifest=None)) is None  # nothing records it: judged by date
    assert head_of(NS()) is None


def test_element_paths_describe_their_top_column():
    from wdguard.checks.column_set import unexpected
    from wdguard.contracts.io import parse_contract_text

    doc = parse_contract_text(
        "contract: Doc\nsource: {kind: mongodb, collection: docs}\nprimary_key: [_id]\n"
        "columns:\n  _id: {type: string, nullable: false}\n"
        "  photos[].url: {type: string}\n  meta.source: {type: string}\n"
        "  a.b[].c: {type: string}\n", "Doc.yaml")
    (clean,) = unexpected(doc, ["_id", "photos", "meta", "a"])
    assert (clean.status, clean.spec.check, clean.spec.severity) == (
        "pass", "column_unexpected", "warn")
    out = unexpected(doc, ["_id", "photos", "url", "b", "a.b", "x"])
    assert [(o.status, o.spec.column) for o in out] == [
        ("fail", "url"), ("fail", "b"), ("fail", "a.b"), ("fail", "x")]
    assert out[0].message == "column 'url' is in the partition but not in contract Doc"
