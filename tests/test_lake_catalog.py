"""A layer known by a catalog name (`[lake.silver] table = "main.silver.{object}"`):
read with `spark.table(name)` on Spark, refused in one line on Polars (issue 24).

Locally Spark's session catalog (`spark_catalog`) takes three-part names
`spark_catalog.<schema>.<table>`, the shape of Unity Catalog's; Unity Catalog itself
(`main.silver.users`) needs Databricks and is not tested here."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_gate_lake import ROOT
from wdguard.cli import app
from wdguard.contracts.io import load_contracts
from wdguard.drift.lake_drift import lake_drift
from wdguard.errors import InputError, SourceError
from wdguard.gate import run_gate
from wdguard.lake.catalog import CatalogDate, spark_frame
from wdguard.lake.layout import LakeLayout
from wdguard.lake.resolve import resolve
from wdguard.lake.storage import LocalStore
from wdguard.sample.generate import generate_lake

DAY = "2026-11-26"
NAME = "spark_catalog.default.wdguard_{layer}_{object}"
CATALOG = {"silver": {"table": NAME, "date_column": "ingest_date"}}


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    """users, bronze and silver, two days, in wdguard's own layout; its contract alone."""
    root = tmp_path_factory.mktemp("lake")
    generate_lake(LocalStore(root), load_contracts(ROOT / "contracts"), rows=0.02, days=2,
                  objects=["users"], layers=("bronze", "silver"))  # fmt: skip
    folder = tmp_path_factory.mktemp("contracts")
    shutil.copy(ROOT / "contracts" / "User.yaml", folder / "User.yaml")
    return root, folder


@pytest.mark.parametrize("table,message", [
    ({"table": NAME}, "needs date_column"),
    ({"table": NAME, "date_column": "d", "path": "s/{date}/{object}"}, "path or table, not both"),
    ({"table": "main.silver.{date}", "date_column": "d"}, "unknown placeholder(s) {date}"),
    ({"table": "a.b.c.{object}", "date_column": "d"}, "is not a catalog name"),
    ({"table": "main.silver-x.{object}", "date_column": "d"}, "is not a catalog name"),
])
def test_a_bad_table_key_is_one_line(table, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        LakeLayout.from_table({"silver": table})


@pytest.mark.parametrize("name,line", [
    ("main.{object", "wdguard.toml [lake.silver]: table 'main.{object': expected '}' before "
                     "end of string"),
    ("m.{date}.{x}_{object}", "wdguard.toml [lake.silver]: table 'm.{date}.{x}_{object}' names unknown "
     "placeholder(s) {date}, {x}: use {layer}, {source}, {object} (the date is a predicate "
     "on date_column)"),
    ("a.b.c.{object}", "wdguard.toml [lake.silver]: table 'a.b.c.{object}' is not a catalog name: use "
     "catalog.schema.table (or schema.table), letters, digits and _"),
])
def test_a_bad_table_name_is_one_whole_line_naming_its_key(name, line):
    with pytest.raises(InputError) as err:
        LakeLayout.from_table({"silver": {"table": name, "date_column": "d"}})
    assert err.value.one_line() == line


def test_only_spark_reads_catalog_tables():
    from wdguard.lake.catalog import require_engine
    from wdguard.lake.partition import ResolvedPartition

    table = ResolvedPartition("silver", "postgres", "users", DAY, "main.s.users", format="table")
    files = ResolvedPartition("bronze", "postgres", "users", DAY, "raw/users", format="parquet")
    require_engine("spark", [files, table])  # no refusal
    require_engine("polars", [files])  # nothing to refuse
    with pytest.raises(InputError) as err:
        require_engine("polars", [files, table])
    assert err.value.one_line().startswith("[lake] table: main.s.users is a catalog table")


def test_table_names_resolve_per_contract_and_a_path_override_wins(lake):
    root, folder = lake
    user = load_contracts(folder)[0]
    layout = LakeLayout.from_table({"silver": {**CATALOG["silver"], "contracts": {
        "Other": {"path": "x/{object}/{date}"}}}})
    part = resolve(LocalStore(root), layout, user, "silver", DAY)
    assert (part.format, part.path, part.exists) == (
        "table", "spark_catalog.default.wdguard_silver_users", True)
    assert (part.layer, part.source, part.object, part.date) == (
        "silver", "postgres", "users", DAY)
    assert part.predicate == CatalogDate("spark_catalog.default.wdguard_silver_users", DAY,
                                         "ingest_date")
    assert "catalog table" in part.expected.reason
    assert layout.of("silver", "Other").table is None  # a path of its own: files again
    assert not layout.is_default
    assert resolve(LocalStore(root), layout, user, "bronze", DAY).format == "parquet"


def test_polars_refuses_a_catalog_table_in_one_line_exit_2(lake, tmp_path, monkeypatch):
    root, folder = lake
    record = run_gate(LocalStore(root), DAY, contracts_dir=folder, write=False,
                      lake=LakeLayout.from_table(CATALOG))
    assert record.exit_code == 2 and not record.checks
    assert record.errors == [
        "[lake] table: spark_catalog.default.wdguard_silver_users is a catalog table: the "
        "polars engine reads storage, not a catalog; run with --engine spark"]
    # the CLI, with the layout in wdguard.toml
    (tmp_path / "wdguard.toml").write_text(
        f'[lake.silver]\ntable = "{NAME}"\ndate_column = "ingest_date"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WDGUARD_CONFIG", raising=False)
    res = CliRunner().invoke(app, ["check", "--lake", str(root), "--date", DAY,
                                   "--contracts", str(folder)])
    assert res.exit_code == 2
    assert res.stderr.splitlines() == ["wdguard: error: " + record.errors[0]]
    # on screen too, `[lake]` and all (not taken for markup)
    assert "could not decide: " + record.errors[0] in " ".join(res.stdout.split())
    # bronze alone needs no catalog: the gate runs on Polars
    res = CliRunner().invoke(app, ["check", "--lake", str(root), "--date", DAY,
                                   "--contracts", str(folder), "--layer", "bronze"])
    assert res.exit_code == 0, res.output
    # drift lake reads storage: it says which tables it did not read
    res = CliRunner().invoke(app, ["drift", "lake", "--lake", str(root), "--contracts",
                                   str(folder)])
    assert res.exit_code == 0, res.output
    assert "2 parquet partition(s) compared; 1 catalog table(s) not read " \
           "(spark_catalog.default.wdguard_silver_users" in " ".join(res.stdout.split())
    got = lake_drift(LocalStore(root), load_contracts(folder),
                     lake=LakeLayout.from_table(CATALOG))
    assert (got.partitions, got.catalog) == (2, ["spark_catalog.default.wdguard_silver_users"])
    # lake inspect names the table as a table (no path slash, no Polars refusal as a problem)
    res = CliRunner().invoke(app, ["lake", "inspect", "--lake", str(root), "--date", DAY,
                                   "--contracts", str(folder)])
    assert res.exit_code == 0, res.output
    lines = [" ".join(line.split()) for line in res.stdout.splitlines()]
    at = lines.index("silver:User spark_catalog.default.wdguard_silver_users")
    assert lines[at + 1] == "catalog table: read by name on --engine spark (no files here)"
    assert lines[at + 2] == "expected rows: nobody"
    assert lines[at + 3].startswith("file_missing: ") and "catalog table" in lines[at + 3]
    assert any(line.startswith("bronze:User ") and line.endswith("/") for line in lines)


@pytest.fixture
def no_warehouse_litter():
    """The session catalog makes `spark-warehouse/` in the directory Spark started in:
    removed again when this test made it."""
    folder = Path("spark-warehouse")
    existed = folder.exists()
    yield
    if not existed and folder.exists():
        shutil.rmtree(folder)


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_reads_a_catalog_table_by_name_same_verdicts(lake, spark, spark_engine, tmp_path,
                                                           no_warehouse_litter):
    """silver users as an external parquet table of the session catalog, every day in one
    folder with an `ingest_date` column: the date's rows are read by name and give the
    verdicts the same rows give as files (the manifest checks skipped, with the reason)."""
    from pyspark.sql import functions as F

    root, folder = lake
    store = LocalStore(root)
    data = str(tmp_path / "table")
    frames = [spark.read.parquet(store.spark_uri(f"silver/postgres/{day}/users"))
              .withColumn("ingest_date", F.lit(day).cast("date"))
              for day in ("2026-11-25", DAY)]
    frames[0].unionByName(frames[1]).write.parquet(data)
    name = NAME.format(layer="silver", object="users")
    spark.catalog.createTable(name.split(".", 1)[1], path=data, source="parquet")
    try:
        ref = run_gate(store, DAY, contracts_dir=folder, write=False, layers=("silver",))
        got = run_gate(store, DAY, contracts_dir=folder, write=False, layers=("silver",),
                       engine=spark_engine, lake=LakeLayout.from_table(CATALOG))
        # a name the catalog does not know, a date column the table lacks: one line each
        # (the gate records it as that partition's unreadable error, exit 2)
        with pytest.raises(SourceError, match=r"^cannot read catalog table: .*nope"):
            spark_frame(spark, CatalogDate("spark_catalog.default.nope", DAY, "ingest_date"))
        with pytest.raises(InputError, match="date column 'day' is not in the table"):
            spark_frame(spark, CatalogDate(name, DAY, "day"))
    finally:
        spark.sql(f"DROP TABLE IF EXISTS {name}")
    assert [(p.path, p.row_count) for p in got.partitions] == [
        (name, ref.partitions[0].row_count)]
    assert ref.partitions[0].row_count > 0
    skipped = {c.id: c.message for c in got.checks if c.status == "skipped"}
    assert {"silver:users:*:file_missing", "silver:users:*:row_count"} <= set(skipped)
    assert "catalog table" in skipped["silver:users:*:row_count"]
    # no history of this lake's counts by name yet: the volume baseline is skipped too
    same = {c.id: (c.status, c.failing_rows) for c in got.checks if c.id not in skipped}
    want = {c.id: (c.status, c.failing_rows) for c in ref.checks if c.id in same}
    assert same == want and len(same) > 10
    assert got.exit_code == ref.exit_code == 0 and not got.errors
