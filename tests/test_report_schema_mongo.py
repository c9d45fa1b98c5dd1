"""`report nightly --schema ... -c ... --mongo-uri ...`: the schema gives the PostgreSQL
contracts and the folder still gives the MongoDB ones (before, --schema replaced the
folder and the Mongo comparison failed with 'no MongoDB contracts')."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests import pgutil
from tests.gate_helpers import clean_lake
from wdguard.cli import app
from wdguard.lake.storage import LocalStore

ROOT = Path(__file__).resolve().parents[1]


def test_schema_and_mongo_contracts_together(wastedump_db, mongo_db, monkeypatch, tmp_path):
    import wdguard.sources.mongo as source

    monkeypatch.setattr(source, "MongoClient", lambda *a, **k: mongo_db.client)
    (tmp_path / "lake").mkdir()
    clean_lake(LocalStore(tmp_path / "lake"))
    result = CliRunner().invoke(app, [
        "report", "nightly", "--lake", str(tmp_path / "lake"), "--date", "2026-11-20",
        "--out", str(tmp_path / "out"), "--dsn", wastedump_db, "--schema",
        str(pgutil.SCHEMA_PATH), "-c", str(ROOT / "contracts"), "--mongo-uri",
        "mongodb://app:pw@db.invalid/", "--mongo-db", mongo_db.name, "--format", "json",
    ])  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    sources = {s["source"] for s in report["changes"]["sources"]}
    assert {"postgres", "mongodb"} <= sources, sources
