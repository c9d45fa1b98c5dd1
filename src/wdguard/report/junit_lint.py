"""Findings as JUnit XML: one test case per (file, rule) pair that CI dashboards can show.

Every linted file is a test suite; each finding of error level is a failure, warnings
and info are `system-out` lines of a passing case, so the test count stays meaningful.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from wdguard.findings import Finding


def render_junit_findings(
    findings: list[Finding], files: list[str], *, name: str = "wdguard"
) -> str:
    """JUnit XML text: a `<testsuite>` per file (files without findings pass)."""
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_file[f.file or "-"].append(f)
    root = ET.Element("testsuites", name=name)
    total_fail = 0
    for path in list(dict.fromkeys([*files, *by_file])):
        items = by_file.get(path, [])
        suite = ET.SubElement(root, "testsuite", name=path)
        cases = 0
        failures = 0
        if not items:
            ET.SubElement(suite, "testcase", classname=path, name="lint")
            cases = 1
        for f in items:
            cases += 1
            case = ET.SubElement(
                suite, "testcase", classname=path, name=f"{f.code} {f.name} line {f.line or 0}"
            )
            text = f"{f.location}: {f.code} {f.message}" + (f"\nhelp: {f.help}" if f.help else "")
            if f.severity == "error":
                failures += 1
                fail = ET.SubElement(case, "failure", message=f.message, type=f.code)
                fail.text = text
            else:
                ET.SubElement(case, "system-out").text = f"{f.severity}: {text}"
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_fail += failures
    root.set("failures", str(total_fail))
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
