"""Findings as SARIF 2.1.0, the format GitHub code scanning ingests.

Rules come from the registry (code, dotted name, summary, default level); results carry
the file:line:col of each finding. Severities map error/warning/info to SARIF's
error/warning/note.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wdguard.findings import Finding, RuleKind
from wdguard.version import __version__

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str, base: Path | None) -> str:
    from wdguard.report.github import repo_path

    return repo_path(path, base)


def render_sarif(
    findings: list[Finding],
    rules: list[type[RuleKind]],
    *,
    tool: str = "wdguard",
    info_uri: str | None = None,
    base: Path | None = None,
) -> dict[str, Any]:
    """A SARIF log with one run; `base` makes absolute paths repository-relative."""
    index = {r.code: i for i, r in enumerate(rules)}
    sarif_rules = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary()},
            "fullDescription": {"text": r.summary()},
            "defaultConfiguration": {
                "level": LEVEL[
                    {"breaking": "error", "warning": "warning", "compatible": "info"}[r.compat]
                    if r.compat
                    else r.severity
                ]
            },
            **({"helpUri": f"{info_uri}#{r.code.lower()}"} if info_uri else {}),
        }
        for r in rules
    ]
    results = []
    for f in findings:
        text = f.message + (f"\nhelp: {f.help}" if f.help else "")
        for line in f.details.get("contract_changes", []):
            text += f"\ncontract: {line}"
        result: dict[str, Any] = {
            "ruleId": f.code,
            "level": LEVEL[f.severity],
            "message": {"text": text},
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.file:
            region = {"startLine": f.line or 1}
            if f.col:
                region["startColumn"] = f.col
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.file, base)},
                        "region": region,
                    }
                }
            ]
        results.append(result)
    driver: dict[str, Any] = {"name": tool, "version": __version__, "rules": sarif_rules}
    if info_uri:
        driver["informationUri"] = info_uri
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
