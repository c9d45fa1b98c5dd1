"""The check command's table counts as its verdict line does (issue 28, points 1 and 6).

The "failed" column used to include failed warn-level checks while the summary line
counted them as warnings; and the table's title, `wdguard check 2026-11-26`, read like a
command that does not run.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from wdguard.commands.check import render_text
from wdguard.record import CheckRecord, Inputs, RunRecord, finish


def _check(status: str, severity: str = "error", n: int = 0) -> CheckRecord:
    return CheckRecord(id=f"silver:orders:c{n}", code="WDG020", check="not_null",
                       family="row", layer="silver", contract="Order", status=status,
                       severity=severity)


def test_failed_column_and_warnings_agree_with_the_verdict_line(capsys):
    record = RunRecord(
        run_id="01TEST", started_at=datetime.now(UTC), user="u", host="h", versions={},
        inputs=Inputs(lake="lake", date="2026-11-26", layers=["bronze", "silver"],
                      contracts_dir="contracts"),
        checks=[_check("pass", n=1), _check("fail", "warn", 2), _check("fail", "warn", 3),
                _check("fail", "error", 4), _check("skipped", n=5)],
    )
    finish(record)
    render_text(record)
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if "contract" in line)
    assert re.findall(r"\w+", header) == ["layer", "contract", "rows", "passed", "failed",
                                          "warnings", "skipped", "errors"]
    row = next(line for line in out.splitlines() if "Order" in line and "silver" in line)
    assert re.findall(r"\w+|-", row)[1:] == ["Order", "-", "1", "1", "2", "1", "0"]
    assert "1 passed, 1 failed, 2 warnings, 1 skipped, 0 errors" in out
    assert "checks of 2026-11-26 (bronze, silver)" in out
    assert "wdguard check 2026" not in out
