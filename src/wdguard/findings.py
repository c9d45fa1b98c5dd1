"""Findings and the rule registry shared by drift, migration lint and Mongo drift.

Modelled on sqlfluff's rules and ruff's diagnostics: every kind of finding is a class
with a stable `code`, a dotted `name`, a default severity and a docstring whose first
paragraph is the summary and whose `**Anti-pattern**` / `**Best practice**` sections
become the documentation (the README's rule tables are generated from them by
`scripts/gen_rule_tables.py`). A finding is data; rendering happens in `report/`.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal, get_args

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
Compat = Literal["breaking", "warning", "compatible"]

# the design's compatibility classes map onto severities one to one
COMPAT_SEVERITY: dict[str, Severity] = {
    "breaking": "error",
    "warning": "warning",
    "compatible": "info",
}


@dataclass
class Finding:
    code: str  # stable rule code, e.g. PGD101, WDL012
    name: str  # dotted name, e.g. column.dropped
    severity: Severity
    message: str
    object: str | None = None  # contract / table / collection / migration
    column: str | None = None  # column or field path
    compat: Compat | None = None  # drift class, when the finding is a change
    file: str | None = None
    line: int | None = None
    col: int | None = None
    help: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def location(self) -> str | None:
        if not self.file:
            return None
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
            if self.col is not None:
                loc += f":{self.col}"
        return loc

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: v for k, v in data.items() if v not in (None, {}, [])}


class RuleKind:
    """Base of every finding kind. Subclasses set code, name, severity and a docstring."""

    code: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]  # which registry/table it belongs to: "drift", "lint", "mongo"
    severity: ClassVar[Severity] = "error"
    compat: ClassVar[Compat | None] = None

    @classmethod
    def summary(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        return doc.split("\n\n", 1)[0].replace("\n", " ").strip()

    @classmethod
    def finding(cls, message: str, **kwargs: Any) -> Finding:
        severity = kwargs.pop("severity", None) or (
            COMPAT_SEVERITY[cls.compat] if cls.compat else cls.severity
        )
        return Finding(
            code=cls.code,
            name=cls.name,
            severity=severity,
            compat=kwargs.pop("compat", cls.compat),
            message=message,
            **kwargs,
        )


REGISTRY: dict[str, type[RuleKind]] = {}


def register(cls: type[RuleKind]) -> type[RuleKind]:
    """Class decorator: add a rule kind to the registry; codes must be unique."""
    if cls.code in REGISTRY and REGISTRY[cls.code] is not cls:
        raise ValueError(f"duplicate rule code {cls.code}")
    REGISTRY[cls.code] = cls
    return cls


def rules_of(family: str) -> list[type[RuleKind]]:
    return sorted((r for r in REGISTRY.values() if r.family == family), key=lambda r: r.code)


def worst_exit(findings: list[Finding], *, strict: bool = False) -> int:
    """0 when nothing fails, 1 for any error (or warning with --strict)."""
    if any(f.severity == "error" for f in findings):
        return 1
    if strict and any(f.severity == "warning" for f in findings):
        return 1
    return 0


class ExitCode(int):
    """An exit code read as an attribute (`result.exit_code`, as on a run record) that can
    still be called the way it once was (`result.exit_code(strict=...)`, deprecated)."""

    strict: int

    def __new__(cls, code: int, strict: int) -> ExitCode:
        self = super().__new__(cls, code)
        self.strict = strict
        return self

    def __call__(self, *, strict: bool = False) -> int:
        warnings.warn(
            "exit_code is an attribute now: read `result.exit_code`, or "
            "`result.strict_exit_code` for --strict",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.strict if strict else int(self)


class HasExitCode:
    """`exit_code` and `strict_exit_code` of a result holding `findings`: the CLI's code
    without and with `--strict`, attributes like `RunRecord.exit_code`."""

    findings: list[Finding]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode(worst_exit(self.findings), worst_exit(self.findings, strict=True))

    @property
    def strict_exit_code(self) -> int:
        return worst_exit(self.findings, strict=True)


def severity_counts(findings: list[Finding]) -> dict[Severity, int]:
    """How many findings of each severity, every severity present (0 when none)."""
    return {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}


def findings_json(findings: list[Finding], **extra: Any) -> dict[str, Any]:
    """The stable JSON shape: a summary, then every finding."""
    findings_out = [f.to_dict() for f in findings]
    return {**extra, "summary": severity_counts(findings), "findings": findings_out}
