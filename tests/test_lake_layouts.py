"""The gate on lakes laid out the way real pipelines leave them (issue 23).

The same data, in wdguard's own layout and rewritten by real PySpark
(`df.write.partitionBy("ingest_date").parquet(...)`: `part-....c000.snappy.parquet` names,
`_SUCCESS` and `.crc` side files, no `_source.json`), gives the same verdicts on both
engines, for a clean day and a day with every row-level fault: only the manifest checks
differ, skipped with their reason.
"""

from __future__ import annotations

import json
import shutil
import zlib

import pytest

from tests.lakes import CLEAN, FAULTY, ROOT, ROW_FAULTS, faulty_lake
from tests.test_gate_lake import _named
from wdguard.gate import run_gate
from wdguard.lake.layout import LakeLayout
from wdguard.lake.storage import LocalStore
from wdguard.sample.styles import restyle

ROWS = 0.05
# the row faults, and the manifest's and bronze's own
FAULTS = [
    *ROW_FAULTS,
    ("missing_partition", "Review", None),
    ("row_count_off_by_one", "User", None),  # needs a manifest (or its ADF stand-in)
    ("wrong_type", "Order", "number"),  # last: the injectors before it re-cast bronze
]
MANIFEST_CHECKS = ("file_missing", "row_count")
NEEDS_MANIFEST = {"row_count_off_by_one"}
OBJECTS = {"users", "orders", "reviews"}
TEXT_FORMATS = {"users": "jsonl", "reviews": "jsonl", "orders": "csv"}
HIVE = {
    "bronze": {"path": "bronze/{source}/{object}/ingest_date={date}"},
    "silver": {"path": "silver/{source}/{object}/ingest_date={date}"},
}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """users, orders and reviews for two days in today's layout, the second day faulty."""
    return faulty_lake(tmp_path_factory, OBJECTS, FAULTS, rows=ROWS)


def verdicts(record, *, skip=()) -> dict:
    return {c.id: (c.status, c.failing_rows) for c in record.checks if c.check not in skip}


def partitions(record) -> dict:
    return {(p.layer, p.object): (p.row_count, p.max_timestamps) for p in record.partitions}


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_written_lake_without_manifests_same_verdicts_on_both_engines(
    base, spark, spark_engine, tmp_path
):
    from pyspark.sql import functions as F

    root, contracts, result, faults = base
    out = tmp_path / "spark"
    tables: dict[tuple, list] = {}
    for p in result.partitions:
        if any((root / p.path).glob("*.parquet")):  # not the partition a fault removed
            df = spark.read.parquet(str(root / p.path)).withColumn("ingest_date", F.lit(p.date))
            tables.setdefault((p.layer, p.source, p.object), []).append(df)
    for (layer, source, obj), dfs in tables.items():  # one partitionBy write per table
        if len({df.schema.simpleString() for df in dfs}) > 1:  # wrong_type changed a type
            writes = dfs
        else:
            writes = [dfs[0].unionByName(dfs[1]) if len(dfs) > 1 else dfs[0]]
        for df in writes:
            df.repartition(2).write.mode("append").partitionBy("ingest_date").parquet(
                str(out / layer / source / obj)
            )
    lake = LakeLayout.from_table(HIVE)
    folder = out / "silver/postgres/orders" / f"ingest_date={FAULTY}"
    names = sorted(x.name for x in folder.iterdir())
    assert (folder.parent / "_SUCCESS").exists() and any(n.endswith(".crc") for n in names)
    assert sum(n.startswith("part-") and n.endswith(".c000.snappy.parquet") for n in names) > 1

    for day in (CLEAN, FAULTY):
        ref = run_gate(LocalStore(root), day, contracts_dir=contracts, write=False)
        # Spark reads the Spark-written files on the faulty day (the clean day's parity
        # on today's layout is test_spark_parity's)
        for engine in (None, spark_engine) if day == FAULTY else (None,):
            got = run_gate(
                LocalStore(out), day, contracts_dir=contracts, write=False, lake=lake,
                engine=engine,
            )  # fmt: skip
            assert verdicts(got, skip=MANIFEST_CHECKS) == verdicts(ref, skip=MANIFEST_CHECKS)
            assert partitions(got) == partitions(ref)
            assert (got.exit_code, got.errors) == (ref.exit_code, ref.errors)
            skipped = [c for c in got.checks if c.check in MANIFEST_CHECKS]
            assert skipped and all(
                c.status == "skipped" and "no _source.json" in c.message for c in skipped
            )
            # the faults are named exactly as with manifests (same message)
            texts = {c.id: c.message for c in ref.checks if c.status == "fail"}
            for c in got.checks:
                # (stale names its reference, partition_missing its path: layout-specific)
                # ref ran on Polars: each engine words its dtype messages its own way
                if engine is None and c.status == "fail" and c.check not in (
                    "stale", "partition_missing"
                ):
                    assert texts.get(c.id) == c.message, c.id
        if day == CLEAN:
            assert ref.exit_code == 0
        else:
            assert ref.exit_code == 1
            for fault in faults:
                assert fault.fault in NEEDS_MANIFEST or _named(got, fault), fault.fault


def _copy(root, tmp_path):
    lake = tmp_path / "lake"
    shutil.copytree(root, lake)
    return LocalStore(lake)


def test_json_lines_and_csv_bronze_same_verdicts_as_parquet(base, tmp_path):
    """Bronze users and reviews as JSON lines, orders as CSV, with their manifests: every
    verdict (completeness included) as on the same data in parquet."""
    root, contracts, result, faults = base
    store = _copy(root, tmp_path)
    restyle(store, result.partitions, "wdguard", bronze_format=TEXT_FORMATS)
    part = f"raw/postgres/{FAULTY}/orders"
    assert {p.rsplit(".", 1)[-1] for p in store.list(part)} == {"csv", "json"}  # + manifest
    for day in (CLEAN, FAULTY):
        ref = run_gate(LocalStore(root), day, contracts_dir=contracts, write=False)
        got = run_gate(store, day, contracts_dir=contracts, write=False)
        assert verdicts(got) == verdicts(ref)
        assert partitions(got) == partitions(ref)
        assert (got.exit_code, got.errors) == (ref.exit_code, ref.errors)
    for fault in faults:
        assert _named(got, fault), fault.fault


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_json_lines_and_csv_bronze_on_spark(base, spark_engine, tmp_path):
    root, contracts, result, faults = base
    store = _copy(root, tmp_path)
    restyle(store, result.partitions, "wdguard", bronze_format=TEXT_FORMATS)
    ref = run_gate(LocalStore(root), FAULTY, contracts_dir=contracts, write=False)
    got = run_gate(store, FAULTY, contracts_dir=contracts, write=False, engine=spark_engine,
                   layers=("bronze",))  # fmt: skip
    want = {k: v for k, v in verdicts(ref).items() if k.startswith("bronze:")}
    assert verdicts(got) == want
    assert got.exit_code == 1 and not got.errors


@pytest.mark.parametrize("style", ["spark", "adf"])
def test_restyled_lake_same_verdicts_manifest_checks_from_adf_or_skipped(base, tmp_path, style):
    """Spark's names and side files without manifests, ADF's names with its Copy output
    standing in for `_source.json` (bronze): the clean day passes, the faults are named
    as with manifests; only the checks nobody can answer are skipped."""
    root, contracts, result, faults = base
    store = _copy(root, tmp_path)
    table = restyle(store, result.partitions, style)
    lake = LakeLayout.from_table(table)
    for day in (CLEAN, FAULTY):
        ref = run_gate(LocalStore(root), day, contracts_dir=contracts, write=False)
        got = run_gate(store, day, contracts_dir=contracts, write=False, lake=lake)
        assert not got.errors and got.exit_code == ref.exit_code == (0 if day == CLEAN else 1)
        assert partitions(got) == partitions(ref)
        skipped = {c.id for c in got.checks if c.check in MANIFEST_CHECKS and c.status == "skipped"}
        answered = {c.id for c in ref.checks if c.check in MANIFEST_CHECKS and c.status != "skipped"}
        # adf: bronze from the ADF output, silver (Databricks) without; spark: none
        assert skipped == {i for i in answered if style == "spark" or i.startswith("silver:")}
        assert {k: v for k, v in verdicts(got).items() if k not in skipped} == {
            k: v for k, v in verdicts(ref).items() if k not in skipped
        }
    for fault in faults:
        assert (style == "spark" and fault.fault in NEEDS_MANIFEST) or _named(got, fault), fault


def test_generate_style_then_inspect_then_check_end_to_end(tmp_path, monkeypatch):
    """What a new user types: a Spark-style sample lake (layout kept in the lake), what
    `lake inspect` says of it, and the gate passing on it with no wdguard.toml at all."""
    from typer.testing import CliRunner

    from wdguard.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WDGUARD_CONFIG", raising=False)
    lake, contracts = tmp_path / "lake", str(ROOT / "contracts")
    run = CliRunner().invoke
    out = run(app, ["lake", "generate", "--out", str(lake), "--days", "1", "--rows", "0.02",
                    "--contracts", contracts, "--style", "spark", "--layer", "bronze",
                    "--layer", "silver", "--object", "users", "--object", "reviews"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert (lake / "_wdguard/lake.toml").read_text().startswith("[lake.bronze]\npath = ")
    assert not list(lake.rglob("_source.json")) and list(lake.rglob("_SUCCESS"))
    # Spark verifies a `.crc` beside a local file: each must be Hadoop's (b"crc\0", bytes
    # per checksum, one big-endian CRC32 per chunk), else `check --engine spark` fails
    crcs = list(lake.rglob(".*.crc"))
    assert crcs
    for crc in crcs:
        head, data = crc.read_bytes(), (crc.parent / crc.name[1:-4]).read_bytes()
        assert head[:4] == b"crc\0", crc
        step = int.from_bytes(head[4:8], "big")
        sums = [int.from_bytes(head[i : i + 4], "big") for i in range(8, len(head), 4)]
        assert sums == [zlib.crc32(data[i : i + step]) for i in range(0, len(data), step)]
    out = run(app, ["lake", "inspect", "--lake", str(lake), "--date", "2026-11-26",
                    "--contracts", contracts, "--format", "json"])  # fmt: skip
    assert out.exit_code == 0, out.output
    found = {(p["layer"], p["contract"]): p for p in json.loads(out.output)["partitions"]}
    users = found[("bronze", "User")]
    assert users["path"] == "bronze/postgres/users/ingest_date=2026-11-26"
    assert users["format"] == "parquet" and users["rows"] > 0 and users["expected_by"] is None
    assert users["files"][0].endswith(".c000.snappy.parquet")
    assert "no _source.json" in users["skipped"]["row_count"]
    assert found[("silver", "Review")]["rows"] > 0
    assert "no partition" in found[("bronze", "Order")]["problem"]  # not generated
    text = run(app, ["lake", "inspect", "--lake", str(lake), "--date", "2026-11-26",
                     "--contracts", contracts, "--layer", "bronze"])  # fmt: skip
    assert "row_count: no _source.json" in text.output and "silver:" not in text.output
    mine = tmp_path / "contracts"
    mine.mkdir()
    for name in ("User.yaml", "Review.yaml"):
        shutil.copy(ROOT / "contracts" / name, mine / name)
    out = run(app, ["check", "--lake", str(lake), "--date", "2026-11-26", "--contracts",
                    str(mine), "--format", "json"])  # fmt: skip
    record = json.loads(out.output)
    assert out.exit_code == 0 and record["verdict"] == "pass", out.output[-2000:]
    assert {p["path"] for p in record["partitions"]} == {
        f"{layer}/{source}/{obj}/ingest_date=2026-11-26"
        for layer in ("bronze", "silver")
        for source, obj in (("postgres", "users"), ("mongodb", "reviews"))
    }
