"""schema.prisma vs the state its migrations build (WDL020), and `--since` as CI runs it:
a field added to the schema with no migration fails every output format; every fixture
and corpus history whose schema matches its migrations passes; untracked migrations are
linted; GitHub annotations name files from the repository root."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wdguard.cli import app
from wdguard.drift.lint.schema_vs_migrations import compare_schema, schema_beside
from wdguard.drift.lint.select import parse_script, prisma_scripts

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "prisma"
HISTORIES = [FIXTURE / "migrations",
             *sorted((ROOT / "tests" / "drift_corpus").glob("*/migrations"))]
runner = CliRunner()


def _sync(folder: Path, schema: Path | None = None):
    schema = schema or schema_beside(folder)
    return compare_schema(schema, [parse_script(p) for p in prisma_scripts(folder)])


@pytest.mark.parametrize("folder", HISTORIES, ids=[p.parent.name for p in HISTORIES])
def test_every_history_whose_schema_matches_has_no_finding(folder: Path) -> None:
    assert schema_beside(folder) is not None
    assert _sync(folder) == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the fixture project (prisma/schema.prisma + prisma/migrations)."""
    shutil.copytree(FIXTURE, tmp_path / "prisma")
    return tmp_path / "prisma"


def _edit(schema: Path, old: str, new: str) -> None:
    text = schema.read_text()
    assert old in text
    schema.write_text(text.replace(old, new, 1))


def test_a_field_without_its_migration_is_an_error_naming_it(project: Path) -> None:
    _edit(project / "schema.prisma", "model Product {\n", "model Product {\n  rating Int?\n")
    [f] = _sync(project / "migrations")
    assert (f.code, f.severity, f.object, f.column) == ("WDL020", "error", "products", "rating")
    assert "Product.rating" in f.message and "no migration creates" in f.message
    assert "prisma migrate dev --name add_products_rating" in f.help
    assert (Path(f.file).name, f.line) == ("schema.prisma", 146)


@pytest.mark.parametrize("old,new,kind", [
    ("  REFUNDED\n}", "  REFUNDED\n  ON_HOLD\n}", "PGD122"),  # enum value, no ADD VALUE
    ("  @@index([status])\n", "  @@index([status])\n  @@index([currency])\n", "PGD141"),
    ("  phone         String?        @db.VarChar(32)",
     "  phone         String         @db.VarChar(32)", "PGD114"),  # NOT NULL, no migration
])
def test_each_kind_of_schema_change_without_migration_is_found(
    project: Path, old: str, new: str, kind: str
) -> None:
    _edit(project / "schema.prisma", old, new)
    assert [(f.code, f.details["drift"]) for f in _sync(project / "migrations")] == [
        ("WDL020", kind)]


def test_a_migration_without_schema_behind_it_is_found(project: Path) -> None:
    extra = project / "migrations" / "20250101000000_legacy"
    extra.mkdir()
    (extra / "migration.sql").write_text('ALTER TABLE "users" ADD COLUMN "legacy_code" TEXT;\n')
    [f] = _sync(project / "migrations")
    assert (f.object, f.column, f.details["drift"]) == ("users", "legacy_code", "PGD112")
    assert "schema.prisma has no field" in f.message


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A git repository holding the fixture project, committed; cwd is its root."""
    shutil.copytree(FIXTURE, tmp_path / "prisma")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "init")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_since_fails_a_schema_change_with_no_migration_in_every_format(
    repo: Path, fmt: str
) -> None:
    _edit(repo / "prisma" / "schema.prisma", "model Product {\n",
          "model Product {\n  rating Int?\n")
    res = runner.invoke(app, ["migrations", "lint", "--since", "HEAD", "--format", fmt])
    assert res.exit_code == 1, res.output
    assert "WDL020" in res.stdout and "rating" in res.stdout
    if fmt == "github":
        assert "::error file=prisma/schema.prisma,line=146," in res.stdout


def test_since_lints_an_untracked_migration_and_names_files_from_the_root(
    repo: Path, monkeypatch
) -> None:
    new = repo / "prisma" / "migrations" / "20250101000000_drop_phone"
    new.mkdir()
    (new / "migration.sql").write_text('ALTER TABLE "users" DROP COLUMN "phone";\n')
    _edit(repo / "prisma" / "schema.prisma",
          "  phone         String?        @db.VarChar(32)\n", "")
    monkeypatch.chdir(repo / "prisma")  # CI may run from a subfolder
    res = runner.invoke(app, ["migrations", "lint", "--since", "HEAD", "migrations",
                              "--format", "json"])
    data = json.loads(res.stdout)
    assert data["untracked"] == ["prisma/migrations/20250101000000_drop_phone/migration.sql"]
    assert {f["code"] for f in data["findings"]} == {"WDL002", "WDL109"}  # schema in sync
    res = runner.invoke(app, ["migrations", "lint", "--since", "HEAD", "migrations",
                              "--format", "github"])
    assert "file=prisma/migrations/20250101000000_drop_phone/migration.sql,line=1" in res.stdout
