"""Run every lint rule over migrations, in order, then apply suppressions and config.

History migrations (already deployed, not under review) are replayed only to learn what
exists — tables, enums and their values, indexes, constraints — so the rules can tell a
removed enum value or a unique index being dropped. Target migrations are linted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import wdguard.drift.lint.rules  # noqa: F401  (registers every rule)
from wdguard.contracts.model import Contract
from wdguard.drift.lint.context import LintContext, SchemaState
from wdguard.drift.lint.impact import add_impact
from wdguard.drift.lint.parse import Migration
from wdguard.drift.lint.rule import LintRule
from wdguard.errors import InputError
from wdguard.findings import SEVERITIES, Finding, HasExitCode, rules_of


@dataclass
class LintConfig:
    """The `[lint]` table of wdguard.toml: `disable = [...]`, `severity = {CODE = ...}`."""

    disable: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_table(cls, table: dict[str, Any] | None, where: str = "wdguard.toml") -> LintConfig:
        table = table or {}
        known = {r.code for r in lint_rules()}
        unknown_keys = set(table) - {"disable", "severity"}
        if unknown_keys:
            raise InputError(f"[lint] has unknown key(s) {sorted(unknown_keys)}", where=where)
        disable = table.get("disable", [])
        severity = table.get("severity", {})
        if not isinstance(disable, list) or not isinstance(severity, dict):
            raise InputError("[lint] disable must be a list, severity a table", where=where)
        for code in [*disable, *severity]:
            if code not in known:
                raise InputError(f"[lint] unknown rule code {code!r}", where=where)
        for code, sev in severity.items():
            if sev not in SEVERITIES:
                raise InputError(
                    f"[lint] severity of {code} must be one of {', '.join(SEVERITIES)}",
                    where=where,
                )
        return cls(disable=set(disable), severity=dict(severity))


def lint_rules() -> list[type[LintRule]]:
    return [r for r in rules_of("lint") if issubclass(r, LintRule)]


@dataclass
class LintResult(HasExitCode):
    findings: list[Finding]
    suppressed: list[Finding]
    migrations: list[str]


def lint(
    targets: Iterable[Migration],
    *,
    history: Iterable[Migration] = (),
    contracts: list[Contract] | None = None,
    config: LintConfig | None = None,
) -> LintResult:
    config = config or LintConfig()
    contracts = contracts or []
    rules = [r for r in lint_rules() if r.code not in config.disable]
    state = SchemaState()
    for migration in history:
        for stmt in migration.statements:
            state.apply(stmt.node)
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    names: list[str] = []
    for migration in targets:
        names.append(migration.display)
        ctx = LintContext(migration=migration, state=state, contracts=contracts)
        for stmt in migration.statements:
            ctx.statement = stmt
            for rule in rules:
                for f in rule.check(stmt, ctx):
                    if f.code in config.severity:
                        f.severity = config.severity[f.code]  # type: ignore[assignment]
                    if f.code in stmt.suppressed:
                        f.details["suppressed"] = stmt.suppressed[f.code] or "(no reason)"
                        suppressed.append(f)
                    else:
                        findings.append(f)
            ctx.advance(stmt.node)
    add_impact(findings, contracts)
    return LintResult(findings=findings, suppressed=suppressed, migrations=names)
