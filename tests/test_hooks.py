"""The pre-commit hooks, run by `pre-commit try-repo` on a temporary git repository (the
hooks use `language: system`: no download), and the CI examples in the docs parse as YAML
with the steps they promise."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(not (BIN / "pre-commit").exists(), reason="pre-commit missing")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture()
def app_repo(tmp_path: Path) -> tuple[Path, dict]:
    repo = tmp_path / "app"
    (repo / "prisma").mkdir(parents=True)
    shutil.copy(ROOT / "fixtures" / "prisma" / "schema.prisma", repo / "prisma")
    shutil.copytree(ROOT / "fixtures" / "prisma" / "migrations", repo / "prisma" / "migrations")
    shutil.copytree(ROOT / "contracts", repo / "contracts")
    git(repo, "init", "-q")
    git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "add", "-A")
    git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "init")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    return repo, env


def try_repo(repo: Path, env: dict, hook: str, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(BIN / "pre-commit"), "try-repo", str(ROOT), hook, *args],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    return proc


def test_hooks_manifest_offers_the_two_hooks_offline() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"wdguard-migrations-lint", "wdguard-contracts-check"}
    assert all(h["language"] == "system" for h in hooks.values())  # nothing installed
    assert re.search(hooks["wdguard-migrations-lint"]["files"],
                     "prisma/migrations/20990101000000_x/migration.sql")
    assert not re.search(hooks["wdguard-migrations-lint"]["files"], "prisma/schema.prisma")
    assert re.search(hooks["wdguard-contracts-check"]["files"], "prisma/schema.prisma")


def test_migrations_lint_hook_fails_a_dropping_migration_and_passes_a_safe_one(app_repo):
    repo, env = app_repo
    bad = repo / "prisma" / "migrations" / "20990101000000_drop" / "migration.sql"
    bad.parent.mkdir()
    bad.write_text('ALTER TABLE "orders" DROP COLUMN "notes";\n')
    git(repo, "add", "-A")
    proc = try_repo(repo, env, "wdguard-migrations-lint", "--files", str(bad.relative_to(repo)))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "WDL002 error column orders.notes is dropped" in proc.stdout
    assert "contracts Order" in proc.stdout  # the impact, from the repo's contracts

    bad.write_text("SET lock_timeout = '2s';\n"
                   'ALTER TABLE "orders" ADD COLUMN "gift_note" TEXT;\n')
    # the schema says so too: the lint compares schema.prisma with the migrations (WDL020)
    schema = repo / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text().replace(
        "  notes       String?\n", "  notes       String?\n  giftNote    String? @map(\"gift_note\")\n", 1))
    git(repo, "add", "-A")
    proc = try_repo(repo, env, "wdguard-migrations-lint", "--files", str(bad.relative_to(repo)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "wdguard migrations lint" in proc.stdout and "Passed" in proc.stdout


def test_contracts_check_hook_fails_until_the_contracts_are_re_derived(app_repo):
    repo, env = app_repo
    proc = try_repo(repo, env, "wdguard-contracts-check", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    schema = repo / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text().replace("model Tag {", "model Tag {\n  color String?", 1))
    before = (repo / "contracts" / "Tag.yaml").read_bytes()
    git(repo, "add", "-A")
    proc = try_repo(repo, env, "wdguard-contracts-check", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 contract(s) not re-derived" in proc.stdout
    assert (repo / "contracts" / "Tag.yaml").read_bytes() == before  # the check writes nothing
    subprocess.run([str(BIN / "wdguard"), "contracts", "derive", "prisma", "prisma/schema.prisma",
                    "--out", "contracts"], cwd=repo, check=True, capture_output=True)
    git(repo, "add", "-A")
    proc = try_repo(repo, env, "wdguard-contracts-check", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def yaml_blocks(page: Path) -> list[dict]:
    text = page.read_text()
    return [yaml.safe_load(b) for b in re.findall(r"^```yaml\n(.*?)^```$", text, re.M | re.S)]


def test_ci_examples_are_valid_yaml_with_the_promised_steps() -> None:
    blocks = yaml_blocks(ROOT / "docs" / "guides" / "ci.md")
    github = next(b for b in blocks if isinstance(b, dict) and "jobs" in b)
    azure = next(b for b in blocks if isinstance(b, dict) and "stages" in b)
    precommit = next(b for b in blocks if isinstance(b, dict) and "repos" in b)
    gh_runs = " ".join(s.get("run", "") for j in github["jobs"].values() for s in j["steps"])
    assert "wdguard migrations lint" in gh_runs and "--check" in gh_runs
    on = github.get("on", github.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert on["pull_request"]["paths"]
    az_steps = [s for st in azure["stages"] for j in st["jobs"] for s in j.get("steps", [])]
    az_scripts = " ".join(s.get("script", "") for s in az_steps)
    assert "wdguard migrations lint" in az_scripts and "wdguard check" in az_scripts
    assert "contracts derive prisma" in az_scripts and "--check" in az_scripts
    assert any(s.get("task", "").startswith("PublishTestResults") for s in az_steps)
    assert azure["pr"]["paths"]["include"]
    hook_ids = {h["id"] for r in precommit["repos"] for h in r["hooks"]}
    assert hook_ids == {"wdguard-migrations-lint", "wdguard-contracts-check"}
    # the GitHub Actions example of the lint guide parses too
    lint = yaml_blocks(ROOT / "docs" / "guides" / "migration-lint.md")
    assert any(isinstance(b, dict) and "jobs" in b for b in lint)
