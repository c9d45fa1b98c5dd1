"""Delta tables written by delta-rs: the log as data, schema history as LKD findings with
their versions, protocol refusal, a date's stand-ins, and `wdguard drift lake`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.delta_tables import (
    enable_deletion_vectors,
    evolving_table,
    mapped_table,
    write_deltalake,
)
from tests.lakes import ROOT, merchant_contract
from wdguard.cli import app
from wdguard.contracts.io import load_contracts
from wdguard.drift.lake_drift import lake_drift
from wdguard.errors import InputError
from wdguard.lake.delta import is_delta_table
from wdguard.lake.delta.log import read_log
from wdguard.lake.delta.protocol import unsupported
from wdguard.lake.delta.schema import Field, diff_schemas, widens
from wdguard.lake.delta.table import open_date, polars_frame
from wdguard.lake.storage import LocalStore


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    root = tmp_path_factory.mktemp("delta_lake")
    evolving_table(root / "silver" / "postgres" / "merchants")
    mapped_table(root / "silver" / "postgres" / "orders")
    dv = root / "gold" / "FactOrders"
    write_deltalake(str(dv), evolving_table.__globals__["merchants"]([0]),
                    partition_by=["snapshot_date"])
    enable_deletion_vectors(dv)
    contracts = merchant_contract(root.parent / (root.name + "_contracts"))
    return LocalStore(root), contracts


def by_code(findings):
    return {(f.code, f.column, f.details.get("version")) for f in findings}


def test_log_reads_every_commit_with_metrics_and_schema(lake):
    store, _ = lake
    commits = read_log(store, "silver/postgres/merchants")
    assert [c.version for c in commits] == [0, 1, 2]
    assert [c.metrics.get("num_added_rows") for c in commits] == [4, 2, 2]
    assert [c.operation for c in commits] == ["WRITE"] * 3
    assert [f.name for f in commits[1].schema] == ["id", "name", "score", "snapshot_date",
                                                   "rating"]
    assert is_delta_table(store, "silver/postgres/merchants")
    assert not is_delta_table(store, "silver/postgres")


def test_drift_names_each_schema_change_with_its_version(lake):
    store, contracts = lake
    from wdguard.contracts.io import load_contracts

    result = lake_drift(store, load_contracts(contracts))
    history = {(f.code, f.object, f.column, f.details.get("version")) for f in result.findings
               if f.code < "LKD110"}
    assert history == {
        ("LKD101", "silver/postgres/merchants", "rating", 1),  # schema_mode="merge" append
        ("LKD105", "silver/postgres/merchants", "score", 2),  # overwrite: integer -> string
        ("LKD103", "silver/postgres/orders", "total_amount", 1),  # column mapping rename
        ("LKD108", "gold/FactOrders", None, 1),  # deletion vectors switched on
    }
    retyped = next(f for f in result.findings if f.code == "LKD105")
    assert retyped.message.startswith(
        "silver/postgres/merchants: column 'score' type integer -> string in version 2 (")
    assert (retyped.severity, retyped.compat) == ("error", "breaking")
    assert retyped.details["operation"] == "WRITE" and "committed_at" in retyped.details
    renamed = next(f for f in result.findings if f.code == "LKD103")
    assert (renamed.details["before"], renamed.details["after"]) == ("total", "total_amount")
    # the current table against its contract: the merged column is not described, and
    # the retyped one is not the contract's type; the date partition column is not data
    current = {(f.code, f.column) for f in result.findings if f.code > "LKD110"}
    assert current == {("LKD111", "rating"), ("LKD113", "score")}
    assert result.exit_code() == 1
    # each table: its layer, last version, commits, the reader features it needs, and
    # the contract it was compared with
    tables = {t.path: (t.layer, t.version, t.commits, t.reader_features, t.contract)
              for t in result.tables}
    assert tables["silver/postgres/merchants"] == ("silver", 2, 3, [], "Merchant")
    assert tables["silver/postgres/orders"][:3] == ("silver", 1, 2)
    assert "columnMapping" in tables["silver/postgres/orders"][3]
    assert tables["gold/FactOrders"][:3] == ("gold", 1, 2)
    assert "deletionVectors" in tables["gold/FactOrders"][3]
    assert result.lake == store.url
    extra = next(f for f in result.findings if f.code == "LKD111")
    assert (extra.object, extra.file, extra.details["version"]) == (
        "Merchant", "silver/postgres/merchants", 2)
    assert extra.message.startswith("silver/postgres/merchants (version 2): ")


def test_schema_diff_classes():
    a = [Field("id", "long", False, 1), Field("n", "integer", True, 2),
         Field("p", "decimal(10,2)", True, 3)]
    b = [Field("key", "long", True, 1), Field("n", "long", True, 2),
         Field("p", "decimal(12,2)", True, 3), Field("x", "string", True, 4)]
    kinds = {(c.kind, c.column) for c in diff_schemas(a, b)}
    assert kinds == {("renamed", "key"), ("became_nullable", "key"), ("type_widened", "n"),
                     ("type_widened", "p"), ("added", "x")}
    assert not widens("long", "integer") and not widens("decimal(10,2)", "decimal(10,3)")
    assert widens("integer", "double") and not widens("string", "long")
    # without column mapping a new name is a drop plus an add
    kinds = {(c.kind, c.column) for c in diff_schemas([Field("a", "long", True)],
                                                       [Field("b", "long", True)])}
    assert kinds == {("added", "b"), ("dropped", "a")}


def test_a_date_of_the_table_from_the_log_alone(lake):
    store, _ = lake
    part = open_date(store, "silver/postgres/merchants", "2026-11-27")
    assert (part.date_column, part.by_partition, part.version) == ("snapshot_date", True, 2)
    assert part.row_count == 2 and len(part.files) == 1
    assert [c.version for c in part.commits] == [2]  # the overwrite replaced the append
    assert part.committed_at == part.commits[0].timestamp
    first = open_date(store, "silver/postgres/merchants", "2026-11-25")
    assert first.row_count == 2 and [c.version for c in first.commits] == [0]
    frame = polars_frame(store, first).collect()
    # older files are read as the current schema (score retyped); the merged column, which
    # no file of this date holds, is absent as from a parquet partition of before it
    assert frame.columns == ["id", "name", "score"]
    assert frame["score"].to_list() == ["1", "2"]
    later = polars_frame(store, part).collect()
    assert later.columns == ["id", "name", "score", "rating"]
    assert later["rating"].to_list() == [4.5, None]


def test_column_mapped_table_is_read_by_logical_names(lake):
    store, _ = lake
    part = open_date(store, "silver/postgres/orders", "2026-11-25")
    assert set(part.physical_names.values()) == {"id", "total_amount", "snapshot_date"}
    frame = polars_frame(store, part).collect().sort("id")
    assert frame.columns == ["id", "total_amount"]
    assert frame["total_amount"].to_list() == [1.5, 2.0]
    # why wdguard scans the files itself (docs/guides/delta.md): delta-rs' own pyarrow
    # reader gives nulls for every data column of this table (deltalake 1.6.6)
    from deltalake import DeltaTable

    read = DeltaTable(f"{store.url}/silver/postgres/orders").to_pyarrow_dataset().to_table()
    assert read.column("total_amount").null_count == read.num_rows == 3
    assert read.column("snapshot_date").null_count == 0


def test_deletion_vectors_are_refused_naming_table_and_feature(lake):
    store, _ = lake
    with pytest.raises(InputError) as err:
        open_date(store, "gold/FactOrders", "2026-11-25", reader="polars")
    line = err.value.one_line()
    # listing alone reads no data: the scan refuses for the reader that reads
    part = open_date(store, "gold/FactOrders", "2026-11-25")
    with pytest.raises(InputError, match="deletionVectors is not supported by the polars"):
        polars_frame(store, part)
    assert "gold/FactOrders" in line
    assert "Delta table feature deletionVectors is not supported by the polars reader" in line
    commits = read_log(store, "gold/FactOrders")
    proto = commits[-1].protocol
    assert unsupported(proto, "polars") == ["deletionVectors"]
    assert unsupported(proto, "spark-files") == ["deletionVectors"]
    assert unsupported(proto, "spark-delta") == []  # the Delta jars decide


def test_drift_lake_cli_json_and_exit_codes(lake, tmp_path):
    store, contracts = lake
    runner = CliRunner()
    res = runner.invoke(app, ["drift", "lake", "--lake", store.url, "--contracts",
                              str(contracts), "--format", "json"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.stdout)
    assert data["command"] == "drift lake" and data["exit_code"] == 1
    assert {t["path"] for t in data["tables"]} == {
        "silver/postgres/merchants", "silver/postgres/orders", "gold/FactOrders"}
    assert data["summary"]["error"] == 3  # LKD103, LKD105 and LKD113
    # a lake with only compatible history exits 0; a missing lake folder exits 2
    clean = tmp_path / "clean"
    write_deltalake(str(clean / "silver" / "postgres" / "tags"),
                    evolving_table.__globals__["merchants"]([0]), partition_by=["snapshot_date"])
    ok = runner.invoke(app, ["drift", "lake", "--lake", str(clean), "--contracts",
                             str(tmp_path / "none")])
    assert ok.exit_code == 0, ok.output
    assert "1 Delta table(s), 1 commit(s)" in ok.stdout
    gone = runner.invoke(app, ["drift", "lake", "--lake", str(tmp_path / "nope")])
    assert gone.exit_code == 2


def test_nightly_report_shows_what_changed_in_the_lake(lake, tmp_path):
    store, contracts = lake
    out = tmp_path / "report"
    res = CliRunner().invoke(app, ["report", "nightly", "--lake", store.url, "--out", str(out),
                                   "--date", "2026-11-27", "--contracts", str(contracts),
                                   "--lake-drift", "--days", "2"])
    assert res.exit_code == 1, res.output  # breaking lake drift (and no gate run yet)
    report = json.loads((out / "report.json").read_text())
    lake_src = next(s for s in report["changes"]["sources"] if s["source"] == "lake")
    assert lake_src["counts"]["breaking"] == 3
    assert {f["code"] for f in lake_src["findings"]} >= {"LKD101", "LKD103", "LKD105"}
    md = (out / "report.md").read_text()
    assert "**lake**: 3 breaking" in md and "type integer -> string in version 2" in md
    # a saved `drift lake --format json` is read back as the lake's drift
    from wdguard.report.drift_inputs import read_drift_json

    saved = tmp_path / "lake.json"
    res = CliRunner().invoke(app, ["drift", "lake", "--lake", store.url, "--contracts",
                                   str(contracts), "--format", "json"])
    saved.write_text(res.stdout)
    assert {f.code for f in read_drift_json(saved)["lake"]} >= {"LKD101", "LKD105"}


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_without_delta_jars_reads_the_listed_files_like_polars(lake, spark):
    from wdguard.lake.delta.table import has_delta_jars, spark_frame

    store, _ = lake
    assert not has_delta_jars(spark)  # no Maven here: the files path is the one in use
    for table, date in (("silver/postgres/merchants", "2026-11-25"),
                        ("silver/postgres/merchants", "2026-11-27"),
                        ("silver/postgres/orders", "2026-11-25")):
        part = open_date(store, table, date, reader="spark-files")
        df = spark_frame(spark, store, part)
        want = polars_frame(store, part).collect()
        assert df.columns == want.columns, table
        got = sorted(tuple(map(str, r)) for r in df.collect())
        assert got == sorted(tuple(map(str, r)) for r in want.rows()), table
    with pytest.raises(InputError, match="deletionVectors is not supported by the spark-files"):
        open_date(store, "gold/FactOrders", "2026-11-25", reader="spark-files")


def test_history_starts_at_the_checkpoint_once_older_commits_are_gone(tmp_path):
    from deltalake import DeltaTable

    table = evolving_table(tmp_path / "silver" / "postgres" / "merchants")
    DeltaTable(str(table)).create_checkpoint()
    for v in (0, 1):
        (table / "_delta_log" / f"{v:020d}.json").unlink()
    commits = read_log(LocalStore(tmp_path), "silver/postgres/merchants")
    assert [c.version for c in commits] == [2]
    assert commits[0].timestamp is not None and commits[0].operation == "WRITE"
    assert [f.name for f in commits[0].schema][-1] == "rating"
    # nothing to compare the first known schema with: no history finding, no crash
    assert lake_drift(LocalStore(tmp_path), []).findings == []


@pytest.mark.azurite
def test_delta_on_azure_through_the_stores_options(azure_lake, tmp_path):
    """A Delta table on ADLS (Azurite's blob API): written by delta-rs with the options
    the store hands Polars, then listed, scanned and its history read through the store."""
    from tests.delta_tables import merchants
    from wdguard.lake.delta.table import delta_options

    uri, polars_options = azure_lake.scan_target("silver/postgres/merchants")
    options = delta_options(polars_options)
    write_deltalake(uri, merchants([0, 1]), partition_by=["snapshot_date"],
                    storage_options=options)
    write_deltalake(uri, merchants([2], rating=True), mode="append", schema_mode="merge",
                    partition_by=["snapshot_date"], storage_options=options)
    assert is_delta_table(azure_lake, "silver/postgres/merchants")
    part = open_date(azure_lake, "silver/postgres/merchants", "2026-11-27")
    assert part.row_count == 2
    frame = polars_frame(azure_lake, part).collect()
    assert frame["rating"].to_list() == [4.5, None]
    found = {(f.code, f.column, f.details.get("version"))
             for f in lake_drift(azure_lake, []).findings}
    assert found == {("LKD101", "rating", 1)}


def test_a_malformed_log_is_one_line_and_exit_2(tmp_path):
    log = tmp_path / "silver" / "postgres" / "x" / "_delta_log"
    log.mkdir(parents=True)
    (log / f"{0:020d}.json").write_text('{"commitInfo": {\n')
    res = CliRunner().invoke(app, ["drift", "lake", "--lake", str(tmp_path)])
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == [
        f"wdguard: error: {tmp_path}/silver/postgres/x: malformed commit 0 line 1: "
        "Expecting property name enclosed in double quotes: line 1 column 17 (char 16)"]


def test_drift_lake_compares_parquet_partitions_and_reads_past_text_bronze(tmp_path):
    """A lake whose bronze is JSON lines (`lake generate --bronze-format jsonl`): drift
    compares the parquet silver partitions and does not read the .json files as parquet
    (found in QA: exit 2, "internal error (ComputeError): parquet: File out of
    specification")."""
    from wdguard.sample.generate import generate_lake
    from wdguard.sample.styles import restyle

    store = LocalStore(tmp_path)
    contracts = [c for c in load_contracts(ROOT / "contracts") if c.object_name == "users"]
    result = generate_lake(store, contracts, rows=0.02, days=1, objects=["users"],
                           layers=("bronze", "silver"))  # fmt: skip
    restyle(store, result.partitions, "wdguard", bronze_format={"users": "jsonl"})
    assert list(tmp_path.glob("raw/postgres/*/users/*.json"))
    got = lake_drift(store, contracts)
    assert got.partitions == 1 and got.findings == []
