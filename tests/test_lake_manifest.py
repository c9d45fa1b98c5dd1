"""_source.json and layout: exact paths, a loader that names the partition when it fails."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from wdguard.errors import InputError
from wdguard.lake import layout
from wdguard.lake.manifest import Manifest, ManifestFile, load_manifest, write_manifest

PART = "raw/postgres/2026-11-20/orders"


def _manifest() -> Manifest:
    return Manifest(
        source="postgres",
        layer="bronze",
        object="orders",
        date=dt.date(2026, 11, 20),
        extracted_at=dt.datetime(2026, 11, 20, 23, 50, tzinfo=dt.UTC),
        row_count=3,
        watermark=dt.datetime(2026, 11, 20, 23, 1, tzinfo=dt.UTC),
        schema_fingerprint="sha256:ab",
        migration_head="20240910100000_merchant_rating",
        files=[ManifestFile(path="part-00000.parquet", rows=3, bytes=100)],
    )


def test_layout_paths():
    assert layout.partition_dir("bronze", "postgres", "2026-11-20", "orders") == PART
    assert layout.partition_dir("silver", "mongodb", dt.date(2026, 11, 20), "reviews") == (
        "silver/mongodb/2026-11-20/reviews"
    )
    assert layout.part_name(12) == "part-00012.parquet"
    assert layout.manifest_path(PART) == f"{PART}/_source.json"
    assert layout.run_record_path("2026-11-20", "r1") == "_wdguard/runs/2026-11-20/r1.json"
    assert layout.quarantine_dir("2026-11-20", "orders") == "quarantine/2026-11-20/orders"
    # any data file name; Spark/Hadoop side files and hidden folders are never data
    assert layout.data_files(
        ["_source.json", "part-00001.parquet", "x.parquet", "_SUCCESS", ".part-0.crc",
         "_committed_1", "_started_1", "_temporary/0/p.parquet", "d=1/p.snappy.parquet",
         ".spark-staging-1/p.parquet", "raw/postgres/D/_ProductToTag/part-00000.parquet"]
    ) == ["part-00001.parquet", "x.parquet", "d=1/p.snappy.parquet",
          "raw/postgres/D/_ProductToTag/part-00000.parquet"]
    for bad in ("2026-1-20", "2026-02-30", "yesterday"):
        with pytest.raises(InputError, match="bad date"):
            layout.date_str(bad)
    with pytest.raises(InputError, match="unknown layer"):
        layout.partition_dir("gold", "postgres", "2026-11-20", "orders")


def test_manifest_round_trip_is_exact(lake_store):
    write_manifest(lake_store, PART, _manifest())
    text = lake_store.read_text(f"{PART}/_source.json")
    data = json.loads(text)
    assert list(data) == [
        "source",
        "layer",
        "object",
        "date",
        "extracted_at",
        "row_count",
        "watermark",
        "schema_fingerprint",
        "migration_head",
        "files",
    ]
    assert data["extracted_at"] == "2026-11-20T23:50:00Z"
    assert data["files"] == [{"path": "part-00000.parquet", "rows": 3, "bytes": 100}]
    assert load_manifest(lake_store, PART) == _manifest()
    assert _manifest().to_json() == text  # deterministic bytes


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no _source.json"),
        ("{not json", "malformed _source.json"),
        ('{"source": "postgres"}', "invalid _source.json: layer"),
        (json.dumps({**json.loads(_manifest().to_json()), "row_count": -1}), "row_count"),
        (json.dumps({**json.loads(_manifest().to_json()), "extra": 1}), "extra"),
    ],
)
def test_bad_manifest_names_the_partition(lake_store, content, message):
    if content is not None:
        lake_store.write_text(f"{PART}/_source.json", content)
    with pytest.raises(InputError, match=message) as err:
        load_manifest(lake_store, PART)
    line = err.value.one_line()
    assert f"{PART}/_source.json" in line and "\n" not in line
