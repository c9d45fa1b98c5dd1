"""Freshness: the newest timestamp of the contract's freshness column, measured against
the partition's `extracted_at` (not the wall clock), so re-checking an old date gives
the same answer as checking it on the day. Without a manifest (nor an ADF output saying
when the copy started) the reference is the end of the partition's date, for the same
reason."""

from __future__ import annotations

from datetime import UTC, datetime

from wdguard.checks.outcome import Outcome
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Contract, parse_duration


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def check_freshness(
    contract: Contract,
    obj: str,
    newest: str | None,
    extracted_at: datetime | None,
    *,
    reference: str = "extraction",
) -> Outcome | None:
    """`extracted_at` is the reference time; `reference` names it in the message
    ("extraction", or "the end of 2026-11-26" for a partition without a manifest)."""
    if contract.freshness is None:
        return None
    f = contract.freshness
    spec = CheckSpec(
        "stale", contract=contract.contract, object=obj, column=f.column, severity=f.severity
    )
    max_age = parse_duration(f.max_age)
    if extracted_at is None:
        return Outcome(spec, "skipped", "no extracted_at in _source.json")
    if newest is None:
        return Outcome(spec, "fail", f"no {f.column} value at all (empty or all null)")
    age = (_aware(extracted_at) - _aware(datetime.fromisoformat(newest))).total_seconds()
    details = {
        "newest": newest,
        "extracted_at": _aware(extracted_at).isoformat(),
        "age_s": round(age),
        "max_age_s": max_age,
    }
    if reference != "extraction":
        details["reference"] = reference
    if age > max_age:
        hours = age / 3600
        msg = f"newest {f.column} is {hours:.1f}h older than {reference} (max_age {f.max_age})"
        return Outcome(spec, "fail", msg, details=details)
    return Outcome(spec, "pass", details=details)
