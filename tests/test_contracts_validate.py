"""`wdguard contracts validate`: the reviewed folder is valid; each planted problem is named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from wdguard.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _validate(folder: Path, *extra: str):
    return runner.invoke(app, ["contracts", "validate", "--contracts", str(folder), *extra])


def test_repository_contracts_are_valid():
    res = _validate(ROOT / "contracts", "--format", "json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["valid"] is True and data["contracts"] >= 12 and data["problems"] == []


def test_every_planted_problem_is_reported_on_its_own_line(tmp_path):
    folder = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", folder)
    order = folder / "Order.yaml"
    order.write_text(
        order.read_text()
        + "- {name: bad_sql, sql: \"status = = 'PAID'\"}\n"
        + "- {name: ghost, sql: \"ghost_column > 0\"}\n"
    )
    (folder / "Tag.yaml").write_text("contract: Tag\nsource: {kind: postgres}\ncolumns: {}\nbogus: 1\n")
    (folder / "User.yaml").unlink()  # Order, Address, ... reference User
    res = _validate(folder)
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    # a rule's problem names the file and the line the rule is written on
    rule_line = next(i for i, t in enumerate(order.read_text().splitlines(), 1) if "bad_sql" in t)
    assert any(f"Order.yaml:{rule_line}: contract Order, rule bad_sql" in x for x in lines), lines
    assert any("rule ghost" in x and "ghost_column" in x for x in lines)
    assert any("Tag.yaml" in x and "bogus" in x for x in lines)
    assert any("Order.yaml" in x and "unknown contract 'User'" in x for x in lines)
    assert all(x.startswith("wdguard: error: ") for x in lines)
    assert "Traceback" not in res.stderr


def test_missing_folder_is_one_line_exit_2(tmp_path):
    res = _validate(tmp_path / "nope")
    assert res.exit_code == 2
    assert res.stderr.strip().count("\n") == 0 and "contracts folder not found" in res.stderr
