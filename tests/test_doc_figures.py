"""Figures the docs quote from a command are checked against the command (issue 28,
point 7): `lake.md` quoted "wrote 210 partitions (868,036 rows)" long after the generator
wrote 273 partitions, and the README and getting-started each had their own test count."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from wdguard.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_the_sample_lake_line_in_lake_md_is_what_the_command_prints(tmp_path, monkeypatch):
    text = (ROOT / "docs" / "concepts" / "lake.md").read_text()
    command, printed = re.search(r"^\$ (wdguard lake generate [^#\n]*?)\s*(?:#.*)?\n(wrote .*)$",
                                 text, re.M).groups()
    (tmp_path / "contracts").symlink_to(ROOT / "contracts")
    monkeypatch.chdir(tmp_path)
    got = CliRunner().invoke(app, shlex.split(command)[1:], terminal_width=200)
    assert got.exit_code == 0, got.output
    assert got.stdout.splitlines()[0] == printed


def test_the_test_suites_size_is_quoted_in_one_place():
    """A count of tests goes stale with every merge: only docs/testing.md, which says when
    it was measured, quotes one; the other pages link to it."""
    figure = re.compile(r"\b\d[\d,]* tests\b")
    for page in (ROOT / "README.md", ROOT / "docs" / "getting-started.md"):
        assert not figure.search(page.read_text()), page.name
        assert "testing.md" in page.read_text(), page.name
    for page in (ROOT / "docs").rglob("*.md"):
        if page.name != "testing.md":
            assert not re.search(r"about \d[\d,]* tests", page.read_text()), page
    assert figure.search((ROOT / "docs" / "testing.md").read_text())


def test_every_documented_report_and_kept_snapshot_names_its_date():
    """Without `--date` a report covers today (UTC) and a kept cache snapshot is filed under
    today: after midnight or in a backfill that is not the date the pipeline gated, and the
    report silently showed "No gate run" (issue 28, point 4)."""
    pages = [ROOT / "README.md", *(p for p in (ROOT / "docs").rglob("*.md")
                                   if "reference" not in p.parts)]
    seen = 0
    for page in pages:
        for block in re.findall(r"^```(?:bash|console)\n(.*?)^```$", page.read_text(),
                                re.M | re.S):
            for line in re.sub(r"\\\n\s*", " ", block).splitlines():
                line = line.lstrip("$ ").split(" #")[0]
                if line.startswith("wdguard report nightly") or (
                        line.startswith("wdguard cache stats") and "--lake" in line):
                    seen += 1
                    assert "--date" in line, (page.name, line)
    assert seen >= 5
