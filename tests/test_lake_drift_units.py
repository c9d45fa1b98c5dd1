"""`drift lake`'s parts on their own, on hand-made commits and schemas (no table written):
every message, detail and JSON key it reports, word for word."""

from __future__ import annotations

import datetime as dt

from wdguard.contracts.io import parse_contract_text
from wdguard.drift.lake_drift import (
    DeltaTableSummary,
    LakeDrift,
    _contract_for,
    history_findings,
    layer_roots,
)
from wdguard.lake.delta.log import Commit, Protocol
from wdguard.lake.delta.schema import Field
from wdguard.lake.layout import LakeLayout
from wdguard.lake.resolve import ResolvedPartition, roots

AT = dt.datetime(2026, 11, 27, 2, 10, tzinfo=dt.UTC)
T = "silver/postgres/merchants"
USERS = parse_contract_text(
    "contract: User\nsource: {kind: postgres, table: users}\nprimary_key: [id]\n"
    "columns:\n  id: {type: string, nullable: false}\n", "User.yaml")


def _commit(version, schema=None, protocol=None, at=AT, operation="WRITE"):
    return Commit(version, timestamp=at, operation=operation, schema=schema, protocol=protocol)


def test_every_schema_change_is_named_with_its_version_time_and_details():
    v0 = [Field("id", "long", False, 1), Field("n", "integer", True, 2),
          Field("old", "string", True, 3), Field("gone", "string", True, 4),
          Field("req", "string", True, 5), Field("t", "integer", True, 6)]
    v1 = [Field("id", "long", True, 1), Field("n", "long", True, 2),
          Field("new", "string", True, 3), Field("req", "string", False, 5),
          Field("t", "string", True, 6), Field("x", "double", True, 7)]
    commits = [_commit(0, v0, Protocol(1, 2)),
               _commit(1, None, Protocol(3, 7, ("deletionVectors",)), operation="SET"),
               _commit(2, v1, at=None, operation=None)]
    got = {(f.code, f.column): (f.message, f.object, f.details)
           for f in history_findings(T, commits)}
    when, unknown = "version 1 (2026-11-27T02:10:00+00:00)", "version 2 (time unknown)"
    assert got == {
        ("LKD108", None): (f"{T}: reader feature deletionVectors required from {when}", T,
                           {"version": 1, "operation": "SET", "feature": "deletionVectors",
                            "committed_at": "2026-11-27T02:10:00+00:00"}),
        ("LKD106", "id"): (f"{T}: column 'id' became nullable in {unknown}", T,
                           {"version": 2}),
        ("LKD104", "n"): (f"{T}: column 'n' type integer -> long in {unknown}", T,
                          {"version": 2, "before": "integer", "after": "long"}),
        ("LKD103", "new"): (f"{T}: column 'old' renamed to 'new' in {unknown}", T,
                            {"version": 2, "before": "old", "after": "new"}),
        ("LKD102", "gone"): (f"{T}: column 'gone' (string) dropped in {unknown}", T,
                             {"version": 2, "before": "string"}),
        ("LKD107", "req"): (f"{T}: column 'req' became NOT NULL in {unknown}", T,
                            {"version": 2}),
        ("LKD105", "t"): (f"{T}: column 't' type integer -> string in {unknown}", T,
                          {"version": 2, "before": "integer", "after": "string"}),
        ("LKD101", "x"): (f"{T}: column 'x' (double) added in {unknown}", T,
                          {"version": 2, "after": "double"}),
    }


def test_features_of_the_first_commit_are_no_change_and_a_feature_kept_is_said_once():
    dv = Protocol(3, 7, ("deletionVectors",))
    both = Protocol(3, 7, ("columnMapping", "deletionVectors"))
    commits = [_commit(0, [Field("id", "long", True)], dv), _commit(1, None, dv),
               _commit(2, None, both), _commit(3, None, None)]
    got = [(f.code, f.details["feature"], f.details["version"])
           for f in history_findings(T, commits)]
    assert got == [("LKD108", "columnMapping", 2)]


def test_a_table_is_a_contracts_by_its_last_folder_and_gold_has_none():
    assert _contract_for([USERS], "silver", "silver/postgres/users/") is USERS
    assert _contract_for([USERS], "silver", "silver/postgres/user") is None
    assert _contract_for([USERS], "gold", "gold/users") is None


def test_the_json_says_what_was_read_and_the_exit_code():
    drift = LakeDrift(lake="/lake", partitions=3, catalog=["main.silver.users"],
                      tables=[DeltaTableSummary(T, "silver", 2, 3, ["columnMapping"], "M")])
    out = drift.to_dict(strict=True)
    assert (out["command"], out["lake"], out["partitions"], out["catalog_tables"]) == (
        "drift lake", "/lake", 3, ["main.silver.users"])
    assert out["tables"] == [{"path": T, "layer": "silver", "version": 2, "commits": 3,
                              "reader_features": ["columnMapping"], "contract": "M"}]
    assert (out["strict"], out["exit_code"]) == (True, 0)


def test_layer_roots_are_the_default_ones_and_each_layouts_top_folder():
    lake = LakeLayout.from_table({
        "bronze": {"path": "landing/{source}/{object}/{date}",
                   "contracts": {"User": {"path": "exports/{object}/{date}"}}},
        "silver": {"path": "{source}/{object}/{date}"}})
    assert layer_roots(lake) == {"raw": "bronze", "silver": "silver", "gold": "gold",
                                 "landing": "bronze", "exports": "bronze"}
    assert roots(lake, [USERS], ["bronze", "silver"]) == ["exports/{object}/",
                                                          "postgres/{object}/"]


def test_the_end_of_a_date_is_the_next_midnight_utc():
    part = ResolvedPartition("bronze", "postgres", "users", "2026-12-31", "x")
    assert part.end_of_date() == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def test_strict_makes_a_warning_fail_the_json_says_which():
    from wdguard.findings import REGISTRY

    drift = LakeDrift(lake="/lake", findings=[REGISTRY["LKD111"].finding("x", object="U")])
    assert (drift.exit_code(), drift.exit_code(strict=True)) == (0, 1)
    assert (drift.to_dict()["strict"], drift.to_dict()["exit_code"]) == (False, 0)
    assert drift.to_dict(strict=True)["exit_code"] == 1


def test_nested_contract_columns_describe_their_top_level_lake_column():
    from wdguard.drift.lake_drift import contract_findings

    nested = parse_contract_text(
        "contract: Event\nsource: {kind: mongodb, collection: events}\nprimary_key: [_id]\n"
        "columns:\n  _id: {type: string, nullable: false}\n  device.os: {type: string}\n"
        "  items[].sku: {type: string}\n", "Event.yaml")
    got = contract_findings("w", nested, {"_id": "string", "device": None, "items": None,
                                          "extra": "long"},
                            layer="silver", date="2026-11-26", migration_head=None, typed=True)
    assert got == [("LKD111", "extra", "w: column 'extra' is not in contract Event", {})]


def test_objects_no_contract_describes_beside_the_known_ones(tmp_path):
    from wdguard.lake.resolve import resolve_date, unexpected_objects
    from wdguard.lake.storage import LocalStore

    store, day = LocalStore(tmp_path), "2026-11-26"
    for path in ["users/p.parquet", "invoices/p.parquet", ".hidden/p", "_wdguard/p",
                 "quarantine/p"]:
        store.write_bytes(f"raw/postgres/{day}/{path}", b"x")
    (tmp_path / f"raw/postgres/{day}/empty").mkdir()
    store.write_bytes(f"raw/mongodb/{day}/users/p.parquet", b"x")  # not a Mongo contract's
    store.write_bytes(f"raw/postgres/{day[:-1]}5/refunds/p.parquet", b"x")  # another day
    store.write_bytes("raw/postgres/ledger/_delta_log/00000000000000000000.json", b"{}")
    default = LakeLayout.default()
    assert unexpected_objects(store, default, [USERS], "bronze", day) == {
        "postgres": [("invoices", f"raw/postgres/{day}/invoices"),
                     ("ledger", "raw/postgres/ledger")],
        "mongodb": [("users", f"raw/mongodb/{day}/users")]}
    assert unexpected_objects(store, default, [USERS], "silver", day) == {}
    # a template without {source}: one listing, every contract known whatever its source
    flat = LakeLayout.from_table({"bronze": {"path": "raw/postgres/{date}/{object}"}})
    assert unexpected_objects(store, flat, [USERS], "bronze", day) == {
        "postgres": [("invoices", f"raw/postgres/{day}/invoices"),
                     ("ledger", "raw/postgres/ledger")]}
    catalog = LakeLayout.from_table({"bronze": {"table": "s.{object}", "date_column": "d"}})
    assert unexpected_objects(store, catalog, [USERS], "bronze", day) == {}
    # no manifest: resolved all the same unless one is required
    (part,) = resolve_date(store, default, [USERS], ["bronze"], day)["bronze"]
    assert part.problem is None and part.expected.reason


def test_contract_columns_absent_mistyped_or_arriving_later():
    from wdguard.drift.lake_drift import contract_findings

    c = parse_contract_text(
        "contract: Shop\nsource: {kind: postgres, table: shops}\nprimary_key: [id]\n"
        "columns:\n  id: {type: string, nullable: false}\n  meta.x: {type: string}\n"
        "  gone: {type: string}\n  rating: {type: decimal, precision: 3, scale: 2, "
        "added_by: 20261127100000_rating}\n  score: {type: integer}\n"
        "  also_gone: {type: string}\n", "Shop.yaml")
    cols = {"id": "string", "score": "string"}

    def codes(**kw):
        args = {"layer": "silver", "date": "2026-11-26", "migration_head": None,
                "typed": True, **kw}
        return [(code, col, det) for code, col, _, det in contract_findings("w", c, cols, **args)]
    missing = [("LKD112", "gone", {}), ("LKD112", "also_gone", {})]
    mistyped = [("LKD113", "score", {"actual": "string", "expected": "integer"})]
    rating = ("LKD112", "rating", {})
    assert codes() == [missing[0], *mistyped, missing[1]]  # before the migration's day
    assert codes(date="2026-11-28") == [missing[0], rating, *mistyped, missing[1]]
    assert codes(migration_head="20261127100000_rating", date="2026-11-20") == [
        missing[0], rating, *mistyped, missing[1]]
    assert codes(migration_head="20261120000000_before", date="2026-11-28") == [
        missing[0], *mistyped, missing[1]]
    assert codes(layer="bronze") == missing  # bronze is raw: its types are no drift
    assert codes(typed=False) == missing


def test_the_lakes_types_in_deltas_words():
    import polars as pl

    from wdguard.drift.lake_drift import _polars_delta_type

    assert [_polars_delta_type(t) for t in (
        pl.Datetime("ms", "UTC"), pl.Datetime("us"), pl.Decimal(10, 2),
        pl.List(pl.Int64()), pl.Int32(), pl.String(), pl.Time())] == [
        "timestamp", "timestamp_ntz", "decimal(10,2)", "array<long>", "integer", "string",
        "Time"]
