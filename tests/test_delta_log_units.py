"""The Delta log read as data, on hand-written logs (no delta-rs, milliseconds): each
action's fields, the pipeline's metadata, checkpoints standing in for cleaned-up commits,
schema changes classed, and which reader refuses which protocol (lake/delta/log.py,
schema.py, protocol.py). tests/test_delta_drift.py holds the same on tables delta-rs
wrote."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from wdguard.errors import InputError
from wdguard.lake.delta.log import (
    Protocol,
    current_metadata,
    current_protocol,
    parse_commit,
    read_log,
)
from wdguard.lake.delta.protocol import needed_features, require_readable, unsupported
from wdguard.lake.delta.schema import Field, diff_schemas, parse_schema, type_text, widens
from wdguard.lake.storage import LocalStore

SCHEMA = {"type": "struct", "fields": [
    {"name": "id", "type": "long", "nullable": False, "metadata": {}},
    {"name": "tags", "type": {"type": "array", "elementType": "string", "containsNull": True},
     "nullable": True,
     "metadata": {"delta.columnMapping.id": 7, "delta.columnMapping.physicalName": "col-7"}},
    {"name": "n", "type": "integer"},
]}


def lines(*actions) -> str:
    return "\n".join(json.dumps(a) for a in actions) + "\n"


def test_a_commit_reads_every_action():
    text = lines(
        {"commitInfo": {"timestamp": 1764115200000, "operation": "WRITE",
                        "operationParameters": {"mode": "Append"},
                        "operationMetrics": {"num_added_rows": 3},
                        "userMetadata": json.dumps({"extracted_at": "2026-11-26T01:02:03",
                                                    "migration_head": "20261120_x",
                                                    "date": "2026-11-26"})}},
        {"protocol": {"minReaderVersion": 3, "minWriterVersion": 7,
                      "readerFeatures": ["deletionVectors"], "writerFeatures": ["x", "y"]}},
        {"metaData": {"schemaString": json.dumps(SCHEMA), "partitionColumns": ["d"],
                      "configuration": {"delta.columnMapping.mode": "name"}}},
        {"add": {"path": "d=1/a.parquet", "partitionValues": {"d": "1"}, "size": 123,
                 "stats": json.dumps({"numRecords": 3}), "deletionVector": {"x": 1}}},
        {"add": {"path": "b.parquet", "stats": "not json"}},
        {"add": {"path": "c.parquet", "stats": ""}},
        {"add": {"path": "e.parquet", "stats": json.dumps({"minValues": {}})}},
        {"add": {"path": "f.parquet", "stats": {"numRecords": 3}}},  # not the text it must be
        {"remove": {"path": "old.parquet"}},
        {"txn": {"appId": "ignored"}},
    )
    c = parse_commit(4, "\n  \n" + text, "lake/t")  # blank lines are skipped
    assert c.version == 4
    assert c.timestamp == datetime(2025, 11, 26, tzinfo=UTC)
    assert (c.operation, c.parameters, c.metrics) == ("WRITE", {"mode": "Append"},
                                                      {"num_added_rows": 3})
    assert c.extracted_at == datetime(2026, 11, 26, 1, 2, 3, tzinfo=UTC)  # naive: UTC
    assert (c.migration_head, c.date) == ("20261120_x", "2026-11-26")
    assert c.protocol == Protocol(3, 7, ("deletionVectors",), ("x", "y"))
    assert [f.name for f in c.schema] == ["id", "tags", "n"]
    assert (c.partition_columns, c.configuration) == (["d"], {"delta.columnMapping.mode": "name"})
    a, b, cc, e, f = c.adds
    assert (a.path, a.partition_values, a.size, a.num_records, a.deletion_vector) == (
        "d=1/a.parquet", {"d": "1"}, 123, 3, True)
    assert (b.path, b.partition_values, b.size, b.num_records, b.deletion_vector) == (
        "b.parquet", {}, 0, None, False)
    assert cc.num_records is None and e.num_records is None and f.num_records is None
    assert c.removes == ["old.parquet"]


def test_an_empty_commit_has_the_defaults():
    c = parse_commit(0, lines({"commitInfo": None}, {"protocol": {}},
                              {"metaData": {"schemaString": json.dumps(SCHEMA)}}), "t")
    assert c.timestamp is None and c.operation is None
    assert (c.parameters, c.metrics) == ({}, {})
    assert (c.extracted_at, c.migration_head, c.date) == (None, None, None)
    assert c.protocol == Protocol(1, 2, (), ())
    assert (c.partition_columns, c.configuration) == ([], {})
    assert (c.adds, c.removes) == ([], [])


@pytest.mark.parametrize(("info", "extracted", "head", "date"), [
    # delta-rs custom_metadata lands in commitInfo itself; an aware time keeps its zone
    ({"extracted_at": "2026-11-26T01:00:00+02:00", "migration_head": "m1", "date": "d1"},
     datetime(2026, 11, 25, 23, tzinfo=UTC), "m1", "d1"),
    # userMetadata overrides commitInfo's own keys
    ({"migration_head": "m0", "userMetadata": '{"migration_head": "m2"}'}, None, "m2", None),
    # and adds to them
    ({"migration_head": "m0", "userMetadata": '{"date": "d2"}'}, None, "m0", "d2"),
    # userMetadata that is not a JSON object, or not JSON: ignored
    ({"migration_head": "m0", "userMetadata": "[1]"}, None, "m0", None),
    ({"migration_head": "m0", "userMetadata": "{broken"}, None, "m0", None),
    ({"userMetadata": 5, "migration_head": "m3"}, None, "m3", None),
    # empty or non-text values are no value
    ({"extracted_at": "yesterday", "migration_head": "", "date": ""}, None, None, None),
    ({"extracted_at": 5, "migration_head": 7, "date": 8}, None, None, None),
])
def test_the_pipelines_metadata(info, extracted, head, date):
    c = parse_commit(1, lines({"commitInfo": info}), "t")
    assert (c.extracted_at, c.migration_head, c.date) == (extracted, head, date)


def test_a_bad_commit_is_one_input_error_naming_version_and_line():
    with pytest.raises(InputError, match=r"^malformed commit 5 line 2: ") as exc:
        parse_commit(5, lines({"commitInfo": {}}) + "{nope\n", "lake/t")
    assert exc.value.where == "lake/t"
    for meta in ({}, {"schemaString": "{"}, {"schemaString": '{"type": "array"}'},
                 {"schemaString": "null"}, {"schemaString": '{"type": "struct"}'},
                 {"schemaString": '{"type": "struct", "fields": ["x"]}'}):
        with pytest.raises(InputError, match=r"^unreadable metaData schema in version 3: ") as e:
            parse_commit(3, lines({"metaData": meta}), "lake/t")
        assert e.value.where == "lake/t"


def write_log(root, table, commits: dict[int, str], checkpoints: dict[int, list] = ()):
    log = root / table / "_delta_log"
    log.mkdir(parents=True)
    for v, text in commits.items():
        (log / f"{v:020d}.json").write_text(text)
    for v, rows in dict(checkpoints).items():
        pq.write_table(pa.Table.from_pylist(rows), log / f"{v:020d}.checkpoint.parquet")
    (log / "_last_checkpoint").write_text("{}")
    (log / f"{9:020d}.crc").write_text("")  # not a commit
    return LocalStore(root)


def meta(fields) -> str:
    return json.dumps({"type": "struct", "fields": [
        {"name": n, "type": "long", "nullable": True} for n in fields]})


def test_the_log_is_every_commit_oldest_first(tmp_path):
    store = write_log(tmp_path, "s/t", {
        v: lines({"commitInfo": {"timestamp": v, "operation": f"op{v}"}}) for v in (0, 1, 10)})
    commits = read_log(store, "s/t/")
    assert [(c.version, c.operation) for c in commits] == [(0, "op0"), (1, "op1"), (10, "op10")]
    # a checkpoint is not read while the first commit is still there
    store = write_log(tmp_path, "s/u", {0: lines({"commitInfo": {"operation": "a"}}),
                                        1: lines({"commitInfo": {"operation": "b"}})},
                      {v: [{"metaData": None, "protocol": {"minReaderVersion": 9}}] for v in (0, 1)})
    assert [(c.version, c.operation, c.protocol) for c in read_log(store, "s/u")] == [
        (0, "a", None), (1, "b", None)]


def test_a_checkpoint_stands_in_for_the_cleaned_up_commits(tmp_path):
    rows = [
        {"metaData": {"schemaString": meta(["a", "b"]), "partitionColumns": ["b"]},
         "protocol": None},
        {"metaData": None, "protocol": {"minReaderVersion": 2, "minWriterVersion": 5}},
    ]
    commit = lines({"commitInfo": {"timestamp": 1000, "operation": "CHECKPOINTED",
                                   "operationParameters": {"p": 1},
                                   "operationMetrics": {"m": 2}}},
                   {"add": {"path": "x.parquet"}})
    store = write_log(tmp_path, "t", {3: commit, 4: lines({"commitInfo": {"operation": "w"}})},
                      {1: rows, 3: rows, 5: rows})
    first, second = read_log(store, "t")
    assert first.version == 3  # the newest checkpoint not after the first commit left
    assert [f.name for f in first.schema] == ["a", "b"] and first.partition_columns == ["b"]
    assert first.protocol == Protocol(2, 5)
    assert first.timestamp == datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert (first.operation, first.parameters, first.metrics) == (
        "CHECKPOINTED", {"p": 1}, {"m": 2})
    assert first.adds == []  # the checkpoint's adds are delta-rs's business
    assert (second.version, second.operation) == (4, "w")
    # its commit file gone too: the checkpoint alone, with no time
    store = write_log(tmp_path, "u", {4: lines({"commitInfo": {"operation": "w"}})},
                      {3: rows})
    first, second = read_log(store, "u")
    assert (first.version, first.timestamp, first.operation) == (3, None, None)
    assert [f.name for f in first.schema] == ["a", "b"] and second.version == 4
    # only checkpoints: the newest
    store = write_log(tmp_path, "v", {}, {3: rows, 6: rows[:1]})
    (only,) = read_log(store, "v")
    assert (only.version, only.protocol) == (6, None)


def test_an_unreadable_log_is_one_input_error(tmp_path):
    store = write_log(tmp_path, "t", {})
    with pytest.raises(InputError, match="^no Delta commits in _delta_log$") as exc:
        read_log(store, "t")
    assert exc.value.where == f"{tmp_path}/t"
    log = tmp_path / "u" / "_delta_log"
    log.mkdir(parents=True)
    (log / f"{2:020d}.checkpoint.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputError, match=f"^unreadable checkpoint {2:020d}.checkpoint.parquet"
                       ) as exc:
        read_log(LocalStore(f"{tmp_path}/"), "u")
    assert exc.value.where == f"{tmp_path}/u"  # the store's URL without its trailing slash
    # a malformed commit names its version and the table, the checkpointed one too
    store = write_log(tmp_path, "m", {0: "{", 1: "{"})
    with pytest.raises(InputError, match="^malformed commit 0 line 1: ") as exc:
        read_log(store, "m")
    assert exc.value.where == f"{tmp_path}/m"
    rows = [{"metaData": {"schemaString": meta(["a"])}, "protocol": None}]
    store = write_log(tmp_path, "n", {3: "{", 4: "{"}, {3: rows})
    with pytest.raises(InputError, match="^malformed commit 3 line 1: ") as exc:
        read_log(store, "n")
    assert exc.value.where == f"{tmp_path}/n"
    store = write_log(tmp_path, "o", {4: "\n{"}, {3: rows})
    with pytest.raises(InputError, match="^malformed commit 4 line 2: ") as exc:
        read_log(store, "o")
    assert exc.value.where == f"{tmp_path}/o"
    # a checkpoint without the metaData column the protocol requires
    store = write_log(tmp_path, "v", {}, {2: [{"protocol": {"minReaderVersion": 1}}]})
    with pytest.raises(InputError, match="^unreadable checkpoint ") as exc:
        read_log(store, "v")
    assert exc.value.where == f"{tmp_path}/v"
    # a checkpoint whose schema cannot be read
    store = write_log(tmp_path, "w", {}, {2: [{"metaData": {"schemaString": "{"},
                                              "protocol": None}]})
    with pytest.raises(InputError, match="^unreadable metaData schema in version 2: ") as exc:
        read_log(store, "w")
    assert exc.value.where == f"{tmp_path}/w"


def test_the_current_protocol_and_metadata_are_the_newest():
    a, b, c = (parse_commit(v, "", "t") for v in range(3))
    assert current_protocol([a, b]) == Protocol()
    with pytest.raises(InputError, match="^no metaData action in the Delta log$"):
        current_metadata([a, b])
    a.protocol, b.protocol = Protocol(1, 2), Protocol(2, 5)
    a.schema, b.schema = [Field("x", "long", True)], [Field("y", "long", True)]
    assert current_protocol([a, b, c]) == Protocol(2, 5)
    assert current_metadata([a, b, c]) is b


def test_schema_fields_and_type_texts():
    (i, t, n) = parse_schema(SCHEMA)
    assert i == Field("id", "long", False, None, None)
    assert t == Field("tags", "array<string>", True, 7, "col-7")
    assert n == Field("n", "integer", True)
    assert type_text({"type": "struct", "fields": [
        {"name": "a", "type": "long"},
        {"name": "b", "type": {"type": "map", "keyType": "string", "valueType": "double"}}]}) \
        == "struct<a: long, b: map<string, double>>"
    assert type_text({"type": "struct"}) == "struct<>"
    assert type_text({"type": "udt", "b": 1, "a": 2}) == '{"a": 2, "b": 1, "type": "udt"}'
    with pytest.raises(ValueError, match="^schemaString is not a struct$"):
        parse_schema({"type": "array", "fields": []})


@pytest.mark.parametrize(("old", "new", "wider"), [
    ("byte", "short", True), ("short", "long", True), ("long", "integer", False),
    ("integer", "integer", False), ("float", "double", True), ("double", "float", False),
    ("float", "float", False), ("double", "double", False),
    ("byte", "double", True), ("short", "double", True), ("integer", "double", True),
    ("long", "double", False), ("integer", "float", False),
    ("decimal(10,2)", "decimal(12,2)", True), ("decimal(10,2)", "decimal(12,4)", True),
    ("decimal(10,2)", "decimal(11,3)", True), ("decimal(10,2)", "decimal(11,4)", False), ("decimal(10,2)", "decimal(10,2)", False),
    ("decimal(10,2)", "decimal(10,3)", False), ("decimal(10,2)", "decimal(12, 1)", False),
    ("decimal(10,2)", "decimal(9,2)", False),
    ("byte", "decimal(3,0)", True), ("byte", "decimal(4,2)", False),
    ("short", "decimal(5,0)", True), ("short", "decimal(6,2)", False),
    ("integer", "decimal(12,2)", True), ("integer", "decimal(11,2)", False),
    ("long", "decimal(22,2)", True), ("long", "decimal(21,2)", False),
    ("decimal(3,0)", "byte", False), ("string", "decimal(38,0)", False),
    ("date", "timestamp_ntz", True), ("date", "timestamp", False),
    ("timestamp_ntz", "date", False), ("string", "long", False),
])
def test_widening(old, new, wider):
    assert widens(old, new) is wider


def test_schema_changes_are_classed_in_the_new_order_then_drops():
    old = [Field("id", "long", False, 1), Field("n", "integer", True, 2),
           Field("gone", "string", True, 3), Field("s", "string", False, 4),
           Field("same", "date", True, 5)]
    new = [Field("s", "long", True, 4), Field("key", "long", False, 1),
           Field("n", "integer", False, 2), Field("gone", "string", True, 9),
           Field("same", "date", True, 5)]
    assert [(c.kind, c.column, c.before, c.after) for c in diff_schemas(old, new)] == [
        ("type_changed", "s", "string", "long"), ("became_nullable", "s", None, None),
        ("renamed", "key", "id", "key"),
        ("became_required", "n", None, None),
        ("added", "gone", None, "string"),
        ("dropped", "gone", "string", None),
    ]
    # without mapping ids: by name; an id on one side only still matches by name
    old = [Field("a", "integer", True), Field("b", "long", True, 3), Field("c", "long", True)]
    new = [Field("a", "long", True), Field("b", "long", True), Field("c", "long", True, 5)]
    assert [(c.kind, c.column, c.before, c.after) for c in diff_schemas(old, new)] == [
        ("type_widened", "a", "integer", "long")]
    assert diff_schemas(new, new) == []


@pytest.mark.parametrize(("protocol", "needed"), [
    (Protocol(1, 2, ("deletionVectors",)), []),
    (Protocol(2, 5, ("deletionVectors",)), ["columnMapping"]),
    (Protocol(3, 7, ("v2Checkpoint", "deletionVectors")), ["deletionVectors", "v2Checkpoint"]),
    (Protocol(4, 7, ("deletionVectors",)), ["deletionVectors"]),
])
def test_needed_features(protocol, needed):
    assert needed_features(protocol) == needed


def test_each_reader_refuses_what_it_does_not_honour():
    dv = Protocol(3, 7, ("columnMapping", "deletionVectors", "typeWidening", "timestampNtz",
                         "v2Checkpoint"))
    assert unsupported(dv, "polars") == ["deletionVectors", "typeWidening", "v2Checkpoint"]
    assert unsupported(dv, "spark-files") == ["deletionVectors", "typeWidening", "v2Checkpoint"]
    assert unsupported(dv, "spark-delta") == []  # the Delta jars decide
    assert unsupported(Protocol(2, 5), "polars") == []
    assert unsupported(Protocol(3, 7, ("vacuumProtocolCheck",)), "polars") == []
    assert unsupported(Protocol(4, 7), "polars") == ["readerVersion 4"]
    assert unsupported(Protocol(4, 7), "spark-delta") == []
    with pytest.raises(InputError) as exc:
        require_readable(dv, "polars", "gold/t")
    assert exc.value.message == ("Delta table feature deletionVectors is not supported by "
                                 "the polars reader (also typeWidening, v2Checkpoint)")
    assert exc.value.where == "gold/t"
    assert exc.value.hint.startswith("gate this table on Spark with the Delta jars")
    with pytest.raises(InputError) as exc:
        require_readable(Protocol(3, 7, ("deletionVectors",)), "spark-files", "t")
    assert exc.value.message == ("Delta table feature deletionVectors is not supported by "
                                 "the spark-files reader")
    assert exc.value.hint == "run on a Spark with the Delta jars (Databricks) to read this table"
    require_readable(Protocol(2, 5), "polars", "t")  # readable: no error
    require_readable(dv, "spark-delta", "t")
