"""Inference from sampled documents: paths, BSON types, presence, enums, versions."""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid

import pytest
from bson import Binary, Decimal128, Int64, ObjectId, Regex, Timestamp

from tests.fixtures_mongo import fixture_docs
from wdguard.contracts.io import dump_contract, parse_contract_text
from wdguard.contracts.merge import fingerprint, merge
from wdguard.contracts.mongo_infer import (
    MISSING,
    InferOptions,
    bson_type,
    keep_stable_stats,
    profile,
    to_contract,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x", "string"),
        (1, "int"),
        (2**31 - 1, "int"),
        (2**31, "long"),
        (-(2**31) - 1, "long"),
        (Int64(3), "long"),
        (1.5, "double"),
        (True, "bool"),
        (None, "null"),
        ({"a": 1}, "object"),
        ([1], "array"),
        (dt.datetime(2026, 1, 1), "date"),
        (ObjectId(), "objectId"),
        (Decimal128("1.10"), "decimal"),
        (b"\x00", "binData"),
        (Binary(b"\x00", 0), "binData"),
        (uuid.uuid4(), "binData"),
        (Regex("^a"), "regex"),
        (re.compile("^a"), "regex"),
        (Timestamp(0, 1), "timestamp"),
    ],
)
def test_bson_type_names_follow_mongodb(value, expected):
    assert bson_type(value) == expected
    assert profile([{"f": value}]).types["f"] == {expected: 1}


def test_paths_through_subdocuments_and_arrays():
    docs = [
        {"a": {"b": 1, "c": {"d": "x"}}, "items": [{"p": 1}, {"p": 2, "q": None}], "tags": ["t"]},
        {"a": {"b": 2}, "items": [], "tags": ["t", "u"], "m": [[1, 2]]},
    ]
    prof = profile(docs)
    assert set(prof.types) == {
        "a", "a.b", "a.c", "a.c.d", "items", "items[]", "items[].p", "items[].q",
        "tags", "tags[]", "m", "m[]", "m[][]",
    }
    assert prof.types["items[]"] == {"object": 2}
    assert prof.types["items[].q"] == {"null": 1}
    assert prof.types["tags[]"] == {"string": 3}
    assert prof.types["m[][]"] == {"int": 2}
    c = to_contract(prof, name="T", database="d", collection="t")
    assert c.columns["m"].items == "json" and c.columns["m[]"].items == "integer"
    assert c.columns["items"].items == "object" and c.columns["tags"].items == "string"
    # presence is over the places a path could appear: docs, parent objects, array elements
    assert prof.presence("a") == 1.0
    assert prof.presence("a.c") == 0.5
    assert prof.presence("a.c.d") == 1.0  # every `a.c` object has it
    assert prof.presence("items[].p") == 1.0
    assert prof.presence("items[].q") == 0.5
    assert prof.present_non_null("items[].q") == 0.0


def test_fixture_contract_types_and_requiredness():
    docs = fixture_docs("pickup_tracking")
    c = to_contract(profile(docs), name="PickupTracking", database="wastedump",
                    collection="pickup_tracking")
    cols = c.columns
    assert c.source.kind == "mongodb" and c.source.collection == "pickup_tracking"
    assert c.primary_key == ["_id"]
    assert cols["_id"].type == "string" and cols["_id"].bson_types == {"objectId": 1.0}
    assert cols["driverId"].type == "uuid" and not cols["driverId"].nullable
    assert cols["speed"].type == "float"
    assert set(cols["speed"].bson_types) == {"double", "int"}  # int 0 when stopped
    assert cols["recordedAt"].type == "timestamp"
    assert cols["location.coordinates"].type == "list"
    assert cols["location.coordinates"].items == "float"
    assert cols["location.coordinates[]"].bson_types == {"double": 1.0}
    assert cols["location.type"].type == "enum" and cols["location.type"].values == ["Point"]
    assert cols["status"].values == ["ARRIVED", "COLLECTING", "COMPLETED", "EN_ROUTE"]
    assert cols["accuracy"].nullable and 0.6 < cols["accuracy"].presence < 0.8
    assert cols["heading"].nullable  # added in schema version 2 only
    assert c.mongo.schema_version_field == "schemaVersion"
    assert set(c.mongo.schema_versions) == {"1", "2"}
    assert sum(c.mongo.schema_versions.values()) == pytest.approx(1.0, abs=0.011)
    assert c.mongo.sample_size == len(docs)


def test_fixture_user_activity_nested_array_paths_and_long_decimal():
    c = to_contract(profile(fixture_docs("user_activities")), name="UserActivity",
                    database="wastedump", collection="user_activities")
    cols = c.columns
    assert cols["metadata.items"].type == "list" and cols["metadata.items"].items == "object"
    assert cols["metadata.items[].productId"].type == "uuid"
    assert not cols["metadata.items[].productId"].nullable  # in every element
    assert cols["metadata.items[].unitPrice"].type == "decimal"
    assert cols["durationMs"].type == "bigint"
    # v1 -> v2 renamed event -> type: both optional, both enum-like with the same values
    assert cols["event"].nullable and cols["type"].nullable
    assert cols["event"].values == cols["type"].values
    assert cols["metadata.query"].type == "string"  # many distinct values: free text


def test_numeric_mix_and_mixed_types():
    docs = [{"n": 1, "l": 1, "x": 1}, {"n": 2.5, "l": Int64(2), "x": "one"}]
    c = to_contract(profile(docs), name="T", database="d", collection="t")
    assert c.columns["n"].type == "float"
    assert c.columns["l"].type == "bigint"
    assert c.columns["x"].type == "json"


def test_required_ratio_and_enum_thresholds_are_options():
    docs = [{"s": "a" if i % 2 else "b", "o": 1} for i in range(98)] + [{"s": "a"}] * 2
    prof = profile(docs)
    strict = to_contract(prof, name="T", database="d", collection="t")
    assert strict.columns["o"].nullable  # in 98% of documents, below the default 0.99
    assert not to_contract(prof, name="T", database="d", collection="t",
                           options=InferOptions(required_ratio=0.98)).columns["o"].nullable
    assert strict.columns["s"].type == "enum" and strict.columns["s"].values == ["a", "b"]
    loose = to_contract(prof, name="T", database="d", collection="t",
                        options=InferOptions(enum_max_distinct=1))
    assert loose.columns["s"].type == "string"
    few = to_contract(profile(docs[:5]), name="T", database="d", collection="t")
    assert few.columns["s"].type == "string"  # too few values to call it an enum


def test_version_field_falls_back_to_mongoose_v_and_counts_missing():
    docs = [{"__v": 0}, {"__v": 1}, {"x": 1}]
    prof = profile(docs)
    assert prof.version_field == "__v"
    assert prof.versions == {"0": 1, "1": 1, MISSING: 1}
    prof = profile([{"shape": "v1"}, {"shape": "v2"}], version_field="shape")
    assert prof.version_field == "shape" and prof.versions == {"v1": 1, "v2": 1}
    assert profile([{"x": 1}]).version_field is None


def test_contract_yaml_round_trips():
    c = merge(None, to_contract(profile(fixture_docs("reviews")), name="Review",
                                database="wastedump", collection="reviews"))
    text = dump_contract(c)
    again = parse_contract_text(text, "Review.yaml")
    assert again == c
    assert dump_contract(again) == text


def test_resample_with_same_shape_keeps_the_file_byte_identical():
    docs = fixture_docs("reviews")
    full = merge(None, to_contract(profile(docs), name="Review", database="w", collection="r"))
    subset = random.Random(7).choices(docs, k=len(docs))  # another sample, same size
    derived = to_contract(profile(subset), name="Review", database="w", collection="r")
    merged = merge(full, derived)
    assert merged.fingerprint == full.fingerprint and merged.version == full.version
    assert dump_contract(merged) != dump_contract(full)  # raw sample figures moved ...
    assert dump_contract(keep_stable_stats(full, merged)) == dump_contract(full)  # ... kept


def test_shape_change_bumps_version_and_updates_stats():
    docs = fixture_docs("reviews")
    full = merge(None, to_contract(profile(docs), name="Review", database="w", collection="r"))
    for d in docs:
        d["rating"] = str(d["rating"])
    changed = merge(full, to_contract(profile(docs), name="Review", database="w", collection="r"))
    assert changed.version == full.version + 1
    assert changed.fingerprint != full.fingerprint == fingerprint(full)
    assert keep_stable_stats(full, changed).columns["rating"].bson_types == {"string": 1.0}
