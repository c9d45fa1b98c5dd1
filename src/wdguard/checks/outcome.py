"""The result of one check on one partition: data, rendered later."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from wdguard.checks.spec import CheckSpec

Status = Literal["pass", "fail", "skipped", "error"]


@dataclass
class Outcome:
    spec: CheckSpec
    status: Status
    message: str = ""
    rows_scanned: int | None = None
    failing_rows: int | None = None
    sample_keys: list[dict[str, Any]] = field(default_factory=list)
    duration_ms: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status == "fail"


def jsonable(value: Any) -> Any:
    """Sample key values as JSON-friendly scalars."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
