"""Which text a bronze column may hold for each contract type: defined once, for every engine.

A bronze value that arrives as text "casts" to the contract's type when it has one of
these ISO-8601 / plain-number shapes AND the engine's parser accepts it (an impossible
date such as 2026-02-30 or an integer that overflows int4 has the shape but not a value).
Without the shape test each engine's own parser would decide, and Polars (chrono) and
Spark disagree at the edges (`' 12'`, `'12.0'` as an integer, `'2026-1-2'`, `'2026'`), so
the same partition could pass on one engine and fail on the other.
"""

from __future__ import annotations

_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"

TEXT_FORMS: dict[str, str] = {
    "integer": r"^[+-]?[0-9]+$",
    "bigint": r"^[+-]?[0-9]+$",
    "decimal": rf"^{_NUMBER}$",
    "float": rf"^(?:{_NUMBER}|[+-]?(?:[Nn]a[Nn]|[Ii]nf|[Ii]nfinity))$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    # date, or date-time with optional fraction and a Z / +hh:mm / +hhmm offset
    "timestamp": (
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"(?:[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?$"
    ),
}
