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
    untracked: list[str] = field(default_factory=list)  # of the migrations, not in git yet


# lock and rewrite warnings that gain the table's catalog size with --dsn
_SIZED = frozenset({"WDL101", "WDL102", "WDL104", "WDL105", "WDL107", "WDL108", "WDL109",
                    "WDL111", "WDL112"})


def _add_sizes(findings: list[Finding], live: Any) -> None:
    """`orders: ~8.3M rows, 2.1 GB: ... for minutes`, from pg_class only (no scan)."""
    from wdguard.drift.lint.live import Undecided, duration_hint

    for f in findings:
        if f.code not in _SIZED or not f.object:
            continue
        try:
            size = live.size(f.details.get("live_table", f.object))
        except Undecided:
            continue
        if size is None:
            continue
        f.message += f" [{size.describe(f.object)}: the lock is held {duration_hint(size)}]"
        f.details["rows_estimate"] = size.rows
        f.details["bytes_estimate"] = size.bytes


def lint(
    targets: Iterable[Migration],
    *,
    history: Iterable[Migration] = (),
    contracts: list[Contract] | None = None,
    config: LintConfig | None = None,
    live: Any = None,
    extra: Iterable[Finding] = (),
) -> LintResult:
    """Lint `targets` after replaying `history`. `live` (a `LiveProbe`, with --dsn) turns
    on the live-data rules and the sizes; `extra` findings (schema vs migrations) get the
    same config (disable, severity) as the rules' own."""
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
    # what the pending migrations did so far, for the live checks of the next ones (a
    # column added by one and constrained by the next is NULL in every existing row)
    added: dict[tuple[str, str], bool] = {}
    written: set[str] = set()
    renamed_columns: dict[tuple[str, str], str] = {}
    renamed_tables: dict[str, str] = {}
    for migration in targets:
        names.append(migration.display)
        ctx = LintContext(migration=migration, state=state, contracts=contracts, live=live,
                          added_here=added, written=written, renamed_columns=renamed_columns,
                          renamed_tables=renamed_tables)
        for stmt in migration.statements:
            ctx.statement = stmt
            for rule in rules:
                for f in rule.check(stmt, ctx):
                    if f.code in config.severity:
                        f.severity = config.severity[f.code]  # type: ignore[assignment]
                    if f.code in stmt.suppressed:
                        f.details["suppressed"] = stmt.suppressed[f.code]
                        suppressed.append(f)
                    else:
                        findings.append(f)
            ctx.advance(stmt.node)
    for f in extra:
        if f.code in config.disable:
            continue
        if f.code in config.severity:
            f.severity = config.severity[f.code]  # type: ignore[assignment]
        findings.append(f)
    if live is not None:
        _add_sizes(findings, live)
    add_impact(findings, contracts)
    return LintResult(findings=findings, suppressed=suppressed, migrations=names)
