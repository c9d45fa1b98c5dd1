# ruff: noqa: E501  (the planted lines are quoted whole, to be found verbatim)
"""The bugs issue 17 planted, each re-planted in turn: the named tests must fail, then the
code is restored. Run: .venv/bin/python scripts/plant_bugs.py [name words]."""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
PLANTS = [
 ("not-null ignores exactly one null", "src/wdguard/checks/plan.py",
  '        failing = int((found[i][0] if i in key_checks else row[f"f{i}"]) or 0)\n',
  '        failing = int((found[i][0] if i in key_checks else row[f"f{i}"]) or 0)\n        failing = 0 if spec.check == "not_null" and failing == 1 else failing\n',
  ["tests/test_boundaries_row_checks.py"]),
 ("WDL103 fires with a default", "src/wdguard/drift/lint/rules/wdl103_required_column_without_default.py",
  "if is_not_null(coldef) and default_expr(coldef) is None and not fills_itself(coldef)",
  "if is_not_null(coldef) and not fills_itself(coldef)",
  ["tests/test_lint_rules.py"]),
 ("redactor forgets sig=", "src/wdguard/redact.py", "sharedaccesssignature|sig|token", "sharedaccesssignature|token",
  ["tests/test_redact_shapes.py"]),
 ("regex check disabled", "src/wdguard/checks/kinds.py",
  'passes=lambda E, value, p: E.matches(value, p["pattern"]),', 'passes=lambda E, value, p: value.is_null() | value.is_not_null(),',
  ["tests/test_boundaries_row_checks.py"]),
 ("min_rows never fails", "src/wdguard/checks/volume.py", "ok = rows >= v.min_rows", "ok = True",
  ["tests/test_boundaries_volume_freshness.py"]),
 ("volume spikes accepted", "src/wdguard/checks/volume.py", "ok = abs(change) <= v.max_change",
  "ok = change <= v.max_change or change > 0", ["tests/test_boundaries_volume_freshness.py"]),
 ("enum case-insensitive", "src/wdguard/checks/engines/polars/expressions.py",
  "    text = value.cast(pl.String)\n",
  "    text = value.cast(pl.String).str.to_uppercase()\n    values = [v.upper() for v in values]\n",
  ["tests/test_boundaries_row_checks.py"]),
 ("row count off by one tolerated", "src/wdguard/checks/completeness.py", "if rows_read != expected:",
  "if abs(rows_read - expected) > 1:", ["tests/test_boundaries_completeness.py"]),
 ("manifest files-sum check removed", "src/wdguard/checks/completeness.py",
  "if exp.files and listed != expected:", "if False:", ["tests/test_boundaries_completeness.py"]),
 ("history compares the first applied row", "src/wdguard/drift/history.py", "row = applied[-1]", "row = applied[0]",
  ["tests/test_pg_history.py"]),
 ("nightly error line unredacted", "src/wdguard/report/nightly.py",
  '"error": redact_text(last["error"] or "") or None,', '"error": last["error"] or None,',
  ["tests/test_report_nightly.py::test_todays_error_line_is_shown_redacted"]),
]


def main(only: list[str]) -> int:
    missed = 0
    for name, path, old, new, tests in PLANTS:
        if only and not any(o in name for o in only):
            continue
        f = ROOT / path
        text = f.read_text()
        assert text.count(old) == 1, (name, text.count(old))
        f.write_text(text.replace(old, new))
        try:
            r = subprocess.run(
                [str(ROOT / ".venv/bin/python"), "-m", "pytest", "-q", "-x", "-p",
                 "no:cacheprovider", *tests],
                cwd=ROOT, capture_output=True, text=True,
            )  # fmt: skip
        finally:
            f.write_text(text)
        lines = [line for line in r.stdout.splitlines() if line.strip()]
        failed = [line for line in lines if line.startswith("FAILED")]
        missed += r.returncode == 0
        print(f"{'CAUGHT' if r.returncode else 'MISSED'}: {name}: {lines[-1]} {failed[:1]}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
