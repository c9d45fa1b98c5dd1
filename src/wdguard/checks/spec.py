"""Engine-neutral check specs: what to check, not how.

The contract -> checks translation (`derive.py`) produces these plain values; the
partition plan (`plan.py`) turns them into each engine's expressions through the
check-kind registry (`kinds.py`) and the engine's hooks (`engines/polars/`,
`engines/spark/`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from wdguard.checks.kinds import KINDS

Severity = Literal["error", "warn"]


@dataclass(frozen=True)
class CheckSpec:
    check: str  # a key of kinds.KINDS
    contract: str
    object: str
    column: str | None = None  # column key, or None for row/partition-level checks
    severity: Severity = "error"
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    name: str | None = None  # rule name, FK name, unique key name

    @property
    def code(self) -> str:
        return KINDS[self.check].code

    @property
    def family(self) -> str:
        return KINDS[self.check].family

    @property
    def label(self) -> str:
        """Stable, human-readable identity within a partition: `status:in_values`."""
        parts = [self.column or "*", self.check]
        if self.name:
            parts.append(self.name)
        return ":".join(parts)
