"""The Python API: the docs' examples run as written, `import wdguard` is cheap, and every
documented function is exported and returns data without printing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOT_RUN = re.compile(r"<!-- not run: [^>]{8,} -->\n```python\n", re.M)


def python_blocks(text: str) -> list[tuple[bool, str]]:
    """Every ```python block of a page (indented ones too): (runs?, code)."""
    out = []
    for m in re.finditer(r"^( *)```python\n(.*?)^\1```$", text, flags=re.M | re.S):
        code = "\n".join(line[len(m.group(1)):] for line in m.group(2).splitlines())
        marked = text[: m.start()].rstrip("\n").endswith("-->") and re.search(
            r"<!-- not run: [^>]{8,} -->$", text[: m.start()].rstrip("\n"))
        out.append((not marked, code))
    return out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("api-docs")
    shutil.copytree(ROOT / "contracts", work / "contracts")
    shutil.copytree(ROOT / "fixtures", work / "fixtures")
    subprocess.run([sys.executable, "-m", "wdguard.cli", "lake", "generate", "--out", "lake",
                    "--days", "3", "--rows", "0.05"], cwd=work, check=True,
                   capture_output=True)
    return work


def test_reference_examples_run_in_order(workdir: Path, capsys) -> None:
    blocks = python_blocks((DOCS / "reference" / "python-api.md").read_text())
    runnable = [code for runs, code in blocks if runs]
    assert len(runnable) >= 8
    namespace: dict = {"__name__": "__docs__"}
    old = Path.cwd()
    os.chdir(workdir)
    try:
        for code in runnable:
            exec(compile(code, "python-api.md", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(old)
    printed = capsys.readouterr().out
    assert "pass" in printed and "WDG023" in printed
    assert "no-such-lake: lake folder not found" in printed
    assert (workdir / "report" / "report.html").exists()
    assert list((workdir / "lake" / "_wdguard" / "runs" / "2026-11-26").glob("*.json"))


def test_every_python_block_in_the_docs_runs_or_says_why_not() -> None:
    pages = [p for p in DOCS.rglob("*.md") if "codes" not in p.parts]
    skipped = []
    for page in pages:
        for runs, code in python_blocks(page.read_text()):
            if not runs:
                skipped.append((page.name, code.splitlines()[0]))
                continue
            compile(code, str(page), "exec")  # at least valid Python
            assert page.name == "python-api.md" and page.parent.name == "reference", (
                f"{page}: a python block outside reference/python-api.md must be marked "
                "<!-- not run: reason --> (or move the example there)"
            )
    assert len(skipped) <= 6, skipped


def test_import_wdguard_is_cheap_and_exports_the_documented_api() -> None:
    code = ("import sys, wdguard; heavy = [m for m in ('polars', 'pyarrow', 'psycopg', "
            "'pymongo', 'pydantic', 'typer', 'pyspark') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
    import wdguard

    assert set(wdguard.__all__) - {"__version__"} == set(wdguard._LAZY)
    reference = (DOCS / "reference" / "python-api.md").read_text()
    for name in ("gate_date", "validate_frame", "derive_contracts", "drift_postgres",
                 "drift_mongo", "lint_migrations", "nightly_report", "contract_schema"):
        fn = getattr(wdguard, name)
        assert fn.__doc__ and f"`{name}(" in reference, name
        assert fn.__annotations__.get("return"), name
    with pytest.raises(AttributeError):
        wdguard.no_such_function  # noqa: B018


def test_api_functions_do_not_print_or_exit(workdir: Path, capsys) -> None:
    import wdguard

    record = wdguard.gate_date(workdir / "lake", "2026-11-25", write=False,
                               contracts=workdir / "contracts")
    lint = wdguard.lint_migrations([workdir / "fixtures" / "prisma" / "migrations"])
    with pytest.raises(wdguard.InputError) as err:
        wdguard.lint_migrations([workdir / "nope"])
    assert capsys.readouterr() == ("", "")
    assert record.exit_code == 0 and lint.findings
    assert err.value.one_line() == f"{workdir / 'nope'}: no such file or folder"
