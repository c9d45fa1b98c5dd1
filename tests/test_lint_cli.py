"""`wdguard migrations lint` end to end: fixture migrations, formats, exit codes, --since,
--dsn against a real PostgreSQL, and the README rule table being current."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests import pgutil
from wdguard.cli import app
from wdguard.drift.lint import lint_rules

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "fixtures" / "prisma" / "migrations"
CONTRACTS = ROOT / "contracts"

# What the fixture migrations produce, per migration folder. The one breaking change,
# 20240420120000_rename_order_total renaming orders.total in place, carries a reviewed
# `-- wdguard-ignore: WDL004` and is reported as suppressed (documented in README).
FIXTURE_FINDINGS = {
    ("20240105093000_init", "WDL010"): 7,
    ("20240212141500_add_user_phone", "WDL011"): 1,
    ("20240212141500_add_user_phone", "WDL109"): 1,
    ("20240301101000_subscriptions", "WDL010"): 2,
    ("20240318083000_payment_subscription", "WDL011"): 1,
    ("20240318083000_payment_subscription", "WDL107"): 1,
    ("20240318083000_payment_subscription", "WDL109"): 1,
    ("20240402160000_order_status_refunded", "WDL012"): 1,
    ("20240420120000_rename_order_total", "WDL109"): 1,
    ("20240507090000_waste_collections", "WDL010"): 1,
    ("20240603113000_product_tags", "WDL010"): 2,
    ("20240715150000_waste_category_electronic_bulky", "WDL012"): 2,
    ("20240820094500_order_status_user_created_idx", "WDL101"): 2,
    ("20240910100000_merchant_rating", "WDL011"): 2,
    ("20240910100000_merchant_rating", "WDL109"): 1,
}

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["migrations", "lint", *args])


def lint_json(*args: str) -> tuple[int, dict]:
    res = invoke(*args, "--format", "json")
    assert res.exit_code in (0, 1), res.stderr
    return res.exit_code, json.loads(res.stdout)


def test_fixture_migrations_give_only_the_documented_findings() -> None:
    code, data = lint_json(str(MIGRATIONS), "--contracts", str(CONTRACTS))
    got = Counter((Path(f["file"]).parent.name, f["code"]) for f in data["findings"])
    assert dict(got) == FIXTURE_FINDINGS
    assert [f for f in data["findings"] if f["severity"] == "error"] == []
    assert [(Path(f["file"]).parent.name, f["code"]) for f in data["suppressed"]] == [
        ("20240420120000_rename_order_total", "WDL004")
    ]
    assert code == 0 and data["exit_code"] == 0 and len(data["migrations"]) == 11


def test_fixture_without_the_deliberate_rename_is_clean_of_errors() -> None:
    folders = [p for p in sorted(MIGRATIONS.iterdir()) if p.is_dir() and "rename" not in p.name]
    code, data = lint_json(*map(str, folders), "--contracts", str(CONTRACTS))
    assert code == 0 and data["summary"]["error"] == 0 and data["summary"]["warning"] > 0


def test_text_output_is_ruff_like_with_help_and_impact(tmp_path: Path) -> None:
    mig = tmp_path / "20250101000000_drop_note" / "migration.sql"
    mig.parent.mkdir()
    mig.write_text(
        "SET lock_timeout = '2s';\n"
        'ALTER TABLE "orders" DROP COLUMN "notes";\n'
        'ALTER TABLE "users" ADD COLUMN "nickname" TEXT;\n'
    )
    res = invoke(str(MIGRATIONS / "20240105093000_init"), str(mig.parent), "-c", str(CONTRACTS))
    assert res.exit_code == 1, res.output
    lines = res.stdout.splitlines()
    head = f"{mig}:2:1: WDL002 error column orders.notes is dropped"
    i = lines.index(head)
    assert lines[i + 1].startswith("  help: ")
    assert lines[i + 2].startswith("  impact: contracts Order; gold ") and "FactOrders" in lines[i + 2]
    assert lines[i + 3] == "    Order: - columns.notes"
    assert lines[-1].startswith("2 migration(s) linted: 1 error(s)")


def test_clean_and_info_only_exit_zero_strict_fails_on_warning(tmp_path: Path) -> None:
    clean = tmp_path / "clean.sql"
    clean.write_text("SELECT 1;\n")
    assert invoke(str(clean)).exit_code == 0
    info = tmp_path / "info.sql"
    info.write_text('CREATE TABLE "refunds" ("id" UUID);\n')
    assert invoke(str(info)).exit_code == 0
    warn = tmp_path / "warn.sql"
    warn.write_text('ALTER TABLE "orders" ADD COLUMN "x" TEXT;\n')
    assert invoke(str(warn)).exit_code == 0
    assert invoke(str(warn), "--strict").exit_code == 1


def test_unparsable_sql_exits_2_with_file_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sql"
    bad.write_text('SELECT 1;\nALTER TABLE "orders" ADD COLUMN;\n')
    res = invoke(str(bad))
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr == f'wdguard: error: {bad}:2:32: syntax error at or near ";"\n'


@pytest.mark.parametrize(
    "args, needle",
    [
        (["/nonexistent/migrations"], "/nonexistent/migrations: no such file or folder"),
        (["--contracts", "/nonexistent/c", "x.sql"], "contracts folder not found"),
        (["--config", "/nonexistent/wdguard.toml"], "config file not found"),
    ],
)
def test_bad_input_exits_2_on_one_line(args: list[str], needle: str, tmp_path: Path) -> None:
    (tmp_path / "x.sql").write_text("SELECT 1;\n")
    res = runner.invoke(app, ["migrations", "lint", *args], catch_exceptions=False)
    assert res.exit_code == 2 and needle in res.stderr and res.stderr.count("\n") == 1


def test_config_file_disables_and_rejects_unknown_codes(tmp_path: Path) -> None:
    mig = tmp_path / "m.sql"
    mig.write_text('ALTER TABLE "orders" DROP COLUMN "note";\n')
    cfg = tmp_path / "wdguard.toml"
    cfg.write_text('[lint]\ndisable = ["WDL109"]\nseverity = {WDL002 = "warning"}\n')
    code, data = lint_json(str(mig), "--config", str(cfg))
    assert code == 0 and [(f["code"], f["severity"]) for f in data["findings"]] == [
        ("WDL002", "warning")
    ]
    cfg.write_text('[lint]\ndisable = ["WDL777"]\n')
    res = invoke(str(mig), "--config", str(cfg))
    assert res.exit_code == 2 and "unknown rule code 'WDL777'" in res.stderr


def _sample(tmp_path: Path) -> Path:
    mig = tmp_path / "m.sql"
    mig.write_text(
        'CREATE INDEX "orders_note_idx" ON "orders"("note");\n'
        'ALTER TABLE "orders" DROP COLUMN "note";\n'
    )
    return mig


def test_sarif_has_the_2_1_0_shape(tmp_path: Path) -> None:
    res = invoke(str(_sample(tmp_path)), "--format", "sarif")
    assert res.exit_code == 1
    log = json.loads(res.stdout)
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in lint_rules()]
    assert all(r["shortDescription"]["text"] for r in rules)
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"WDL101": "warning", "WDL109": "warning", "WDL002": "error"}
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"].endswith("m.sql") and loc["region"]["startLine"] >= 1


def test_junit_parses_and_counts_error_failures(tmp_path: Path) -> None:
    res = invoke(str(_sample(tmp_path)), "--format", "junit")
    root = ET.fromstring(res.stdout.split("?>", 1)[1])
    assert root.tag == "testsuites" and root.get("failures") == "1"
    [suite] = root.findall("testsuite")
    assert suite.get("tests") == "3"
    [failure] = suite.iter("failure")
    assert failure.get("type") == "WDL002"


def test_github_annotations(tmp_path: Path) -> None:
    mig = _sample(tmp_path)
    lines = invoke(str(mig), "--format", "github").stdout.splitlines()
    assert lines[0].startswith(f"::warning file={mig},line=1,col=1,title=WDL101 index.not_concurrent::")
    assert any(
        line.startswith(f"::error file={mig},line=2,col=1,title=WDL002 column.dropped::")
        and "%0Ahelp: " in line
        for line in lines
    )


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_since_lints_only_migrations_added_since_the_ref(tmp_path: Path, monkeypatch) -> None:
    repo = tmp_path / "app"
    migs = repo / "prisma" / "migrations"
    (migs / "20250101000000_init").mkdir(parents=True)
    (migs / "20250101000000_init" / "migration.sql").write_text(
        'CREATE TABLE "users" ("id" UUID NOT NULL, "email" TEXT NOT NULL);\n'
        'CREATE UNIQUE INDEX "users_email_key" ON "users"("email");\n'
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "init")
    _git(repo, "tag", "base")
    (migs / "20250201000000_drop_key").mkdir()
    (migs / "20250201000000_drop_key" / "migration.sql").write_text(
        'DROP INDEX "users_email_key";\n'
    )
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "drop key")
    monkeypatch.chdir(repo)
    code, data = lint_json("--since", "base")
    assert [Path(m).parent.name for m in data["migrations"]] == ["20250201000000_drop_key"]
    # the unique index is known from the (replayed, not linted) init migration
    assert {f["code"] for f in data["findings"]} == {"WDL008", "WDL102", "WDL109"} and code == 1
    code, data = lint_json("--since", "HEAD")
    assert data["migrations"] == [] and code == 0
    res = invoke("--since", "no-such-ref")
    assert res.exit_code == 2 and res.stderr.startswith("wdguard: error: --since:")


@pytest.mark.postgres
def test_dsn_lints_the_migrations_the_database_has_not_applied(fresh_db: str) -> None:
    pgutil.apply_migrations(fresh_db, MIGRATIONS, upto="20240420120000_rename_order_total")
    code, data = lint_json(str(MIGRATIONS), "--dsn", fresh_db, "-c", str(CONTRACTS))
    names = [Path(m).parent.name for m in data["migrations"]]
    assert names == [
        "20240507090000_waste_collections",
        "20240603113000_product_tags",
        "20240715150000_waste_category_electronic_bulky",
        "20240820094500_order_status_user_created_idx",
        "20240910100000_merchant_rating",
    ]
    assert code == 0 and "WDL004" not in {f["code"] for f in data["findings"]}


@pytest.mark.postgres
def test_dsn_without_prisma_history_exits_2(fresh_db: str) -> None:
    res = invoke(str(MIGRATIONS), "--dsn", fresh_db)
    assert res.exit_code == 2 and "_prisma_migrations" in res.stderr


def test_readme_lint_rule_table_is_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_rule_tables.py"), "--check", "--family", "lint"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    readme = (ROOT / "docs" / "guides" / "migration-lint.md").read_text()
    block = readme.split("<!-- rules:lint -->", 1)[1].split("<!-- /rules:lint -->", 1)[0]
    assert all(f"| {r.code} | `{r.name}` |" in block for r in lint_rules())


def test_schema_option_derives_contracts_for_the_impact(tmp_path: Path) -> None:
    mig = tmp_path / "m.sql"
    mig.write_text('ALTER TABLE "orders" DROP COLUMN "notes";\n')
    schema = ROOT / "fixtures" / "prisma" / "schema.prisma"
    code, data = lint_json(str(mig), "--schema", str(schema))
    [dropped] = [f for f in data["findings"] if f["code"] == "WDL002"]
    # derived contracts carry no hand-written consumers, but name the contract and change
    assert dropped["details"]["contracts"] == ["Order"] and "consumers" not in dropped["details"]
    assert dropped["details"]["contract_changes"] == ["Order: - columns.notes"]
    res = invoke(str(mig), "--schema", str(schema), "--contracts", str(CONTRACTS))
    assert res.exit_code == 2 and "either --schema or --contracts" in res.stderr
