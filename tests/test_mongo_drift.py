"""Mongo drift: the committed contracts against the (mutated) fixture collections.

Each test injects one change into a collection of the test database (mongomock, or a
real server with WDGUARD_TEST_MONGO_URI) and checks that drift names it to the field
path with the right compatibility class; the clean collections give no finding.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from bson import Decimal128, Int64

from tests.fixtures_mongo import COLLECTIONS, fixture_docs
from wdguard.contracts.io import load_contract
from wdguard.contracts.model import Contract
from wdguard.drift.mongo_diff import drift_collection, extra_collections, parent_path
from wdguard.findings import rules_of, worst_exit
from wdguard.sources.mongo import LiveDocuments

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
FILES = {"user_activities": "UserActivity", "pickup_tracking": "PickupTracking",
         "reviews": "Review"}
TODAY = dt.date(2026, 11, 26)


def contract(collection: str) -> Contract:
    return load_contract(CONTRACTS / f"{FILES[collection]}.yaml")


def drift(mdb, collection: str, *, today: dt.date = TODAY, c: Contract | None = None):
    found, _ = drift_collection(LiveDocuments(mdb.client, mdb.name), c or contract(collection),
                                size=1000, today=today)
    return found


def only(findings, code):
    hits = [f for f in findings if f.code == code]
    assert hits, f"no {code} in {[f.code + ' ' + (f.column or '') for f in findings]}"
    return hits


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_clean_fixture_collections_have_no_drift(mongo_db, collection):
    assert drift(mongo_db, collection) == []


def test_new_field_is_compatible_and_reported_at_its_topmost_path(mongo_db):
    docs = fixture_docs("user_activities")
    for d in docs[:50]:
        d["referrer"] = {"source": "newsletter", "campaign": "nov"}
        d["device"]["locale"] = "en-GB"
    mongo_db.load("user_activities", docs)
    found = drift(mongo_db, "user_activities")
    assert {(f.code, f.column, f.compat) for f in found} == {
        ("MGD101", "referrer", "compatible"),
        ("MGD101", "device.locale", "compatible"),
    }
    assert worst_exit(found) == 0 and worst_exit(found, strict=True) == 0


def test_required_field_gone_is_breaking(mongo_db):
    docs = fixture_docs("reviews")
    for d in docs:
        d.pop("userId")
    mongo_db.load("reviews", docs)
    found = drift(mongo_db, "reviews")
    (hit,) = only(found, "MGD102")
    assert hit.column == "userId" and hit.compat == "breaking" and hit.severity == "error"
    assert worst_exit(found) == 1


def test_field_renamed_is_breaking_for_old_and_new_for_new(mongo_db):
    docs = fixture_docs("pickup_tracking")
    for d in docs:
        d["batteryLevel"] = d.pop("battery")
    mongo_db.load("pickup_tracking", docs)
    found = drift(mongo_db, "pickup_tracking")
    assert {(f.code, f.column) for f in found} == {("MGD102", "battery"),
                                                    ("MGD101", "batteryLevel")}


def test_nested_required_field_gone_inside_array_elements(mongo_db):
    docs = fixture_docs("reviews")
    for d in docs:
        for photo in d["photos"]:
            photo.pop("url")
    mongo_db.load("reviews", docs)
    (hit,) = only(drift(mongo_db, "reviews"), "MGD102")
    assert hit.column == "photos[].url"


def test_required_presence_drop_is_a_warning(mongo_db):
    docs = fixture_docs("pickup_tracking")
    for d in docs[::10]:  # 10% without a status, or null
        d["status"] = None
    mongo_db.load("pickup_tracking", docs)
    found = drift(mongo_db, "pickup_tracking")
    (hit,) = only(found, "MGD103")
    assert hit.column == "status" and hit.compat == "warning"
    assert hit.details["presence"] == pytest.approx(0.9, abs=0.01)
    assert worst_exit(found) == 0 and worst_exit(found, strict=True) == 1


def test_optional_field_that_should_have_been_sampled_is_a_warning(mongo_db):
    docs = fixture_docs("pickup_tracking")
    for d in docs:
        d.pop("accuracy", None)
    mongo_db.load("pickup_tracking", docs)
    (hit,) = drift(mongo_db, "pickup_tracking")
    assert (hit.code, hit.column, hit.compat) == ("MGD103", "accuracy", "warning")


def test_rare_optional_field_missing_from_a_small_sample_is_not_reported(mongo_db):
    # `metadata.orderId` appears in ~14% of events: 10 events cannot vouch for its absence
    docs = [d for d in fixture_docs("user_activities") if "orderId" not in d["metadata"]]
    mongo_db.load("user_activities", docs[:10])
    found = drift(mongo_db, "user_activities")
    assert "metadata.orderId" not in {f.column for f in found}


def test_numeric_widening_is_a_warning(mongo_db):
    docs = fixture_docs("pickup_tracking")
    for d in docs[:5]:
        d["battery"] = Int64(d["battery"])
    mongo_db.load("pickup_tracking", docs)
    (hit,) = drift(mongo_db, "pickup_tracking")
    assert (hit.code, hit.column, hit.compat) == ("MGD104", "battery", "warning")
    assert hit.details["new_types"] == {"long": 5}


def test_incompatible_type_is_breaking(mongo_db):
    docs = fixture_docs("reviews")
    for d in docs[:3]:
        d["rating"] = str(d["rating"])  # "5" where 5 was
    mongo_db.load("reviews", docs)
    (hit,) = drift(mongo_db, "reviews")
    assert (hit.code, hit.column, hit.compat) == ("MGD105", "rating", "breaking")
    assert hit.details["new_types"] == {"string": 3}


def test_type_change_deep_in_an_array_of_subdocuments(mongo_db):
    docs = fixture_docs("user_activities")
    changed = 0
    for d in docs:
        for item in d["metadata"].get("items", []):
            item["quantity"] = f"{item['quantity']} bags"
            changed += 1
    mongo_db.load("user_activities", docs)
    (hit,) = drift(mongo_db, "user_activities")
    assert (hit.code, hit.column) == ("MGD105", "metadata.items[].quantity")
    assert hit.details["new_types"] == {"string": changed}


def test_subdocument_replaced_by_a_string_is_reported_once(mongo_db):
    docs = fixture_docs("user_activities")
    for d in docs:
        d["device"] = d["device"]["platform"]
    mongo_db.load("user_activities", docs)
    found = drift(mongo_db, "user_activities")
    assert [(f.code, f.column) for f in found] == [("MGD105", "device")]


def test_new_enum_value_is_a_warning(mongo_db):
    docs = fixture_docs("pickup_tracking")
    docs[0]["status"] = "CANCELLED"
    mongo_db.load("pickup_tracking", docs)
    (hit,) = drift(mongo_db, "pickup_tracking")
    assert (hit.code, hit.column, hit.compat) == ("MGD106", "status", "warning")
    assert hit.details["added"] == ["CANCELLED"]


def test_new_enum_value_inside_array_of_scalars(mongo_db):
    docs = fixture_docs("reviews")
    docs[0]["tags"] = ["eco"]
    mongo_db.load("reviews", docs)
    (hit,) = drift(mongo_db, "reviews")
    assert (hit.code, hit.column) == ("MGD106", "tags[]")


def test_enum_value_not_sampled_is_information_only(mongo_db):
    docs = [d for d in fixture_docs("pickup_tracking") if d["status"] != "ARRIVED"]
    mongo_db.load("pickup_tracking", docs)
    found = drift(mongo_db, "pickup_tracking")
    (hit,) = found
    assert (hit.code, hit.column, hit.severity) == ("MGD107", "status", "info")
    assert hit.details["unseen"] == ["ARRIVED"]
    assert worst_exit(found, strict=True) == 0


def test_new_schema_version_is_a_warning(mongo_db):
    docs = fixture_docs("reviews")
    docs[0]["schemaVersion"] = 3
    mongo_db.load("reviews", docs)
    (hit,) = drift(mongo_db, "reviews")
    assert (hit.code, hit.column, hit.compat) == ("MGD108", "schemaVersion", "warning")
    assert hit.details == {"version": "3", "documents": 1}


def test_old_schema_version_past_its_retire_after_date(mongo_db):
    # UserActivity's contract retires schemaVersion 1 after 2027-03-31 (a hand edit)
    assert drift(mongo_db, "user_activities", today=dt.date(2027, 3, 31)) == []
    (hit,) = drift(mongo_db, "user_activities", today=dt.date(2027, 4, 1))
    assert (hit.code, hit.column, hit.compat) == ("MGD109", "schemaVersion", "warning")
    assert hit.details["version"] == "1"
    # once the v1 documents are migrated, the warning goes away
    docs = [d for d in fixture_docs("user_activities") if d["schemaVersion"] == 2]
    mongo_db.load("user_activities", docs)
    found = drift(mongo_db, "user_activities", today=dt.date(2027, 4, 1))
    assert "MGD109" not in {f.code for f in found}


def test_missing_or_empty_collection_is_breaking(mongo_db):
    mongo_db.db.drop_collection("reviews")
    found = drift(mongo_db, "reviews")
    assert [(f.code, f.compat) for f in found] == [("MGD110", "breaking")]


def test_uncontracted_collection_is_compatible(mongo_db):
    found = extra_collections({"reviews"}, ["audit_log", "reviews"], "wastedump")
    assert [(f.code, f.object, f.compat) for f in found] == [
        ("MGD111", "audit_log", "compatible")]


def test_drift_never_writes(mongo_db):
    before = mongo_db.snapshot()
    mongo_db.commands.clear()
    for collection in COLLECTIONS:
        drift(mongo_db, collection)
    LiveDocuments(mongo_db.client, mongo_db.name).collections()
    assert mongo_db.snapshot() == before
    writes = {"insert", "update", "delete", "findAndModify", "createIndexes", "create",
              "drop", "dropIndexes"}
    assert not writes & set(mongo_db.commands)
    if mongo_db.real:
        assert "aggregate" in mongo_db.commands


def test_parent_paths():
    assert parent_path("a") is None
    assert parent_path("a.b") == "a"
    assert parent_path("a[]") == "a"
    assert parent_path("a[].b") == "a[]"


def test_every_mongo_kind_is_documented_and_classed():
    kinds = rules_of("mongo")
    assert [k.code for k in kinds] == [f"MGD{n}" for n in range(101, 118)]
    for kind in kinds:
        doc = kind.__doc__ or ""
        assert kind.summary() and "**Anti-pattern**" in doc and "**Best practice**" in doc
        assert kind.compat in ("breaking", "warning", "compatible")


def test_first_type_of_an_always_null_field_is_a_widening():
    from wdguard.contracts.mongo_infer import profile, to_contract
    from wdguard.drift.mongo_diff import diff_collection

    before = to_contract(profile([{"_id": i, "note": None} for i in range(30)]),
                         name="T", database="d", collection="t")
    assert before.columns["note"].type == "json"
    after = profile([{"_id": i, "note": "hello"} for i in range(30)])
    (hit,) = diff_collection(before, after, today=TODAY)
    assert (hit.code, hit.column, hit.compat) == ("MGD104", "note", "warning")
    assert hit.message == "note: contract type json (only null) widens to string x30"


# --- every finding in full ----------------------------------------------------------------
# Each scenario changes the fixture documents one way; its findings (code, column, class,
# message, help, details) are compared whole with mongo_drift.golden.json, reviewed by hand.
# Regenerate after an intended wording change with WDGUARD_UPDATE_GOLDEN=1.

GOLDEN = Path(__file__).with_name("mongo_drift.golden.json")


def _drop(field):
    def change(docs):
        for d in docs:
            d.pop(field, None)
        return docs
    return change


def _drop_nested(parent, field):
    def change(docs):
        for d in docs:
            d[parent].pop(field, None)
        return docs
    return change


def _drop_photo_urls(docs):
    for d in docs:
        for photo in d["photos"]:
            photo.pop("url")
    return docs


def _drop_item_quantities(docs):
    for d in docs:
        for item in d["metadata"].get("items", []):
            item.pop("quantity")
    return docs


def _items_without_elements(docs):
    """metadata.items only ever empty: its elements' fields could not have been sampled."""
    for d in docs:
        if "items" in d["metadata"]:
            d["metadata"]["items"] = []
    return docs


def _null_status_every_tenth(docs):
    for d in docs[::10]:
        d["status"] = None
    return docs


def _null_user_in_ten(docs):
    for d in docs[:10]:
        d["userId"] = None
    return docs


def _long_battery(docs):
    for d in docs[:5]:
        d["battery"] = Int64(d["battery"])
    return docs


def _rating_as_text(docs):
    for d in docs[:3]:
        d["rating"] = str(d["rating"])
    return docs


def _device_as_text(docs):
    for d in docs:
        d["device"] = d["device"]["platform"]
    return docs


def _new_status_and_no_arrived(docs):
    docs = [d for d in docs if d["status"] not in ("ARRIVED", "COMPLETED")]
    docs[0]["status"] = "CANCELLED"
    docs[1]["status"] = "ABORTED"
    return docs


def _free_text_status(docs):
    for i, d in enumerate(docs):
        d["status"] = f"status-{i}"
    return docs


def _new_fields(docs):
    for d in docs[:50]:
        d["referrer"] = {"source": "newsletter", "campaign": "nov"}
        d["device"]["locale"] = "en-GB"
        d["code"] = 7 if d is docs[0] else "x7"  # two types in one new field
    for d in docs[:4]:
        d["metadata"].setdefault("items", []).append({"productId": "p", "quantity": 1,
                                                       "unitPrice": Decimal128("1.50"),
                                                       "sku": "x"})
    return docs


def _schema_versions(docs):
    docs[0]["schemaVersion"] = 3
    docs[1]["schemaVersion"] = 3
    docs[2]["schemaVersion"] = 4
    return docs


def _set(field, value):
    def change(docs):
        for d in docs:
            d[field] = value
        return docs
    return change


def _two_speed_types(docs):
    docs[0]["speed"] = "fast"
    docs[1]["speed"] = True
    docs[2]["speed"] = True
    return docs


SCENARIOS = {
    "required_top_level_gone": ("reviews", _drop("userId"), TODAY),
    "required_in_subdocument_gone": ("user_activities", _drop_nested("device", "platform"),
                                     TODAY),
    "required_in_array_elements_gone": ("reviews", _drop_photo_urls, TODAY),
    "required_in_optional_array_gone": ("user_activities", _drop_item_quantities, TODAY),
    "array_never_has_elements": ("user_activities", _items_without_elements, TODAY),
    "subdocument_gone_with_its_fields": ("user_activities", _drop("device"), TODAY),
    "optional_field_gone": ("pickup_tracking", _drop("accuracy"), TODAY),
    "required_presence_below_ratio": ("pickup_tracking", _null_status_every_tenth, TODAY),
    "required_presence_of_300": ("reviews", _null_user_in_ten, TODAY),  # 290/300: 0.9667
    "widened": ("pickup_tracking", _long_battery, TODAY),
    "changed_type": ("reviews", _rating_as_text, TODAY),
    "subdocument_became_text": ("user_activities", _device_as_text, TODAY),
    "enum_added_and_unseen": ("pickup_tracking", _new_status_and_no_arrived, TODAY),
    "enum_became_free_text": ("pickup_tracking", _free_text_status, TODAY),
    "new_fields": ("user_activities", _new_fields, TODAY),
    "schema_versions_added": ("reviews", _schema_versions, TODAY),
    "schema_version_past_retirement": ("user_activities", lambda docs: docs,
                                       dt.date(2027, 4, 1)),
    # no element sampled at `tags[]`: empty arrays say nothing; a string is reported once
    "array_always_empty": ("reviews", _set("tags", []), TODAY),
    "array_became_text": ("reviews", _set("tags", "clean"), TODAY),
    "two_new_types": ("pickup_tracking", _two_speed_types, TODAY),
    "collection_empty": ("reviews", lambda docs: [], TODAY),
}


def _scenario_findings(mongo_db, name):
    collection, change, today = SCENARIOS[name]
    mongo_db.load(collection, change(fixture_docs(collection)))
    return [f.to_dict() for f in drift(mongo_db, collection, today=today)]


def test_every_finding_in_full_matches_the_reviewed_golden_file(mongo_db):
    got = {}
    for name in SCENARIOS:
        got[name] = _scenario_findings(mongo_db, name)
    got["extra_collections"] = [
        f.to_dict() for f in extra_collections({"reviews"}, ["audit_log", "reviews"], "wd")
    ]
    got["extra_collections_with_models"] = [
        f.to_dict() for f in extra_collections(
            {"reviews", "audit_log"}, ["audit_log", "reviews", "tmp"], "wd",
            modelled={"reviews"})
    ]
    got = json.loads(json.dumps(got, default=str))
    if os.environ.get("WDGUARD_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
    assert got == json.loads(GOLDEN.read_text())
    assert all(got[name] for name in got
               if name not in ("array_never_has_elements", "array_always_empty"))


def _hand_written(collection: str) -> Contract:
    """The committed contract as a person would write it: logical types, no bson_types."""
    c = contract(collection)
    cols = {p: col.model_copy(update={"bson_types": None, "presence": None})
            for p, col in c.columns.items()}
    return c.model_copy(update={"columns": cols})


def test_hand_written_contract_accepts_each_logical_types_bson_types(mongo_db):
    for collection in COLLECTIONS:
        assert drift(mongo_db, collection, c=_hand_written(collection)) == [], collection
    # an optional field of unknown presence is never "should have been sampled"
    mongo_db.load("pickup_tracking", _drop("accuracy")(fixture_docs("pickup_tracking")))
    assert drift(mongo_db, "pickup_tracking", c=_hand_written("pickup_tracking")) == []
    docs = fixture_docs("pickup_tracking")
    docs[0]["battery"] = Int64(50)   # integer: int only, long a widening
    docs[1]["heading"] = "N"         # integer: a string is a change
    docs[2]["speed"] = True          # float (int/long/double): a bool is a change
    mongo_db.load("pickup_tracking", docs)
    found = drift(mongo_db, "pickup_tracking", c=_hand_written("pickup_tracking"))
    assert [(f.code, f.column, f.details["contract_types"], f.details["new_types"])
            for f in found] == [
        ("MGD104", "battery", ["int"], {"long": 1}),
        ("MGD105", "heading", ["int"], {"string": 1}),
        ("MGD105", "speed", ["double", "int", "long"], {"bool": 1}),
    ]


@pytest.mark.parametrize("nulls,reported", [(4, False), (5, True)])
def test_required_presence_exactly_at_the_ratio_is_not_a_drop(mongo_db, nulls, reported):
    docs = fixture_docs("pickup_tracking")
    assert len(docs) == 400  # 396/400 is exactly the contract's required_ratio 0.99
    for d in docs[:nulls]:
        d["status"] = None
    mongo_db.load("pickup_tracking", docs)
    found = [(f.code, f.column) for f in drift(mongo_db, "pickup_tracking")]
    assert found == ([("MGD103", "status")] if reported else [])


def test_accepted_values_of_a_string_field_are_checked_and_a_list_has_none_of_its_own(mongo_db):
    c = contract("pickup_tracking")
    status = c.columns["status"].model_copy(update={"type": "string", "values": None,
                                                    "accepted_values": ["ARRIVED", "COLLECTING",
                                                                        "COMPLETED", "EN_ROUTE"]})
    r = contract("reviews")
    tags = r.columns["tags"].model_copy(update={"values": ["clean"]})  # on the list itself
    docs = fixture_docs("pickup_tracking")
    docs[0]["status"] = "LOST"
    mongo_db.load("pickup_tracking", docs)
    found = drift(mongo_db, "pickup_tracking",
                  c=c.model_copy(update={"columns": {**c.columns, "status": status}}))
    assert [(f.code, f.column, f.details) for f in found] == [
        ("MGD106", "status", {"added": ["LOST"]})]
    assert drift(mongo_db, "reviews",
                 c=r.model_copy(update={"columns": {**r.columns, "tags": tags}})) == []


def test_findings_do_not_depend_on_the_order_documents_are_sampled_in(mongo_db):
    docs = _schema_versions(fixture_docs("reviews"))
    mongo_db.load("reviews", docs)
    first = [f.to_dict() for f in drift(mongo_db, "reviews")]
    mongo_db.load("reviews", docs[::-1])
    assert [f.to_dict() for f in drift(mongo_db, "reviews")] == first
    assert [f["details"]["version"] for f in first] == ["3", "4"]


def test_without_a_mongo_section_the_required_ratio_is_99_percent(mongo_db):
    c = contract("pickup_tracking")
    docs = fixture_docs("pickup_tracking")
    mongo_db.load("pickup_tracking", docs)
    assert drift(mongo_db, "pickup_tracking", c=c.model_copy(update={"mongo": None})) == []
    for d in docs[:5]:  # 395/400 = 98.75%
        d["status"] = None
    mongo_db.load("pickup_tracking", docs)
    found = drift(mongo_db, "pickup_tracking", c=c.model_copy(update={"mongo": None}))
    assert [(f.code, f.details["required"]) for f in found] == [("MGD103", 0.99)]
    # a contract's own ratio is used: 95% tolerates the same sample
    looser = c.model_copy(update={"mongo": c.mongo.model_copy(update={"required_ratio": 0.95})})
    assert drift(mongo_db, "pickup_tracking", c=looser) == []


def test_elements_of_a_list_the_contract_never_saw_filled_are_a_new_field(mongo_db):
    """A list derived while always empty has no `x[]` column: its first elements are new."""
    r = contract("reviews")
    cols = {p: col for p, col in r.columns.items() if not p.startswith("tags[]")}
    found = drift(mongo_db, "reviews", c=r.model_copy(update={"columns": cols}))
    assert [(f.code, f.column, f.message) for f in found] == [
        ("MGD101", "tags[]", "new field tags[] (string)")]


def test_findings_follow_the_contracts_column_order(mongo_db):
    c = contract("pickup_tracking")
    backwards = c.model_copy(update={"columns": dict(reversed(list(c.columns.items())))})
    docs = fixture_docs("pickup_tracking")
    for d in docs[:3]:
        d["battery"] = "low"
        d["status"] = "LOST"
    mongo_db.load("pickup_tracking", docs)
    assert [f.column for f in drift(mongo_db, "pickup_tracking", c=c)] == ["battery", "status"]
    assert [f.column for f in drift(mongo_db, "pickup_tracking", c=backwards)] == [
        "status", "battery"]


def test_since_samples_only_documents_newer_on_the_freshness_column(mongo_db):
    docs = fixture_docs("reviews")
    newest = max(d["createdAt"] for d in docs)
    mongo_db.load("reviews", docs)
    source = LiveDocuments(mongo_db.client, mongo_db.name)
    _, all_docs = drift_collection(source, contract("reviews"), size=1000, today=TODAY)
    _, recent = drift_collection(source, contract("reviews"), size=1000, today=TODAY,
                                 since=newest)
    assert all_docs == 300
    assert recent == sum(d["createdAt"] >= newest for d in docs) < 300
