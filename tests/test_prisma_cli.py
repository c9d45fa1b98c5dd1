"""`wdguard contracts derive prisma` and `wdguard demo` end to end on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wdguard.cli import app
from wdguard.contracts.io import SCHEMA_COMMENT, load_contract

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "prisma" / "schema.prisma"
REPO_CONTRACTS = ROOT / "contracts"

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def derive(schema: Path, out: Path, *extra: str) -> dict:
    result = run("contracts", "derive", "prisma", str(schema), "--out", str(out), "-f", "json",
                 *extra)  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yaml"))}


@pytest.fixture
def schema_copy(tmp_path: Path) -> Path:
    path = tmp_path / "schema" / "schema.prisma"
    path.parent.mkdir()
    shutil.copy(FIXTURE, path)
    return path


def test_first_derive_writes_one_contract_per_model_then_changes_nothing(
    schema_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "contracts"
    first = derive(schema_copy, out)
    assert [r["status"] for r in first["contracts"]] == ["created"] * 12
    assert sorted(p.stem for p in out.glob("*.yaml")) == sorted(
        r["contract"] for r in first["contracts"]
    )
    before = _snapshot(out)
    second = derive(schema_copy, out)
    assert {r["status"] for r in second["contracts"]} == {"unchanged"}
    assert second["orphaned"] == []
    assert _snapshot(out) == before


def test_repository_contracts_are_byte_identical_after_rederive(tmp_path: Path) -> None:
    out = tmp_path / "contracts"
    shutil.copytree(REPO_CONTRACTS, out)
    before = _snapshot(out)
    report = derive(FIXTURE, out)
    assert {r["status"] for r in report["contracts"]} == {"unchanged"}
    assert _snapshot(out) == before
    # and the hand part is really there to be kept
    order = load_contract(out / "Order.yaml")
    assert any(r.name == "paid_has_paid_at" for r in order.rules)
    assert order.freshness is not None and order.freshness.max_age == "26h"


def test_hand_rule_survives_and_real_change_bumps_version(
    schema_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "contracts"
    derive(schema_copy, out)
    order_file = out / "Order.yaml"
    text = order_file.read_text()
    text += "rules:\n- {name: positive_total, sql: total_amount > 0, severity: error}\n"
    text = text.replace(
        "  notes: {type: string, db_type: text}",
        "  notes: {type: string, db_type: text, description: Free text from the customer.}",
    )
    order_file.write_text(text)
    after_edit = order_file.read_bytes()

    report = derive(schema_copy, out)
    statuses = {r["contract"]: r["status"] for r in report["contracts"]}
    assert statuses["Order"] == "unchanged"
    assert order_file.read_bytes() == after_edit

    # a real schema change: a new nullable column on orders
    schema_copy.write_text(
        schema_copy.read_text().replace(
            "  notes       String?\n", "  notes       String?\n  channel     String?\n"
        )
    )
    report = derive(schema_copy, out)
    rows = {r["contract"]: r for r in report["contracts"]}
    assert rows["Order"]["status"] == "bumped" and rows["Order"]["version"] == 2
    assert {r["status"] for n, r in rows.items() if n != "Order"} == {"unchanged"}
    order = load_contract(order_file)
    assert order.version == 2 and "channel" in order.columns
    assert [r.name for r in order.rules] == ["positive_total"]
    assert order.columns["notes"].description == "Free text from the customer."


def test_parse_error_writes_nothing_and_names_file_line_col(
    schema_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "contracts"
    derive(schema_copy, out)
    before = _snapshot(out)
    text = schema_copy.read_text()
    schema_copy.write_text(text.replace('@@map("orders")\n}', '@@map("orders")\n', 1))
    result = run("contracts", "derive", "prisma", str(schema_copy), "--out", str(out))
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1
    assert f"{schema_copy}:" in err and "expected '}' to close model Order" in err
    assert "Traceback" not in result.output
    assert _snapshot(out) == before
    assert not list(out.glob(".*"))  # no temporary files left behind


def test_bad_existing_contract_stops_before_any_write(schema_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "contracts"
    derive(schema_copy, out)
    schema_copy.write_text(schema_copy.read_text().replace("  notes       String?\n", ""))
    (out / "User.yaml").write_text("contract: User\nversion: [\n")
    before = _snapshot(out)
    result = run("contracts", "derive", "prisma", str(schema_copy), "--out", str(out))
    assert result.exit_code == 2
    assert f"{out / 'User.yaml'}:" in result.stderr
    assert _snapshot(out) == before  # Order.yaml was not rewritten either


def test_disappeared_models_are_reported_and_pruned_only_when_asked(
    schema_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "contracts"
    derive(schema_copy, out)
    (out / "Mongo.yaml").write_text(
        "contract: Mongo\nsource: {kind: mongodb, collection: events}\n"
        "columns:\n  _id: {type: string}\n"
    )
    text = schema_copy.read_text()
    start = text.index("model Tag {")
    end = text.index("}", start) + 2
    text = text[:start] + text[end:]
    text = text.replace("  tags       Tag[]\n", "")
    schema_copy.write_text(text)

    report = derive(schema_copy, out)
    assert [o["contract"] for o in report["orphaned"]] == ["Tag", "_ProductToTag"]
    assert (out / "Tag.yaml").exists() and (out / "_ProductToTag.yaml").exists()
    text_out = run("contracts", "derive", "prisma", str(schema_copy), "--out", str(out))
    assert "no model Tag in the schema any more" in text_out.stdout

    report = derive(schema_copy, out, "--prune")
    assert all(o["pruned"] for o in report["orphaned"])
    assert not (out / "Tag.yaml").exists() and not (out / "_ProductToTag.yaml").exists()
    assert (out / "Mongo.yaml").exists()  # other sources are not Prisma's to prune


def test_text_output_and_missing_schema(tmp_path: Path) -> None:
    out = tmp_path / "c"
    result = run("contracts", "derive", "prisma", str(FIXTURE), "--out", str(out))
    assert result.exit_code == 0
    assert "WasteCollection" in result.stdout and "created" in result.stdout
    missing = run("contracts", "derive", "prisma", str(tmp_path / "nope.prisma"))
    assert missing.exit_code == 2
    assert missing.stderr.strip() == (
        f"wdguard: error: {tmp_path / 'nope.prisma'}: Prisma schema not found"
    )


def test_demo_finds_the_fixture_schema_from_the_package() -> None:
    """`wdguard demo` (run end to end in test_gate_demo.py) starts from this schema."""
    from wdguard.commands.demo import fixture_schema
    from wdguard.contracts.prisma_derive import derive_contracts

    assert fixture_schema() == FIXTURE
    names = [c.contract for c in derive_contracts(fixture_schema())]
    assert names[:3] == ["User", "Address", "Merchant"] and "_ProductToTag" in names
    assert len(names) == 12


def test_demo_fails_in_one_line_without_fixtures(monkeypatch, tmp_path: Path) -> None:
    from wdguard.commands import demo

    monkeypatch.setattr(demo, "fixtures_dir", lambda: tmp_path / "fixtures")
    result = run("demo")
    assert result.exit_code == 2
    assert "WasteDump fixture schema is missing" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_hand_formatted_file_is_normalised_without_a_bump(
    schema_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "contracts"
    derive(schema_copy, out)
    tag = out / "Tag.yaml"
    edited = tag.read_text().replace("contract: Tag\n", "# reviewed by ops\ncontract:   Tag\n")
    edited += "owner: ops\n"
    tag.write_text(edited)
    rows = {r["contract"]: r for r in derive(schema_copy, out)["contracts"]}
    assert (rows["Tag"]["status"], rows["Tag"]["version"]) == ("updated", 1)
    text = tag.read_text()
    assert "owner: ops" in text and text.startswith(SCHEMA_COMMENT + "contract: Tag\n")
    assert "# reviewed by ops" not in text  # YAML comments are not kept: use description
