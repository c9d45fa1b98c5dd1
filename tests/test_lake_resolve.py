"""Resolving a date's partitions from a `[lake]` layout: templates, file names, formats,
Hive values, and what stands in for a missing `_source.json` (small hand-built lakes)."""

from __future__ import annotations

import io
import json

import polars as pl
import pytest

from tests import gate_helpers as G
from wdguard.contracts.io import load_contracts
from wdguard.errors import InputError
from wdguard.gate import run_gate
from wdguard.lake.formats import classify, hive_values
from wdguard.lake.layout import LakeLayout, Template
from wdguard.lake.resolve import resolve
from wdguard.lake.storage import LocalStore

DATE = "2026-11-20"


@pytest.fixture
def store(tmp_path):
    (tmp_path / "lake").mkdir()
    return LocalStore(tmp_path / "lake")


@pytest.fixture
def contracts(tmp_path):
    return G.write_contracts(tmp_path / "contracts")


def _parquet(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_parquet(buf)
    return buf.getvalue()


def test_templates_render_and_refuse_unknown_placeholders():
    t = Template("landing/{source}/{object}/{yyyy}/{mm}/{dd}")
    assert t.render(layer="bronze", source="postgres", obj="orders", date=DATE) == (
        "landing/postgres/orders/2026/11/20"
    )
    assert t.root(layer="bronze", source="postgres") == "landing/postgres/{object}/"
    assert t.objects_root(layer="bronze", source="postgres", date=DATE) == "landing/postgres"
    hive = Template("silver/{object}/ingest_date={date}")
    assert hive.render(layer="silver", source="x", obj="users", date=DATE) == (
        "silver/users/ingest_date=2026-11-20"
    )
    for bad, word in [
        ("raw/{day}/{object}", "{day}"),
        ("raw/{source}/{object}", "no date placeholder"),
        ("/abs/{date}/{object}", "relative"),
        ("raw/{date}/{object", "{object"),
    ]:
        with pytest.raises(InputError, match="path template") as err:
            Template(bad, "wdguard.toml [lake.bronze]")
        assert word in err.value.one_line() and "wdguard.toml [lake.bronze]" in err.value.one_line()


def test_lake_table_errors_name_the_table():
    for table, word in [
        ({"bronze": {"paht": "x/{date}"}}, "unknown key(s) paht"),
        ({"bronze": {"format": "avro"}}, "unknown format 'avro'"),
        ({"gold": {}}, "unknown key(s) in [lake]: gold"),
        ({"silver": {"contracts": {"User": {"format": 3}}}}, "format must be a string"),
    ]:
        with pytest.raises(InputError) as err:
            LakeLayout.from_table(table)
        assert word in err.value.one_line(), err.value.one_line()
    lake = LakeLayout.from_table(
        {"format": "csv", "bronze": {"contracts": {"Order": {"format": "jsonl"}}}}
    )
    assert lake.of("bronze", "Order").format == "jsonl" and lake.of("bronze", "User").format == "csv"
    assert LakeLayout.default().is_default and not lake.is_default


def test_classify_any_names_one_format():
    assert classify(["a.snappy.parquet", "data_1.parquet", "README.md", "part-0"], None, "p") == (
        "parquet", ["a.snappy.parquet", "data_1.parquet", "part-0"], ["README.md"],
    )  # fmt: skip
    assert classify(["x.txt"], "csv", "p")[:2] == ("csv", ["x.txt"])
    with pytest.raises(InputError, match="two formats"):
        classify(["a.parquet", "b.json"], None, "p")
    with pytest.raises(InputError, match="says format csv but the data files are jsonl"):
        classify(["b.json"], "csv", "p")
    with pytest.raises(InputError, match="compressed"):
        classify(["b.json.gz"], None, "p")
    assert hive_values("t/ingest_date=2026-11-20/src=a%2Fb/x=__HIVE_DEFAULT_PARTITION__/f") == {
        "ingest_date": "2026-11-20", "src": "a/b", "x": None,
    }  # fmt: skip


def _hive_lake(store, *, adf: dict | None = None) -> LakeLayout:
    """users and orders in Hive folders, with `snapshot_date` as a declared column that
    only the folder holds; no `_source.json`; optionally ADF outputs."""
    for obj, df, files in (("users", G.users(), 1), ("orders", G.orders(), 2)):
        size = -(-df.height // files)
        for i in range(files):
            path = f"bronze/{obj}/snapshot_date={DATE}/part-{i:05d}-abc.c000.snappy.parquet"
            store.write_bytes(path, _parquet(df.slice(i * size, size)))
        store.write_bytes(f"bronze/{obj}/_SUCCESS", b"")
        if adf is not None:
            store.write_text(f"adf/{DATE}/{obj}.json", json.dumps(adf.get(obj, {})))
    table = {"bronze": {"path": "bronze/{object}/snapshot_date={date}"}}
    if adf is not None:
        table["bronze"]["adf_output"] = "adf/{date}/{object}.json"
    return LakeLayout.from_table(table)


def _with_snapshot_date(folder):
    for name in ("User.yaml", "Order.yaml"):
        path = folder / name
        path.write_text(path.read_text().replace(
            "columns:\n", "columns:\n  snapshot_date: {type: date, nullable: false}\n"
        ))  # fmt: skip
    return folder


def test_hive_folders_no_manifest_skips_with_reason_and_fills_declared_columns(store, contracts):
    lake = _hive_lake(store)
    _with_snapshot_date(contracts)
    (order,) = [c for c in load_contracts(contracts) if c.contract == "Order"]
    part = resolve(store, lake, order, "bronze", DATE)
    assert part.path == f"bronze/orders/snapshot_date={DATE}" and part.format == "parquet"
    assert len(part.data_files) == 2 and not part.expected.known
    record = run_gate(store, DATE, contracts_dir=contracts, layers=("bronze",), lake=lake)
    assert record.exit_code == 0, [(c.id, c.message) for c in record.checks if c.status != "pass"]
    by_id = {c.id: c for c in record.checks}
    assert by_id["bronze:orders:*:row_count"].status == "skipped"
    assert "no _source.json" in by_id["bronze:orders:*:row_count"].message
    assert by_id["bronze:users:snapshot_date:not_null"].status == "pass"  # from the folder
    stale = by_id["bronze:users:updated_at:stale"]
    assert stale.status == "pass" and stale.details["reference"] == f"the end of {DATE}"
    assert stale.details["extracted_at"] == "2026-11-21T00:00:00+00:00"
    # required: the same lake is undecided, naming the partition and the setting
    record = run_gate(
        store, DATE, contracts_dir=contracts, layers=("bronze",), lake=lake, require_manifest=True
    )
    errors = [c.message for c in record.checks if c.status == "error"]
    assert record.exit_code == 2 and len(errors) == 2
    assert any("bronze/users/snapshot_date=2026-11-20/_source.json" in e for e in errors)
    assert all("require_manifest" in e for e in errors)


def test_adf_output_stands_in_for_the_manifest(store, contracts):
    start = "2026-11-20T23:50:00.1234567Z"
    good = {"rowsRead": 4, "rowsCopied": 4, "filesWritten": 1,
            "executionDetails": [{"start": start, "status": "Succeeded"}]}  # fmt: skip
    lying = {"output": {"rowsRead": 5, "rowsCopied": 3, "filesWritten": 3}}  # activity run
    lake = _hive_lake(store, adf={"users": good, "orders": lying})
    record = run_gate(store, DATE, contracts_dir=contracts, layers=("bronze",), lake=lake)
    by_id = {c.id: c for c in record.checks}
    assert by_id["bronze:users:*:row_count"].status == "pass"
    assert by_id["bronze:users:*:file_missing"].status == "pass"
    assert by_id["bronze:users:updated_at:stale"].details["extracted_at"].startswith(
        "2026-11-20T23:50:00.123456"
    )
    rows, files = by_id["bronze:orders:*:row_count"], by_id["bronze:orders:*:file_missing"]
    assert rows.status == files.status == "fail" and record.exit_code == 1
    assert rows.message == (
        f"read 4 row(s), ADF output adf/{DATE}/orders.json says 3; "
        f"ADF output adf/{DATE}/orders.json: rowsRead 5 but rowsCopied 3"
    )
    assert files.message == (
        f"2 data file(s) present, ADF output adf/{DATE}/orders.json says filesWritten=3"
    )


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("[1, 2]", "not a JSON object"),
        ('{"rowsRead": 4}', "no rowsCopied"),
        ('{"rowsCopied": -1}', "rowsCopied must be a count"),
        ('{"rowsCopied": 1, "executionDetails": [{"start": "noon"}]}', "not a time"),
    ],
)
def test_bad_adf_output_is_undecided_naming_the_file(store, contracts, text, word):
    lake = _hive_lake(store, adf={"orders": {"rowsCopied": 4}})
    store.write_text(f"adf/{DATE}/users.json", text)
    record = run_gate(store, DATE, contracts_dir=contracts, layers=("bronze",), lake=lake)
    (err,) = [c for c in record.checks if c.status == "error" and c.check == "unreadable"]
    assert record.exit_code == 2 and word in err.message
    assert f"adf/{DATE}/users.json" in err.message and err.object == "users"


def test_no_partition_for_the_date_names_the_templates(store, contracts):
    lake = _hive_lake(store)
    record = run_gate(store, "2026-11-21", contracts_dir=contracts, layers=("bronze",), lake=lake)
    assert record.exit_code == 2
    assert record.errors == [
        "--date: no partitions for date 2026-11-21 under bronze/{object}/"
    ]


def test_unexpected_objects_found_through_the_template(store, contracts):
    lake = _hive_lake(store)
    store.write_bytes(f"bronze/invoices/snapshot_date={DATE}/p.parquet", _parquet(G.users()))
    store.write_bytes("bronze/refunds/snapshot_date=2026-11-19/p.parquet", _parquet(G.users()))
    record = run_gate(store, DATE, contracts_dir=contracts, layers=("bronze",), lake=lake)
    strangers = [c for c in record.checks if c.check == "unexpected_object" and c.status == "fail"]
    assert [(c.object, c.message) for c in strangers] == [
        ("invoices", f"bronze/invoices/snapshot_date={DATE}/ has no contract")
    ]


def test_what_stands_in_for_a_missing_manifest_is_said_whole(store, contracts):
    """The reason a partition has no expected counts, and the line when a manifest is
    required, with an ADF output configured (absent for users) and without one."""
    (user,) = [c for c in load_contracts(contracts) if c.contract == "User"]
    where = f"{store.url.rstrip('/')}/bronze/users/snapshot_date={DATE}/_source.json"
    HINT = " (hint: [check] require_manifest = true in wdguard.toml)"  # noqa: N806
    for adf in (None, {"orders": {"rowsCopied": 4}}):
        lake = _hive_lake(store, adf=adf)
        if adf is not None:
            store.delete(f"adf/{DATE}/users.json")  # ADF configured, its output absent
        part = resolve(store, lake, user, "bronze", DATE)
        err = resolve(store, lake, user, "bronze", DATE, require_manifest=True).problem
        assert isinstance(err, InputError) and part.problem is None
        if adf is None:
            assert part.expected.reason == "no _source.json (and no adf_output in [lake])"
            assert err.one_line() == f"{where}: partition has no _source.json manifest" + HINT
        else:
            path = f"adf/{DATE}/users.json"
            assert part.expected.reason == f"no _source.json and no ADF output at {path}"
            assert err.one_line() == (
                f"{where}: partition has no _source.json manifest nor ADF output {path}" + HINT)
