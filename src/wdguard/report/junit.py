"""The run record as JUnit XML: one testcase per check, so CI shows the gate natively."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict

from wdguard.record import CheckRecord, RunRecord


def _suite_name(c: CheckRecord) -> str:
    return f"{c.layer or 'lake'}.{c.object or '-'}"


def render_junit(record: RunRecord) -> str:
    suites: dict[str, list[CheckRecord]] = defaultdict(list)
    for c in record.checks:
        suites[_suite_name(c)].append(c)
    root = ET.Element(
        "testsuites",
        name=f"wdguard check {record.inputs.date}",
        tests=str(len(record.checks)),
        failures=str(sum(1 for c in record.checks if c.status == "fail")),
        errors=str(sum(1 for c in record.checks if c.status == "error") + len(record.errors)),
        time=f"{(record.duration_ms or 0) / 1000:.3f}",
    )
    for name, checks in suites.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=name,
            tests=str(len(checks)),
            failures=str(sum(1 for c in checks if c.status == "fail")),
            errors=str(sum(1 for c in checks if c.status == "error")),
            skipped=str(sum(1 for c in checks if c.status == "skipped")),
        )
        for c in checks:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=name,
                name=c.id.split(":", 2)[-1] if c.id.count(":") >= 2 else c.id,
                time=f"{c.duration_ms / 1000:.3f}",
            )
            body = c.message
            if c.sample_keys:
                body += "\nsample keys: " + json.dumps(c.sample_keys, default=str)
            if c.status == "fail":
                tag = "failure" if c.severity == "error" else "system-out"
                if tag == "failure":
                    el = ET.SubElement(case, tag, type=c.code, message=c.message)
                    el.text = body
                else:
                    ET.SubElement(case, tag).text = f"warning {c.code}: {body}"
            elif c.status == "error":
                ET.SubElement(case, "error", type=c.code, message=c.message).text = body
            elif c.status == "skipped":
                ET.SubElement(case, "skipped", message=c.message)
    if record.errors:
        suite = ET.SubElement(root, "testsuite", name="wdguard", tests="1", errors="1")
        case = ET.SubElement(suite, "testcase", classname="wdguard", name="inputs")
        err = ET.SubElement(case, "error", type="undecided", message=record.errors[0])
        err.text = "\n".join(record.errors)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
