"""The documentation: generated reference pages current and complete, the README a landing
page whose quick start is the one CI runs, troubleshooting built from real error lines."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT / "scripts"))


def test_generated_reference_pages_are_current() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_finding_code_has_a_page_and_every_page_a_code() -> None:
    import gen_docs

    gen_docs.load_all()
    codes = {e["code"] for e in gen_docs.code_entries()}
    pages = {p.stem for p in (DOCS / "reference" / "codes").glob("*.md") if p.stem != "index"}
    assert codes == pages
    # every family the registries hold is there, gold and cache included
    assert {c[:3] for c in codes} == {"WDL", "PGD", "MGD", "RDC", "WDG", "LKD"}
    assert {"WDG070", "WDG077", "RDC101", "WDG090"} <= codes
    index = (DOCS / "reference" / "codes" / "index.md").read_text()
    for code in codes:
        page = (DOCS / "reference" / "codes" / f"{code}.md").read_text()
        assert re.search(rf"^# {code} `", page, flags=re.M), code
        assert f"]({code}.md)" in index


def test_a_rule_page_carries_its_docstring_as_markdown() -> None:
    page = (DOCS / "reference" / "codes" / "WDL002.md").read_text()
    assert "**Anti-pattern**" in page and "**Best practice**" in page
    assert '```sql\nALTER TABLE "orders" DROP COLUMN "user_id";\n```' in page
    assert ".. code-block::" not in page and "``" not in page.replace("```", "")
    assert 'severity = {WDL002 = "warning"}' in page


def test_cli_reference_lists_every_command() -> None:
    text = (DOCS / "reference" / "cli.md").read_text()
    for cmd in ("check", "demo", "contracts derive prisma", "contracts derive mongoose",
                "contracts schema", "drift postgres", "drift mongo", "migrations lint",
                "migrations status", "report nightly", "cache stats", "alert test",
                "drift lake"):
        assert f"## `wdguard {cmd}`" in text, cmd
    assert "| `--lake <str>` |" in text


def test_readme_is_a_landing_page_with_the_ci_quick_start() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    quick = readme.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    assert quick.splitlines() == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[dev]' && npm ci"
        " && wdguard demo",
        ".venv/bin/python -m pytest -n 2",
    ]
    assert ".venv/bin/python -m pytest -n 2\n" in (ROOT / ".ci" / "run").read_text()
    assert "mkdocs build --strict" in (ROOT / ".ci" / "run").read_text()
    mermaid = readme.split("```mermaid", 1)[1].split("```", 1)[0]
    for word in ("bronze", "silver", "gold", "drift", "lint", "--layer gold"):
        assert word in mermaid
    assert "| `wdguard check --lake L" in readme  # the commands table
    links = re.findall(r"\]\((docs/[^)#]+)", readme)
    assert len(links) > 20
    for link in links:
        assert (ROOT / link).exists(), link


def test_troubleshooting_headings_are_real_error_lines() -> None:
    text = (DOCS / "operations" / "troubleshooting.md").read_text()
    headings = re.findall(r"^### `([^`]+)`$", text, flags=re.M)
    assert len(headings) >= 20
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "wdguard").rglob("*.py"))
    missing = [h for h in headings if h not in source]
    assert not missing, missing


def test_mkdocs_site_is_offline() -> None:
    import yaml

    conf = yaml.safe_load(
        "\n".join(line for line in (ROOT / "mkdocs.yml").read_text().splitlines()
                  if "!!python" not in line)
    )
    assert conf["theme"]["font"] is False  # no Google Fonts fetched by the build or the site
    assert conf["strict"] is True
    assert conf["validation"]["anchors"] == "warn"  # a broken anchor fails --strict


def test_mkdocs_build_strict_passes(tmp_path: Path) -> None:
    """The site builds with no warning (broken link or anchor, page missing from the nav);
    .ci/run builds it too, before the tests."""
    mkdocs = Path(sys.executable).parent / "mkdocs"
    proc = subprocess.run([str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "site" / "reference" / "codes" / "WDL002.html").exists()
    assert "fonts.googleapis.com" not in (tmp_path / "site" / "index.html").read_text()
