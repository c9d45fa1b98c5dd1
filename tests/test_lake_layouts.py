"""The gate on lakes laid out the way real pipelines leave them (issue 23).

The same data, in wdguard's own layout and rewritten by real PySpark
(`df.write.partitionBy("ingest_date").parquet(...)`: `part-...-c000.snappy.parquet` names,
`_SUCCESS` and `.crc` side files, no `_source.json`), gives the same verdicts on both
engines, for a clean day and a day with every row-level fault: only the manifest checks
differ, skipped with their reason.
"""

from __future__ import annotations

import shutil

import pytest

from tests.test_gate_lake import ROOT, _named
from wdguard.contracts.io import load_contract, load_contracts
from wdguard.gate import run_gate
from wdguard.lake.layout import LakeLayout
from wdguard.lake.storage import LocalStore
from wdguard.sample.faults import inject
from wdguard.sample.generate import generate_lake

ROWS = 0.05
CLEAN, FAULTY = "2026-11-25", "2026-11-26"
# faults on one day, each on its own column: the row checks must name every one
FAULTS = [
    ("null_in_required", "Order", "user_id"),
    ("bad_enum_value", "Order", "status"),
    ("out_of_range", "Order", "total_amount"),
    ("orphan_fk", "Order", None),
    ("duplicate_pk", "User", None),
    ("stale_data", "User", None),
]
MANIFEST_CHECKS = ("file_missing", "row_count")
HIVE = {
    "bronze": {"path": "bronze/{source}/{object}/ingest_date={date}"},
    "silver": {"path": "silver/{source}/{object}/ingest_date={date}"},
}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """users and orders for two days in today's layout, the second day faulty."""
    root = tmp_path_factory.mktemp("lake")
    store = LocalStore(root)
    result = generate_lake(
        store, load_contracts(ROOT / "contracts"), rows=ROWS, days=2,
        objects=["users", "orders"], layers=("bronze", "silver"),
    )  # fmt: skip
    folder = tmp_path_factory.mktemp("c")
    for path in sorted((ROOT / "contracts").glob("*.yaml")):
        if load_contract(path).object_name in {"users", "orders"}:
            shutil.copy(path, folder / path.name)
    contracts = load_contracts(folder)
    faults = [
        inject(name, store, FAULTY, contracts, contract=c, column=col)
        for name, c, col in FAULTS
    ]
    return root, folder, result, faults


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
        df = spark.read.parquet(str(root / p.path)).withColumn("ingest_date", F.lit(p.date))
        tables.setdefault((p.layer, p.source, p.object), []).append(df)
    for (layer, source, obj), dfs in tables.items():  # one partitionBy write per table
        df = dfs[0].unionByName(dfs[1]) if len(dfs) > 1 else dfs[0]
        df.repartition(3).write.partitionBy("ingest_date").parquet(str(out / layer / source / obj))
    lake = LakeLayout.from_table(HIVE)
    folder = out / "silver/postgres/orders" / f"ingest_date={FAULTY}"
    names = sorted(x.name for x in folder.iterdir())
    assert (folder.parent / "_SUCCESS").exists() and any(n.endswith(".crc") for n in names)
    assert any(n.startswith("part-") and n.endswith(".snappy.parquet") for n in names)

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
                if c.status == "fail" and c.check not in ("stale",):
                    assert texts.get(c.id) == c.message, c.id
        if day == CLEAN:
            assert ref.exit_code == 0
        else:
            assert ref.exit_code == 1
            for fault in faults:
                assert _named(got, fault), fault.fault
