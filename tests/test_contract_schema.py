"""`wdguard contracts schema`, the schema file derive writes beside the contracts, and the
yaml-language-server comment every derived contract starts with."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from wdguard.cli import app
from wdguard.contracts.io import SCHEMA_COMMENT, load_contract
from wdguard.contracts.model import contract_json_schema

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "fixtures" / "prisma" / "schema.prisma"
runner = CliRunner()


def test_contracts_schema_prints_the_models_json_schema() -> None:
    res = runner.invoke(app, ["contracts", "schema"])
    assert res.exit_code == 0
    printed = json.loads(res.stdout)
    assert printed == contract_json_schema()
    assert printed["title"] == "wdguard contract"
    assert {"contract", "source", "columns"} <= set(printed["required"])
    # the copies committed beside the contracts and with the docs are that document
    for copy in (ROOT / "contracts" / "contract.schema.json",
                 ROOT / "docs" / "reference" / "contract.schema.json"):
        assert json.loads(copy.read_text()) == printed, copy


def test_committed_contracts_validate_against_the_schema_and_a_typo_does_not() -> None:
    validator = Draft202012Validator(contract_json_schema())
    files = sorted((ROOT / "contracts").glob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        assert path.read_text().startswith(SCHEMA_COMMENT), path
        data = yaml.safe_load(path.read_text())
        assert not list(validator.iter_errors(data)), path
    data = yaml.safe_load((ROOT / "contracts" / "Order.yaml").read_text())
    data["columns"]["status"]["nulable"] = True
    data["version"] = "four"
    messages = sorted(e.message for e in validator.iter_errors(data))
    assert any("nulable" in m for m in messages) and any("'four'" in m for m in messages)


def test_derive_writes_the_schema_beside_the_contracts_and_stays_byte_stable(tmp_path) -> None:
    out = tmp_path / "contracts"
    res = runner.invoke(app, ["contracts", "derive", "prisma", str(SCHEMA), "--out", str(out)])
    assert res.exit_code == 0, res.output
    schema_file = out / "contract.schema.json"
    assert json.loads(schema_file.read_text()) == contract_json_schema()
    order = (out / "Order.yaml").read_text()
    assert order.startswith("# yaml-language-server: $schema=contract.schema.json\n")
    assert load_contract(out / "Order.yaml").contract == "Order"  # the comment is inert
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    res = runner.invoke(app, ["contracts", "derive", "prisma", str(SCHEMA), "--out", str(out),
                              "-f", "json"])
    assert {r["status"] for r in json.loads(res.stdout)["contracts"]} == {"unchanged"}
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_committed_contracts_are_what_derive_writes(tmp_path) -> None:
    out = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", out)
    res = runner.invoke(app, ["contracts", "derive", "prisma", str(SCHEMA), "--out", str(out),
                              "-f", "json"])
    assert res.exit_code == 0, res.output
    assert {r["status"] for r in json.loads(res.stdout)["contracts"]} == {"unchanged"}


def test_schema_descriptions_come_from_the_models_comments() -> None:
    schema = contract_json_schema()
    column = schema["$defs"]["Column"]["properties"]
    assert column["references"]["description"] == (
        '[derived] "Contract.column" for single-column foreign keys')
    assert column["regex"]["description"] == "[hand]"
    assert schema["properties"]["consumers"]["description"] == "[hand] gold tables that read it"
    assert schema["$defs"]["Source"]["properties"]["schema"]["description"] == "Postgres schema"
