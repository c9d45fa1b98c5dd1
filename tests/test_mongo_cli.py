"""`wdguard contracts derive mongo` and `wdguard drift mongo` end to end (--from-json)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bson.json_util import CANONICAL_JSON_OPTIONS, dumps
from typer.testing import CliRunner

from tests.fixtures_mongo import COLLECTIONS, FIXTURES, fixture_docs
from wdguard.cli import app
from wdguard.contracts.io import load_contract

runner = CliRunner()
REPO_CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
MONGO_FILES = ("PickupTracking.yaml", "Review.yaml", "UserActivity.yaml")
PASSWORD = "Mongo-s3cret-pw"


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert PASSWORD not in result.output and PASSWORD not in (result.stderr or "")
    return result


def write_docs(folder: Path, changes: dict[str, list[dict]] | None = None) -> Path:
    """A folder of Extended JSON files: the fixtures, with some collections replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in COLLECTIONS:
        docs = (changes or {}).get(name)
        if docs is None:
            shutil.copy(FIXTURES / f"{name}.json", folder / f"{name}.json")
        else:
            text = "[\n" + ",\n".join(dumps(d, json_options=CANONICAL_JSON_OPTIONS) for d in docs)
            (folder / f"{name}.json").write_text(text + "\n]\n")
    return folder


def repo_contracts(tmp_path: Path) -> Path:
    out = tmp_path / "contracts"
    out.mkdir()
    for name in MONGO_FILES:
        shutil.copy(REPO_CONTRACTS / name, out / name)
    return out


def test_help():
    for cmd in (["contracts", "derive", "mongo"], ["drift", "mongo"]):
        result = invoke(*cmd, "--help")
        assert result.exit_code == 0 and "--from-json" in result.output


def test_derive_writes_one_contract_per_collection_and_rerun_is_identical(tmp_path):
    out = tmp_path / "out"
    first = invoke("contracts", "derive", "mongo", "--from-json", str(FIXTURES),
                   "--db", "wastedump", "--out", str(out), "--format", "json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    assert [(c["contract"], c["collection"], c["status"]) for c in data["contracts"]] == [
        ("PickupTracking", "pickup_tracking", "new"),
        ("Review", "reviews", "new"),
        ("UserActivity", "user_activities", "new"),
    ]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = invoke("contracts", "derive", "mongo", "--from-json", str(FIXTURES),
                   "--db", "wastedump", "--out", str(out), "--format", "json")
    assert {c["status"] for c in json.loads(again.output)["contracts"]} == {"unchanged"}
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    review = load_contract(out / "Review.yaml")
    assert review.source.database == "wastedump" and review.mongo.sample_size == 300


def test_committed_contracts_are_current_and_hand_edits_survive(tmp_path):
    out = repo_contracts(tmp_path)
    result = invoke("contracts", "derive", "mongo", "--from-json", str(FIXTURES),
                    "--db", "wastedump", "--out", str(out))
    assert result.exit_code == 0, result.output
    for name in MONGO_FILES:
        assert (out / name).read_bytes() == (REPO_CONTRACTS / name).read_bytes(), name


def test_shape_change_bumps_version_and_keeps_hand_edits(tmp_path):
    docs = fixture_docs("reviews")
    for d in docs:
        d["rating"] = float(d["rating"])
    src = write_docs(tmp_path / "docs", {"reviews": docs})
    out = repo_contracts(tmp_path)
    old = load_contract(out / "Review.yaml")
    result = invoke("contracts", "derive", "mongo", "--from-json", str(src), "--db",
                    "wastedump", "--out", str(out), "--collection", "reviews")
    assert result.exit_code == 0, result.output
    new = load_contract(out / "Review.yaml")
    assert new.version == old.version + 1 and new.fingerprint != old.fingerprint
    assert new.columns["rating"].type == "float"
    assert (new.columns["rating"].min, new.columns["rating"].max) == (1, 5)
    assert new.rules == old.rules and new.freshness == old.freshness and new.owner == old.owner
    # only the collection asked for was touched
    assert (out / "UserActivity.yaml").read_bytes() == (REPO_CONTRACTS / "UserActivity.yaml").read_bytes()


def test_derive_since_uses_the_freshness_column(tmp_path):
    out = repo_contracts(tmp_path)
    result = invoke("contracts", "derive", "mongo", "--from-json", str(FIXTURES), "--db",
                    "wastedump", "--out", str(out), "--collection", "reviews",
                    "--since", "2026-11-20", "--format", "json")
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)["contracts"]
    expected = sum(1 for d in fixture_docs("reviews") if d["createdAt"].isoformat() >= "2026-11-20")
    assert entry["sample_size"] == expected < 300


def test_drift_clean_exit_0_text_and_json():
    text = invoke("drift", "mongo", "--from-json", str(FIXTURES), "-c", str(REPO_CONTRACTS))
    assert text.exit_code == 0, text.output
    assert "no findings" in text.output
    data = json.loads(invoke("drift", "mongo", "--from-json", str(FIXTURES), "-c",
                             str(REPO_CONTRACTS), "--format", "json").output)
    assert data["summary"] == {"error": 0, "warning": 0, "info": 0} and data["findings"] == []
    assert data["collections"] == {"pickup_tracking": 400, "reviews": 300, "user_activities": 400}


def test_drift_breaking_exit_1_and_warning_needs_strict(tmp_path):
    docs = fixture_docs("pickup_tracking")
    for d in docs[:4]:
        d["battery"] = f"{d['battery']}%"
    broken = write_docs(tmp_path / "broken", {"pickup_tracking": docs})
    result = invoke("drift", "mongo", "--from-json", str(broken), "-c", str(REPO_CONTRACTS),
                    "--format", "json")
    assert result.exit_code == 1
    (finding,) = json.loads(result.output)["findings"]
    assert finding["code"] == "MGD105" and finding["column"] == "battery"
    assert finding["object"] == "PickupTracking" and finding["compat"] == "breaking"

    docs = fixture_docs("pickup_tracking")
    docs[0]["status"] = "CANCELLED"
    warned = write_docs(tmp_path / "warned", {"pickup_tracking": docs})
    loose = invoke("drift", "mongo", "--from-json", str(warned), "-c", str(REPO_CONTRACTS))
    assert loose.exit_code == 0 and "MGD106" in loose.output
    strict = invoke("drift", "mongo", "--from-json", str(warned), "-c", str(REPO_CONTRACTS),
                    "--strict")
    assert strict.exit_code == 1


def test_drift_reports_uncontracted_collections(tmp_path):
    folder = write_docs(tmp_path / "docs")
    (folder / "audit_log.json").write_text('[{"at": {"$date": "2026-11-01T00:00:00Z"}}]')
    result = invoke("drift", "mongo", "--from-json", str(folder), "-c", str(REPO_CONTRACTS),
                    "--format", "json")
    assert result.exit_code == 0
    assert [(f["code"], f["object"]) for f in json.loads(result.output)["findings"]] == [
        ("MGD111", "audit_log")]


def test_drift_retire_after_with_today(tmp_path):
    result = invoke("drift", "mongo", "--from-json", str(FIXTURES), "-c", str(REPO_CONTRACTS),
                    "--collection", "user_activities", "--today", "2027-06-01", "--format", "json")
    assert result.exit_code == 0
    assert [f["code"] for f in json.loads(result.output)["findings"]] == ["MGD109"]


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = (result.stderr or "").strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wdguard: error: ")
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("cmd", [["contracts", "derive", "mongo"], ["drift", "mongo"]])
def test_unreachable_server_exit_2_without_password(cmd, tmp_path):
    uri = f"mongodb://app:{PASSWORD}@127.0.0.1:1/?serverSelectionTimeoutMS=200"
    result = invoke(*cmd, "--uri", uri, "--db", "wastedump", "-c" if cmd[0] == "drift" else
                    "--out", str(REPO_CONTRACTS if cmd[0] == "drift" else tmp_path / "o"))
    line = one_error_line(result)
    assert "unreachable" in line
    assert not (tmp_path / "o").exists()


def test_bad_inputs_exit_2_with_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("WDGUARD_MONGO_URI", raising=False)
    assert "--db" in one_error_line(invoke("contracts", "derive", "mongo", "--uri",
                                           "mongodb://127.0.0.1:1/"))
    assert "--uri" in one_error_line(invoke("drift", "mongo", "-c", str(REPO_CONTRACTS)))
    assert "--since" in one_error_line(invoke("contracts", "derive", "mongo", "--from-json",
                                              str(FIXTURES), "--since", "yesterday"))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no MongoDB contracts" in one_error_line(invoke("drift", "mongo", "-c", str(empty)))


def test_bad_document_file_writes_nothing(tmp_path):
    folder = write_docs(tmp_path / "docs")
    (folder / "user_activities.json").write_text('[{"a": {"$numberLong": "x"}}]')
    out = tmp_path / "out"
    line = one_error_line(invoke("contracts", "derive", "mongo", "--from-json", str(folder),
                                 "--out", str(out)))
    assert "user_activities.json" in line
    assert not out.exists()  # the good collections were not written either


def test_enum_thresholds_are_options(tmp_path):
    out = tmp_path / "out"
    result = invoke("contracts", "derive", "mongo", "--from-json", str(FIXTURES), "--out",
                    str(out), "--collection", "pickup_tracking", "--enum-max-distinct", "3")
    assert result.exit_code == 0, result.output
    cols = load_contract(out / "PickupTracking.yaml").columns
    assert cols["status"].type == "string"  # 4 values > 3
    assert cols["location.type"].type == "enum"
