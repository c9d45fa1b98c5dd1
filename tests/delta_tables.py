"""Delta tables for the tests, written by delta-rs (`deltalake`) and, where delta-rs has no
writer for a log action (a column rename, a deletion-vector protocol), by appending the
commit JSON the Delta protocol specifies, as Spark would."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
from deltalake import write_deltalake  # noqa: F401  (re-exported for the tests)

DAY = dt.date(2026, 11, 25)


def day(i: int) -> dt.date:
    return DAY + dt.timedelta(days=i)


def commit(table: Path, *actions: dict, operation: str = "MANUAL") -> int:
    """Append one commit of `actions` to the table's log; returns its version."""
    log = table / "_delta_log"
    version = max(int(p.stem) for p in log.glob("*.json")) + 1
    info = {"commitInfo": {"timestamp": 1796000000000 + version * 1000, "operation": operation}}
    lines = [json.dumps(a) for a in (info, *actions)]
    (log / f"{version:020d}.json").write_text("\n".join(lines) + "\n")
    return version


def latest_metadata(table: Path) -> dict:
    meta = None
    for path in sorted((table / "_delta_log").glob("*.json")):
        for line in path.read_text().splitlines():
            action = json.loads(line)
            if "metaData" in action:
                meta = action["metaData"]
    assert meta is not None
    return meta


def rename_column(table: Path, old: str, new: str) -> int:
    """A column-mapped table's `RENAME COLUMN`: same id and physical name, new name."""
    meta = latest_metadata(table)
    schema = json.loads(meta["schemaString"])
    for f in schema["fields"]:
        if f["name"] == old:
            f["name"] = new
    meta["schemaString"] = json.dumps(schema)
    return commit(table, {"metaData": meta}, operation="RENAME COLUMN")


def enable_deletion_vectors(table: Path) -> int:
    meta = latest_metadata(table)
    meta["configuration"] = {**meta.get("configuration", {}), "delta.enableDeletionVectors": "true"}
    protocol = {"minReaderVersion": 3, "minWriterVersion": 7,
                "readerFeatures": ["deletionVectors"], "writerFeatures": ["deletionVectors"]}
    return commit(table, {"protocol": protocol}, {"metaData": meta}, operation="SET TBLPROPERTIES")


def merchants(days: list[int], *, score: pa.DataType = pa.int32(), rating: bool = False) -> pa.Table:
    """Two merchants a day, `snapshot_date` partitioned."""
    ids, dates = [], []
    for i in days:
        ids += [f"m{i}a", f"m{i}b"]
        dates += [day(i)] * 2
    cols = {
        "id": pa.array(ids, pa.string()),
        "name": pa.array([f"shop {x}" for x in ids], pa.string()),
        "score": pa.array([1, 2] * len(days), pa.int32()).cast(score),
        "snapshot_date": pa.array(dates, pa.date32()),
    }
    if rating:
        cols["rating"] = pa.array([4.5, None] * len(days), pa.float64())
    return pa.table(cols)


def evolving_table(path: Path) -> Path:
    """v0 two dates; v1 an append that merges a new column `rating`; v2 an overwrite
    of the last date retyping `score` integer -> string."""
    write_deltalake(str(path), merchants([0, 1]), partition_by=["snapshot_date"])
    write_deltalake(str(path), merchants([2], rating=True), mode="append",
                    partition_by=["snapshot_date"], schema_mode="merge")
    retyped = merchants([2], score=pa.string(), rating=True)
    write_deltalake(str(path), retyped, mode="overwrite", partition_by=["snapshot_date"],
                    schema_mode="overwrite", predicate=f"snapshot_date = '{day(2)}'")
    return path


def mapped_table(path: Path) -> Path:
    """Column mapping (name mode), then `total` renamed to `total_amount` (version 1)."""
    data = pa.table({"id": ["o1", "o2", "o3"], "total": [1.5, 2.0, 3.25],
                     "snapshot_date": pa.array([day(0), day(0), day(1)], pa.date32())})
    write_deltalake(str(path), data, partition_by=["snapshot_date"],
                    configuration={"delta.columnMapping.mode": "name",
                                   "delta.minReaderVersion": "2", "delta.minWriterVersion": "5"})
    rename_column(path, "total", "total_amount")
    return path
