"""Impact of a pipeline-breaking finding: contracts touched, gold tables, contract diff.

A table maps to contracts through `source.table`; an enum through the contract columns
typed with it (`enum_name`). Consumers are the gold tables a contract lists. The rule
that raised the finding says what re-deriving the contract would change.
"""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.findings import REGISTRY, Finding


def touched(finding: Finding, contracts: list[Contract]) -> list[Contract]:
    enum = finding.details.get("enum")
    if enum:
        return [
            c
            for c in contracts
            if any(col.type == "enum" and col.enum_name == enum for col in c.columns.values())
        ]
    if not finding.object:
        return []
    return [c for c in contracts if c.source.kind == "postgres" and c.object_name == finding.object]


def add_impact(findings: list[Finding], contracts: list[Contract]) -> None:
    """Fill `details.contracts`, `details.consumers`, `details.contract_changes` in place."""
    for f in findings:
        rule = REGISTRY.get(f.code)
        if rule is None or not getattr(rule, "pipeline", False) or f.severity == "info":
            continue
        hits = touched(f, contracts)
        if not hits:
            continue
        f.details["contracts"] = [c.contract for c in hits]
        consumers = sorted({g for c in hits for g in c.consumers})
        if consumers:
            f.details["consumers"] = consumers
        changes = []
        for c in hits:
            changes += [f"{c.contract}: {line}" for line in rule.contract_changes(f, c)]
        if changes:
            f.details["contract_changes"] = changes
