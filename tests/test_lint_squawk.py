"""Side by side with Squawk (pip install squawk-cli): on each rule's firing SQL, Squawk
reports one of the Squawk rules the wdguard rule says it corresponds to. Skipped when
Squawk is not installed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.test_lint_rules import CASES
from wdguard.drift.lint import lint_rules

SQUAWK = shutil.which("squawk") or str(Path(sys.executable).parent / "squawk")
pytestmark = pytest.mark.usefixtures("squawk_bin")  # squawk-cli is in the dev extra

# Squawk has no rule for VACUUM FULL (its prefer-repack/require-concurrent-reindex cover
# CLUSTER/REINDEX); compare WDL112 on REINDEX instead
SQL_FOR_SQUAWK = {**{c: fire for c, (fire, _) in CASES.items()}, "WDL112": 'REINDEX TABLE "orders";'}


@pytest.fixture(scope="module")
def squawk_report(tmp_path_factory) -> dict[str, set[str]]:
    """Squawk's rules per wdguard code, from one Squawk run over one file per case."""
    folder = tmp_path_factory.mktemp("squawk")
    for code, sql in SQL_FOR_SQUAWK.items():
        (folder / f"{code}.sql").write_text(sql)
    out = subprocess.run(
        [SQUAWK, "--reporter", "json", *sorted(map(str, folder.glob("*.sql")))],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    report: dict[str, set[str]] = defaultdict(set)
    for d in json.loads(out or "[]"):
        report[Path(d["file"]).stem].add(d["rule_name"])
    return report


@pytest.mark.parametrize("rule", [r for r in lint_rules() if r.squawk], ids=lambda r: r.code)
def test_squawk_agrees_on_the_anti_pattern(rule, squawk_report) -> None:
    assert squawk_report[rule.code] & set(rule.squawk), squawk_report[rule.code]
