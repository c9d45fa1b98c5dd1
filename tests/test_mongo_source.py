"""Read-only sampling: $sample size, --since, errors as one line, URIs redacted."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from pymongo import MongoClient
from pymongo.errors import ExecutionTimeout, OperationFailure, ServerSelectionTimeoutError

from tests.fixtures_mongo import FIXTURES, fixture_docs
from wdguard.errors import InputError, SourceError
from wdguard.redact import redact_text
from wdguard.sources import mongo as src


def test_sample_takes_at_most_n_random_documents(mongo_db):
    docs = src.sample(mongo_db.client, mongo_db.name, "reviews", size=50)
    assert len(docs) == 50
    assert len({d["_id"] for d in docs}) == 50
    assert len(src.sample(mongo_db.client, mongo_db.name, "reviews", size=10_000)) == 300


def test_sample_since_keeps_newer_documents_only(mongo_db):
    since = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    docs = src.sample(mongo_db.client, mongo_db.name, "reviews", size=1000, since=since,
                      since_field="createdAt")
    expected = [d for d in fixture_docs("reviews") if d["createdAt"] >= since.replace(tzinfo=None)]
    assert 0 < len(docs) == len(expected) < 300
    with pytest.raises(InputError, match="--since-field"):
        src.sample(mongo_db.client, mongo_db.name, "reviews", since=since)


def test_list_collections(mongo_db):
    assert src.list_collections(mongo_db.client, mongo_db.name) == [
        "pickup_tracking", "reviews", "user_activities"]


def test_unreachable_server_is_one_source_error_line_without_password():
    client = MongoClient("mongodb://app:hunter2@127.0.0.1:1/", serverSelectionTimeoutMS=200,
                         connectTimeoutMS=200)
    with pytest.raises(SourceError) as info:
        src.sample(client, "wastedump", "reviews", size=5)
    line = info.value.one_line()
    assert "unreachable" in line and "wastedump.reviews" in line
    assert "hunter2" not in line and "\n" not in line


@pytest.mark.parametrize(
    ("exc", "text"),
    [
        (ServerSelectionTimeoutError("no servers"), "unreachable"),
        (ExecutionTimeout("operation exceeded time limit", 50), "time limit"),
        (OperationFailure("Authentication failed.", 18), "credentials"),
        (OperationFailure("not authorized on wastedump", 13), "credentials"),
        (OperationFailure("boom", 2), "MongoDB error: boom"),
    ],
)
def test_driver_errors_map_to_one_line(exc, text):
    err = src._source_error(exc, "wastedump.reviews")
    assert isinstance(err, SourceError) and text in err.one_line()


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("mongodb://app:s3cr%40t@db1:27017,db2/wastedump?replicaSet=rs0",
         "mongodb://app:***@db1:27017,db2/wastedump?replicaSet=rs0"),
        ("mongodb+srv://app:pw@cluster0.example.net/", "mongodb+srv://app:***@cluster0.example.net/"),
        ("mongodb://db1/?authMechanism=PLAIN&password=pw", "mongodb://db1/?authMechanism=PLAIN&password=***"),
        ("mongodb://db1:27017/", "mongodb://db1:27017/"),
    ],
)
def test_redact_uri(uri, shown):
    assert redact_text(uri) == shown


def test_connect_needs_a_uri_and_keeps_uri_timeouts(monkeypatch):
    monkeypatch.delenv(src.URI_ENV, raising=False)
    with pytest.raises(InputError, match="--uri"):
        src.connect(None)
    client = src.connect("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=123")
    assert client.options.server_selection_timeout == 0.123
    assert client.options.pool_options.connect_timeout == 5.0
    monkeypatch.setenv(src.URI_ENV, "mongodb://127.0.0.1:1/")
    assert src.connect(None).options.server_selection_timeout == 5.0
    with pytest.raises(InputError) as info:
        src.connect("mongodb://app:pw@/nohost")
    assert ":pw@" not in info.value.one_line()


def test_extended_json_array_and_lines(tmp_path):
    docs = src.read_extended_json(FIXTURES / "reviews.json")
    assert len(docs) == 300
    lines = tmp_path / "events.json"
    lines.write_text('{"a": {"$numberLong": "5"}}\n\n{"a": {"$numberInt": "1"}}\n')
    assert [type(d["a"]).__name__ for d in src.read_extended_json(lines)] == ["Int64", "int"]


def test_bad_extended_json_names_the_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"a": 1},')
    with pytest.raises(InputError) as info:
        src.read_extended_json(bad)
    assert str(bad) in info.value.one_line()
    scalars = tmp_path / "scalars.json"
    scalars.write_text(json.dumps([1, 2]))
    with pytest.raises(InputError, match="expected documents"):
        src.read_extended_json(scalars)


def test_json_documents_sample_is_deterministic_and_bounded():
    source = src.JsonDocuments(FIXTURES, "wastedump")
    assert source.collections() == ["pickup_tracking", "reviews", "user_activities"]
    first = source.sample("reviews", 100)
    assert len(first) == 100 and first == source.sample("reviews", 100)
    assert source.sample("nope", 100) == []


class _Spy:
    """Records how wdguard asks for documents: the collection options and the aggregate."""

    def __init__(self, real_client):
        self.real = real_client
        self.calls: list[tuple] = []

    def __getitem__(self, database):
        spy = self

        class _Db:
            def get_collection(self, name, **options):
                spy.calls.append(("get_collection", name, options))
                coll = spy.real[database].get_collection(name, **options)

                class _Coll:
                    def aggregate(self, pipeline, **kwargs):
                        # a copy: mongomock consumes the $sample stage it is given
                        spy.calls.append(("aggregate", copy.deepcopy(pipeline), kwargs))
                        return coll.aggregate(pipeline, **kwargs)

                return _Coll()

        return _Db()


def test_sampling_asks_for_a_secondary_a_time_limit_and_no_disk(mongo_db):
    from pymongo import ReadPreference

    spy = _Spy(mongo_db.client)
    since = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    docs = src.sample(spy, mongo_db.name, "reviews", size=7, since=since, since_field="createdAt",
                      max_time_ms=1234)
    assert len(docs) == 7
    (_, name, options), (_, pipeline, kwargs) = spy.calls
    assert name == "reviews"
    assert options == {"read_preference": ReadPreference.SECONDARY_PREFERRED}
    assert pipeline == [{"$match": {"createdAt": {"$gte": since}}}, {"$sample": {"size": 7}}]
    assert kwargs == {"maxTimeMS": 1234, "allowDiskUse": False}
