"""`lake/formats.py` on Polars, on small files: which format a file name says, how a
partition's files are classified, Hive folder values as typed columns, text formats read
as text, Spark's timestamps read as the UTC instants they are, and a file that cannot be
read named in one line. (Spark's readers: test_spark_engine.py, with a JVM.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from wdguard.contracts.model import contract_from_dict
from wdguard.errors import InputError, SourceError
from wdguard.lake.formats import (
    HIVE_NULL,
    classify,
    file_format,
    hive_value,
    hive_values,
    scan_polars,
)
from wdguard.lake.partition import ResolvedPartition
from wdguard.lake.storage import LocalStore

CONTRACT = contract_from_dict({
    "contract": "Pickup",
    "source": {"kind": "postgres", "table": "pickups"},
    "primary_key": ["id"],
    "columns": {
        "id": {"type": "bigint", "nullable": False},
        "note": {"type": "string"},
        "at": {"type": "timestamp"},
        "ingest_date": {"type": "date"},
        "region": {"type": "string"},
    },
})


def col(kind: str, **extra):
    return contract_from_dict({
        "contract": "C", "source": {"kind": "postgres", "table": "c"},
        "columns": {"x": {"type": kind, **extra}},
    }).columns["x"]


@pytest.mark.parametrize("name,fmt", [
    ("part-0.parquet", "parquet"), ("a/b/x.PARQ", "parquet"), ("x.pq", "parquet"),
    ("x.json", "jsonl"), ("x.jsonl", "jsonl"), ("x.NDJSON", "jsonl"),
    ("x.csv", "csv"), ("x.txt", "csv"),
    ("part-00000", None), ("dir.d/part-00000", None), ("a/dir.d/part-00000", None),
    (".hidden", None), ("archive.v2.json.gz", "compressed"), ("archive.v2.gz", "?"),
    ("x.json.gz", "compressed"), ("x.csv.ZST", "compressed"), ("x.parquet.snappy", "compressed"),
    ("x.gz", "?"), ("x.avro", "?"), ("notes.md", "?"),
])
def test_a_file_name_says_its_format(name, fmt):
    assert file_format(name) == fmt


def test_classify_keeps_one_format_and_says_what_it_ignores():
    assert classify(["a.csv", "part-1", "README.md"], None, "p") == (
        "csv", ["a.csv", "part-1"], ["README.md"])
    assert classify(["part-1", "part-2"], None, "p") == ("parquet", ["part-1", "part-2"], [])
    assert classify(["part-1"], "jsonl", "p") == ("jsonl", ["part-1"], [])
    assert classify([], "csv", "p") == ("csv", [], [])
    with pytest.raises(InputError) as err:
        classify(["a.json", "b.parquet", "c.parquet"], None, "silver/x")
    assert err.value.message == (
        "data files of two formats in one partition: a.json (jsonl), b.parquet (parquet)")
    assert err.value.where == "silver/x"
    with pytest.raises(InputError) as err:
        classify(["a.csv"], "parquet", "p")
    assert err.value.message == "[lake] says format parquet but the data files are csv: a.csv"
    assert err.value.where == "p"
    with pytest.raises(InputError) as err:
        classify([f"{i}.json.gz" for i in range(5)], None, "p")
    assert err.value.message == (
        "compressed text data file(s) not supported: 0.json.gz, 1.json.gz, 2.json.gz")
    assert err.value.hint == "land JSON lines and CSV uncompressed, or as parquet"
    assert err.value.where == "p"


def test_hive_values_are_the_folders_key_value_segments():
    path = (f"silver/ingest_date=2026-11-26/region=Nairobi%20West/src={HIVE_NULL}/=x/y=/"
            "q=a=b/a=b.csv")
    assert hive_values(path) == {"ingest_date": "2026-11-26", "region": "Nairobi West",
                                 "src": None, "y": "", "q": "a=b"}


@pytest.mark.parametrize("kind,text,value", [
    ("date", "2026-11-26", dt.date(2026, 11, 26)),
    ("date", "26/11/2026", None),
    ("timestamp", "2026-11-26T10:00:00Z", dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)),
    ("timestamp", "2026-11-26T10:00:00", dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)),
    ("timestamp", "2026-11-26T13:00:00+03:00",
     dt.datetime(2026, 11, 26, 13, tzinfo=dt.timezone(dt.timedelta(hours=3)))),
    ("integer", "42", 42), ("bigint", "-7", -7), ("integer", "4.2", None),
    ("float", "2.5", 2.5), ("float", "x", None),
    ("decimal", "12.30", Decimal("12.30")), ("decimal", "1,5", None),
    ("boolean", "TRUE", True), ("boolean", "false", False), ("boolean", "yes", None),
    ("string", "Nairobi", "Nairobi"), ("uuid", "abc", "abc"),
    ("date", None, None),
])
def test_a_hive_value_is_the_contract_columns_value(kind, text, value):
    extra = {"precision": 10, "scale": 2} if kind == "decimal" else {}
    got = hive_value(col(kind, **extra), text)
    assert got == value and type(got) is type(value)


@pytest.fixture
def store(tmp_path):
    return LocalStore(tmp_path)


def part(path: str, files: list[str], fmt: str, contract=CONTRACT) -> ResolvedPartition:
    return ResolvedPartition("bronze", "postgres", "pickups", "2026-11-26", path,
                             listing=list(files), format=fmt, contract=contract)


def test_csv_is_text_and_hive_folders_fill_the_columns_the_files_lack(store, tmp_path):
    base = tmp_path / "bronze/pickups"
    for day, region, text in (("2026-11-26", "West", "id,note\n1,a\n2,b\n"),
                              ("2026-11-27", None, "id,note,extra\n3,,e\n")):
        folder = base / f"ingest_date={day}" / f"region={region or HIVE_NULL}"
        folder.mkdir(parents=True)
        (folder / "part-0.csv").write_text(text)
    files = ["ingest_date=2026-11-26/region=West/part-0.csv",
             f"ingest_date=2026-11-27/region={HIVE_NULL}/part-0.csv"]
    frame = scan_polars(store, part("bronze/pickups", files, "csv")).collect()
    assert frame.schema == pl.Schema({"id": pl.String, "note": pl.String,  # groups' columns
                                      "ingest_date": pl.Date, "region": pl.String,  # joined
                                      "extra": pl.String})
    assert frame.sort("id").rows() == [
        ("1", "a", dt.date(2026, 11, 26), "West", None),
        ("2", "b", dt.date(2026, 11, 26), "West", None),
        ("3", None, dt.date(2026, 11, 27), None, "e")]
    kept = base / "ingest_date=2026-11-28"  # a column the files hold is theirs, not the folder's
    kept.mkdir()
    (kept / "x.csv").write_text("id,ingest_date\n4,2026-01-01\n")
    frame = scan_polars(store, part("bronze/pickups", ["ingest_date=2026-11-28/x.csv"],
                                    "csv")).collect()
    assert frame.rows() == [("4", "2026-01-01")]
    no_contract = scan_polars(store, part("bronze/pickups", files[:1], "csv", contract=None))
    assert no_contract.collect_schema().names() == ["id", "note"]


def test_parquet_takes_no_hive_column_the_contract_does_not_declare(store, tmp_path):
    """Only declared Hive keys become columns, typed as the contract says (a `bigint` key
    is an Int64, not the literal's Int32); an undeclared `batch=7/` folder adds nothing."""
    contract = contract_from_dict({
        "contract": "P", "source": {"kind": "postgres", "table": "p"},
        "columns": {"id": {"type": "bigint"}, "shard": {"type": "bigint"}},
    })
    folder = tmp_path / "silver/p/shard=7/batch=3"
    folder.mkdir(parents=True)
    pl.DataFrame({"id": [1, 2]}).write_parquet(folder / "x.parquet")
    frame = scan_polars(store, part("silver/p", ["shard=7/batch=3/x.parquet"], "parquet",
                                    contract=contract)).collect()
    assert frame.schema == pl.Schema({"id": pl.Int64, "shard": pl.Int64})
    assert frame["shard"].to_list() == [7, 7]


def test_json_lines_are_text_inside_their_objects_and_arrays(store, tmp_path):
    folder = tmp_path / "bronze/events"
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text(
        '{"id": 1, "device": {"os": "ios", "v": 17, "geo": {"lat": 1}}, "tags": [[1, 2]]}\n'
        '{"id": 2, "device": {"os": null, "v": 18.5}, "tags": [], "late": true}\n'
        + "".join(f'{{"id": {i}}}\n' for i in range(3, 203))
        + '{"id": 203, "seen_late": 5}\n')  # a key first seen after line 200
    frame = scan_polars(store, part("bronze/events", ["a.jsonl"], "jsonl")).collect()
    assert frame.schema == pl.Schema({
        "id": pl.String,
        "device": pl.Struct({"os": pl.String, "v": pl.String,
                             "geo": pl.Struct({"lat": pl.String})}),
        "tags": pl.List(pl.List(pl.String)), "late": pl.String, "seen_late": pl.String})
    assert frame.head(2).rows() == [
        ("1", {"os": "ios", "v": "17", "geo": {"lat": "1"}}, [["1", "2"]], None, None),
        ("2", {"os": None, "v": "18.5", "geo": None}, [], "true", None)]
    assert frame["seen_late"].drop_nulls().to_list() == ["5"]


def test_spark_timestamps_are_read_as_the_utc_instants_they_are(store, tmp_path):
    """Spark writes `timestamp` as INT96 (naive in the file) or as microseconds with a
    zone: either is the contract's UTC instant. A naive wall-clock time that is no INT96
    stays as it is (its zone is unknown)."""
    folder = tmp_path / "bronze/pickups"
    folder.mkdir(parents=True)
    instant = dt.datetime(2026, 11, 26, 10, 30, 0, 123000)
    naive = pa.table({"id": [1], "at": pa.array([instant], pa.timestamp("us"))})
    pq.write_table(naive, folder / "int96.parquet", use_deprecated_int96_timestamps=True)
    pq.write_table(naive, folder / "naive.parquet")
    zoned = pa.table({"id": [1],
                      "at": pa.array([instant], pa.timestamp("us", tz="Africa/Nairobi"))})
    pq.write_table(zoned, folder / "zoned.parquet")
    utc_ms = pl.Datetime("ms", "UTC")
    for name, dtype, value in (
        ("int96.parquet", utc_ms, instant.replace(tzinfo=dt.UTC)),
        ("zoned.parquet", utc_ms, instant.replace(tzinfo=dt.UTC)),
        ("naive.parquet", pl.Datetime("us"), instant),
    ):
        frame = scan_polars(store, part("bronze/pickups", [name], "parquet")).collect()
        assert (frame.schema["at"], frame["at"][0]) == (dtype, value), name
    ms = pa.table({"id": [1], "at": pa.array([instant], pa.timestamp("ms", tz="UTC"))})
    pq.write_table(ms, folder / "ms.parquet")  # already the contract's dtype: untouched
    frame = scan_polars(store, part("bronze/pickups", ["ms.parquet"], "parquet")).collect()
    assert frame.schema["at"] == utc_ms and frame["at"][0] == instant.replace(tzinfo=dt.UTC)
    two = contract_from_dict({  # the first stamp already right, the second to mend
        "contract": "T", "source": {"kind": "postgres", "table": "t"},
        "columns": {"ok": {"type": "timestamp"}, "at": {"type": "timestamp"},
                    "day": {"type": "string"}},
    })
    mixed = pa.table({"ok": pa.array([instant], pa.timestamp("ms", tz="UTC")),
                      "at": pa.array([instant], pa.timestamp("us", tz="UTC")),
                      "day": pa.array([instant], pa.timestamp("us", tz="UTC"))})
    pq.write_table(mixed, folder / "mixed.parquet")
    frame = scan_polars(store, part("bronze/pickups", ["mixed.parquet"], "parquet",
                                    contract=two)).collect()
    assert frame.schema == pl.Schema({"ok": utc_ms, "at": utc_ms,  # a non-timestamp column
                                      "day": pl.Datetime("us", "UTC")})  # is left as it is
    other = scan_polars(store, part("bronze/pickups", ["int96.parquet"], "parquet",
                                    contract=None))
    assert other.collect_schema()["at"].time_zone is None  # no contract: as Polars reads it


class _SparkError(Exception):
    """What py4j raises: its text holds the JVM trace, `getMessage()` the message."""

    def getMessage(self):  # noqa: N802 - the JVM's name
        return "Path does not exist: file:/lake/x\n\tat org.apache.spark..."


def test_a_failed_read_is_one_line_of_at_most_300_characters():
    from wdguard.lake.formats import _fail

    err = _fail(ValueError("first  line\n  second line"), "bronze/x")
    assert (err.message, err.where) == ("cannot scan partition: first line", "bronze/x")
    assert _fail(_SparkError("trace\n" * 50), "p").message == (
        "cannot scan partition: Path does not exist: file:/lake/x")
    long = _fail(OSError("y" * 400), "p").message
    assert long == "cannot scan partition: " + "y" * 300


def test_a_delta_partition_is_read_through_its_log(store, tmp_path):
    from deltalake import write_deltalake

    from tests.delta_tables import day, merchants
    from wdguard.lake.delta.resolve import delta_partition

    write_deltalake(str(tmp_path / "silver/merchants"), merchants([0, 1]),
                    partition_by=["snapshot_date"])
    resolved = delta_partition(store, "silver", "postgres", "merchants", "silver/merchants",
                               day(1).isoformat(), date_column="snapshot_date")
    frame = scan_polars(store, resolved).collect()
    assert sorted(frame["id"].to_list()) == ["m1a", "m1b"]  # that date's rows only


def test_empty_unreadable_and_catalog_partitions(store, tmp_path):
    assert scan_polars(store, part("bronze/none", [], "parquet")).collect().shape == (0, 0)
    folder = tmp_path / "bronze/bad"
    folder.mkdir(parents=True)
    (folder / "x.parquet").write_bytes(b"not parquet\nat all")
    with pytest.raises(SourceError) as err:
        scan_polars(store, part("bronze/bad", ["x.parquet"], "parquet")).collect()
    assert err.value.where == "bronze/bad"
    assert err.value.message.startswith("cannot scan partition: ")
    assert "PAR1" in err.value.message  # the reader's own reason
    assert "\n" not in err.value.message and len(err.value.message) <= 323
    with pytest.raises(InputError) as err:
        scan_polars(store, part("main.silver.orders", [], "table"))
    assert err.value.message.startswith("main.silver.orders is a catalog table")
