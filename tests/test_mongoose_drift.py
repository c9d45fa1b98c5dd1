"""Declared vs observed: WasteDump's Mongoose models (fixtures/mongoose) against the
fixture collections (mongomock, or a real server with WDGUARD_TEST_MONGO_URI).

Documents that match the models give no drift; each injected mismatch (undeclared
field, missing or null required field, enum value, wrong BSON type) is caught exactly
once, named to collection and path -- also after a sample has been merged into the
declared contract, so the sample-vs-sample kinds do not report it a second time.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from bson.json_util import CANONICAL_JSON_OPTIONS, dumps
from typer.testing import CliRunner

from tests.fixtures_mongo import COLLECTIONS, FIXTURES, fixture_docs
from tests.gate_helpers import write_contracts, write_partition
from wdguard.checks.derive import specs_for
from wdguard.cli import app
from wdguard.contracts.merge import merge
from wdguard.contracts.model import Contract
from wdguard.contracts.mongo_infer import profile, to_contract
from wdguard.contracts.mongoose_derive import derive_models
from wdguard.drift.mongo_diff import drift_collection, extra_collections
from wdguard.findings import worst_exit
from wdguard.gate import run_gate
from wdguard.sources.mongo import LiveDocuments

MODELS = Path(__file__).resolve().parent.parent / "fixtures" / "mongoose"
_DECLARED: dict[str, Contract] = {}


def declared(collection: str) -> Contract:
    if not _DECLARED:
        result = derive_models([MODELS], database="wastedump")
        assert not result.failures and not result.warnings
        _DECLARED.update({m.contract.source.collection: m.contract for m in result.models})
    return _DECLARED[collection]


def sampled(collection: str) -> Contract:
    """The declared contract with a sample of the clean fixture merged in."""
    base = merge(None, declared(collection))
    prof = profile(fixture_docs(collection))
    observed = to_contract(prof, name=base.contract, database="wastedump",
                           collection=collection)
    return merge(base, observed)


def drift(mdb, collection: str, contract: Contract | None = None):
    found, _ = drift_collection(LiveDocuments(mdb.client, mdb.name),
                                contract or declared(collection), size=100_000)
    return found


def one(findings):
    assert len(findings) == 1, [(f.code, f.column, f.message) for f in findings]
    return findings[0]


@pytest.mark.parametrize("collection", COLLECTIONS)
@pytest.mark.parametrize("kind", [declared, sampled])
def test_documents_matching_the_models_give_no_drift(mongo_db, collection, kind):
    assert drift(mongo_db, collection, kind(collection)) == []


@pytest.mark.parametrize("kind", [declared, sampled])
def test_undeclared_field_is_caught_once_with_its_share(mongo_db, kind):
    docs = fixture_docs("reviews")
    for d in docs[:60]:
        d["legacyScore"] = {"value": 4, "source": "import-2019"}
    mongo_db.load("reviews", docs)
    hit = one(drift(mongo_db, "reviews", kind("reviews")))
    assert (hit.code, hit.name, hit.object, hit.column) == (
        "MGD112", "field.undeclared", "Review", "legacyScore")
    assert hit.details["share"] == 0.2 and hit.severity == "warning"
    assert "20% of 300 sampled documents" in hit.message


def test_undeclared_nested_field_is_named_to_its_path_and_mixed_holds_anything(mongo_db):
    docs = fixture_docs("user_activities")
    for d in docs[:10]:
        d["device"]["locale"] = "en-KE"
        d["metadata"]["anything"] = {"goes": [1, 2]}  # metadata is Schema.Types.Mixed
    mongo_db.load("user_activities", docs)
    hit = one(drift(mongo_db, "user_activities"))
    assert (hit.code, hit.column) == ("MGD112", "device.locale")


@pytest.mark.parametrize("kind", [declared, sampled])
def test_required_field_absent_is_caught_once_with_its_share(mongo_db, kind):
    docs = fixture_docs("pickup_tracking")
    for d in docs[:40]:
        del d["driverId"]
    mongo_db.load("pickup_tracking", docs)
    hit = one(drift(mongo_db, "pickup_tracking", kind("pickup_tracking")))
    assert (hit.code, hit.name, hit.object, hit.column) == (
        "MGD113", "field.required_absent", "PickupTracking", "driverId")
    assert hit.details["share"] == 0.1 and hit.details["absent_or_null"] == 40
    assert hit.severity == "error" and worst_exit([hit]) == 1


def test_required_field_null_counts_as_absent(mongo_db):
    docs = fixture_docs("user_activities")
    docs[7]["sessionId"] = None
    mongo_db.load("user_activities", docs)
    hit = one(drift(mongo_db, "user_activities"))
    assert (hit.code, hit.column, hit.details["absent_or_null"]) == ("MGD113", "sessionId", 1)


def test_required_field_of_array_elements(mongo_db):
    docs = fixture_docs("reviews")
    victim = next(d for d in docs if d["photos"])
    del victim["photos"][0]["uploadedAt"]
    mongo_db.load("reviews", docs)
    hit = one(drift(mongo_db, "reviews"))
    assert (hit.code, hit.column) == ("MGD113", "photos[].uploadedAt")
    assert "sampled photos[] elements" in hit.message


@pytest.mark.parametrize("kind", [declared, sampled])
def test_value_outside_the_declared_enum_is_caught_once(mongo_db, kind):
    docs = fixture_docs("pickup_tracking")
    docs[3]["status"] = "LOST"
    mongo_db.load("pickup_tracking", docs)
    hit = one(drift(mongo_db, "pickup_tracking", kind("pickup_tracking")))
    assert (hit.code, hit.name, hit.object, hit.column) == (
        "MGD114", "enum.value_undeclared", "PickupTracking", "status")
    assert hit.details["values"] == ["LOST"] and hit.severity == "error"


def test_enum_of_nested_and_array_paths(mongo_db):
    docs = fixture_docs("reviews")
    docs[0]["tags"] = ["friendly", "smelly"]
    mongo_db.load("reviews", docs)
    hit = one(drift(mongo_db, "reviews"))
    assert (hit.code, hit.column, hit.details["values"]) == ("MGD114", "tags[]", ["smelly"])
    docs = fixture_docs("user_activities")
    docs[0]["device"]["platform"] = "tv"
    mongo_db.load("user_activities", docs)
    hit = one(drift(mongo_db, "user_activities"))
    assert (hit.code, hit.column) == ("MGD114", "device.platform")


@pytest.mark.parametrize("kind", [declared, sampled])
def test_bson_type_other_than_declared_is_caught_once(mongo_db, kind):
    docs = fixture_docs("reviews")
    for d in docs[:5]:
        d["rating"] = str(d["rating"])
    mongo_db.load("reviews", docs)
    hit = one(drift(mongo_db, "reviews", kind("reviews")))
    assert (hit.code, hit.name, hit.object, hit.column) == (
        "MGD115", "field.type_undeclared", "Review", "rating")
    assert hit.details["found"] == {"string": 5} and hit.details["declared"] == "Number"


def test_object_where_a_scalar_is_declared_is_one_type_finding(mongo_db):
    docs = fixture_docs("reviews")
    docs[0]["rating"] = {"value": 5, "scale": 5}
    mongo_db.load("reviews", docs)
    hit = one(drift(mongo_db, "reviews"))
    assert (hit.code, hit.column, hit.details["found"]) == ("MGD115", "rating", {"object": 1})


def test_model_without_collection(mongo_db):
    mongo_db.load("reviews", [])
    hit = one(drift(mongo_db, "reviews"))
    assert (hit.code, hit.name, hit.object) == ("MGD116", "model.without_collection", "Review")
    assert hit.message == "model Review's collection 'reviews' is absent or empty"
    assert hit.details == {"collection": "reviews", "model": "Review"}
    # the model's name, not the contract's, when they differ; the contract's without one
    c = declared("reviews")
    renamed = c.model_copy(update={"mongoose": c.mongoose.model_copy(update={"model": "Rv"})})
    assert one(drift(mongo_db, "reviews", renamed)).details["model"] == "Rv"
    hand = c.model_copy(update={"mongoose": None})
    assert one(drift(mongo_db, "reviews", hand)).message == (
        "model Review's collection 'reviews' is absent or empty")


def test_collection_without_model():
    found = extra_collections({"reviews", "legacy_events"}, ["reviews", "legacy_events",
                              "scratch"], "wastedump", modelled={"reviews"})
    assert [(f.code, f.object) for f in found] == [("MGD117", "legacy_events"),
                                                   ("MGD117", "scratch")]
    assert "no contract" in found[1].message and "no contract" not in found[0].message


def test_the_gate_checks_declared_facts_as_errors_and_observed_ones_as_warnings():
    contract = sampled("user_activities")
    specs = {(s.column, s.check, s.name): s.severity for s in specs_for(contract, "silver")}
    assert specs[("sessionId", "not_null", None)] == "error"  # declared required
    assert specs[("type", "in_values", None)] == "error"  # declared enum
    assert specs[("device.platform", "in_values", None)] == "error"  # declared, nested
    review = sampled("reviews")
    rspecs = {(s.column, s.check, s.name): s for s in specs_for(review, "silver")}
    length = rspecs[("comment", "regex", "length")]
    assert length.severity == "error" and length.params["pattern"] == "^(?s:.){0,2000}$"
    assert rspecs[("rating", "between", None)].params == {"min": 1, "max": 5}


def test_sampled_enum_of_an_observed_column_stays_a_warning():
    contract = sampled("user_activities")
    col = contract.columns["device.os"]  # declared String, no enum; the sample saw 6 values
    assert col.declared == "String" and col.type == "string" and not col.values
    undeclared = Contract.model_validate({
        **contract.model_dump(by_alias=True, exclude_unset=True),
        "columns": {**{k: v.model_dump(exclude_unset=True)
                       for k, v in contract.columns.items()},
                    "extra": {"type": "enum", "values": ["a"], "nullable": False,
                              "presence": 0.995}},
    })
    specs = {(s.column, s.check): s.severity for s in specs_for(undeclared, "silver")}
    assert specs[("extra", "in_values")] == "warn" and specs[("extra", "not_null")] == "warn"


def test_cli_drift_on_derived_contracts(tmp_path):
    runner = CliRunner()
    out = tmp_path / "contracts"
    assert runner.invoke(app, ["contracts", "derive", "mongoose", str(MODELS), "--db",
                               "wastedump", "-o", str(out)]).exit_code == 0
    clean = runner.invoke(app, ["drift", "mongo", "-c", str(out), "--from-json", str(FIXTURES),
                                "-f", "json"])
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.stdout)["findings"] == []
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in COLLECTIONS:
        (docs / f"{name}.json").write_text((FIXTURES / f"{name}.json").read_text())
    bad = fixture_docs("pickup_tracking")
    bad[0]["status"] = "LOST"
    (docs / "pickup_tracking.json").write_text(
        "[\n" + ",\n".join(dumps(d, json_options=CANONICAL_JSON_OPTIONS) for d in bad) + "\n]\n")
    (docs / "legacy_events.json").write_text("[{\"a\": 1}]\n")
    result = runner.invoke(app, ["drift", "mongo", "-c", str(out), "--from-json", str(docs),
                                 "-f", "json"])
    assert result.exit_code == 1
    found = [(f["code"], f["object"], f.get("column")) for f in
             json.loads(result.stdout)["findings"]]
    assert sorted(found) == [("MGD114", "PickupTracking", "status"),
                             ("MGD117", "legacy_events", None)]


DECLARED_ACTIVITY = """\
contract: UserActivity
source: {kind: mongodb, database: wastedump, collection: user_activities}
primary_key: [_id]
columns:
  _id: {type: string, nullable: false, unique: true, presence: 1.0, declared: ObjectId}
  channel: {type: enum, nullable: false, values: [app, web], presence: 0.995, declared: String}
  sessionId: {type: string, nullable: false, presence: 0.995, declared: String, min_length: 4, max_length: 16}
  os: {type: enum, nullable: false, values: ['13', '14'], presence: 1.0}
mongoose: {model: UserActivity, file: models/userActivity.js, line: 30}
"""


def test_gate_fails_a_silver_partition_on_declared_facts_and_warns_on_observed(
        local_lake, tmp_path):
    contracts = write_contracts(tmp_path / "contracts", DECLARED_ACTIVITY)

    def gate(day: str, df: pl.DataFrame):
        write_partition(local_lake, "silver", "user_activities", df, date=day,
                        source="mongodb", extracted_at=dt.datetime.fromisoformat(
                            f"{day}T02:00:00+00:00"))
        record = run_gate(local_lake, day, layers=["silver"], contracts_dir=contracts)
        failed = {(c.column, c.check, c.severity) for c in record.checks if c.status == "fail"}
        return record.exit_code, failed

    good = pl.DataFrame({"_id": ["a", "b", "c"], "channel": ["app", "web", "app"],
                         "sessionId": ["s-0001", "s-0002", "s-0003"], "os": ["13", "14", "15"]})
    code, failed = gate("2026-11-20", good)
    assert code == 0 and failed == {("os", "in_values", "warn")}  # observed only: a warning
    code, failed = gate("2026-11-21", good.with_columns(pl.Series("channel", ["app", "sms", None])))
    assert code == 1
    assert {("channel", "in_values", "error"), ("channel", "not_null", "error")} <= failed
    code, failed = gate("2026-11-22", good.with_columns(pl.Series("sessionId", ["s", "s-2", "ok!!"])))
    assert code == 1 and ("sessionId", "regex", "error") in failed


def test_demo_derives_the_fixture_models_and_finds_no_drift():
    from wdguard.commands.demo import mongoose_declared

    result = mongoose_declared()
    assert sorted(c.contract for c in result["contracts"]) == [
        "PickupTracking", "Review", "UserActivity"]
    assert result["warnings"] == [] and result["findings"] == []
