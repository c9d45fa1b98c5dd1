"""One verdict and one message per gold check kind, from the numbers an engine computed.

No dataframe library here: `plan.py` asks an engine (`checks/engines/<engine>/gold.py`) for a few
aggregates and hands them to these functions, so a gold check means the same on every
engine. Samples are passed as callables: they are fetched (an extra query, on Spark an
extra job) only when the check fails.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from wdguard.checks.outcome import Outcome, jsonable
from wdguard.checks.spec import CheckSpec

Sample = Callable[[], list[Any]]
Gaps = Callable[[dt.date, dt.date], list[dt.date]]


def num(v: Any) -> str:
    """1,204,330.50 -- numbers on both sides of a finding, as people read them."""
    if v is None:
        return "null"
    if isinstance(v, float):
        return f"{v:,.6f}".rstrip("0").rstrip(".")
    if isinstance(v, int | Decimal):
        return f"{v:,}"
    return str(v)


def error(spec: CheckSpec, exc: Exception, where: str) -> Outcome:
    first = " ".join(str(exc).strip().split("\n")[0].split())[:300]
    return Outcome(spec, "error", f"{where}: cannot compute: {type(exc).__name__}: {first}")


def column_missing(spec: CheckSpec, present: bool, where: str) -> Outcome:
    if present:
        return Outcome(spec, "pass")
    return Outcome(spec, "fail", f"{spec.object}: column {spec.column} is missing ({where})")


def dtype(spec: CheckSpec, ok: bool, actual: str, want: str) -> Outcome:
    if ok:
        return Outcome(spec, "pass")
    return Outcome(
        spec,
        "fail",
        f"{spec.object}.{spec.column}: dtype {actual} where the contract says {want}",
        details={"dtype": actual, "expected": want},
    )


def not_null(spec: CheckSpec, rows: int, nulls: int) -> Outcome:
    return Outcome(
        spec,
        "fail" if nulls else "pass",
        f"{spec.object}.{spec.column}: {nulls:,} null(s) in a required column" if nulls else "",
        rows_scanned=rows,
        failing_rows=nulls,
    )


def grain(spec: CheckSpec, rows: int, distinct: int, duplicates: Sample) -> Outcome:
    """Rows beyond one per grain key; the sample is the first duplicated keys."""
    extra = rows - distinct
    if not extra:
        return Outcome(spec, "pass", rows_scanned=rows, failing_rows=0)
    cols = spec.params["columns"]
    return Outcome(
        spec,
        "fail",
        f"{spec.object}: {extra:,} extra row(s) on the grain ({', '.join(cols)}): "
        f"{rows:,} rows, {distinct:,} distinct keys",
        rows_scanned=rows,
        failing_rows=extra,
        sample_keys=[{k: jsonable(v) for k, v in d.items()} for d in duplicates()],
    )


def unknown_share(spec: CheckSpec, unknown: int, total: int) -> Outcome:
    p = spec.params
    share = unknown / total if total else 0.0
    ok = share <= p["max_share"]
    return Outcome(
        spec,
        "pass" if ok else "fail",
        ""
        if ok
        else f"{spec.object}.{spec.column}: {unknown:,} of {total:,} rows ({share:.1%}) on the "
        f"{p['dimension']} unknown member ({p['unknown']}), allowed {p['max_share']:.1%}",
        rows_scanned=total,
        failing_rows=0 if ok else unknown,
        details={"unknown_rows": unknown, "share": round(share, 6), "max_share": p["max_share"]},
    )


def _date_of(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def missing_days(lo: dt.date, hi: dt.date, have: list[Any], limit: int) -> list[dt.date]:
    """The first `limit` days of [lo, hi] absent from `have`."""
    present = {_date_of(v) for v in have}
    out: list[dt.date] = []
    day = lo
    while day <= hi and len(out) < limit:
        if day not in present:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def calendar(spec: CheckSpec, n: int, distinct: int, lo: Any, hi: Any, gaps: Gaps) -> Outcome:
    """One row per day between the first and last date: no day missing, none repeated."""
    col = spec.column
    lo, hi = _date_of(lo), _date_of(hi)
    span = (hi - lo).days + 1 if lo and hi else 0
    missing, repeated = span - distinct, n - distinct
    if not missing and not repeated:
        return Outcome(spec, "pass", rows_scanned=n, failing_rows=0)
    sample = [{col: jsonable(d)} for d in gaps(lo, hi)] if missing and lo and hi else []
    return Outcome(
        spec,
        "fail",
        f"{spec.object}.{col}: {missing:,} day(s) missing and {repeated:,} repeated between "
        f"{lo} and {hi}" + (f" (e.g. {', '.join(str(s[col]) for s in sample)})" if sample else ""),
        rows_scanned=n,
        failing_rows=missing + repeated,
        sample_keys=sample,
        details={
            "missing_days": missing,
            "repeated_days": repeated,
            "from": jsonable(lo),
            "to": jsonable(hi),
        },
    )


def sums_equal(gold: Any, silver: Any, tolerance: float | None) -> bool:
    if gold is None or silver is None:
        return gold is None and silver is None
    if tolerance is not None:
        return abs(float(gold) - float(silver)) <= tolerance
    if isinstance(gold, float) or isinstance(silver, float):
        return math.isclose(float(gold), float(silver), rel_tol=1e-9, abs_tol=1e-9)
    return Decimal(str(gold)) == Decimal(str(silver))  # decimals and integers: exact


def reconcile(spec: CheckSpec, gold: Any, silver: Any, rows: int, date: str) -> Outcome:
    """The fact's row count or measure sum against the silver rows it is built from."""
    p, t, col = spec.params, spec.object, spec.column
    scope = f"{p['date_column']} on {date}"
    if p["filter"]:
        scope = f"{p['filter']}, {scope}"
    if spec.check == "reconcile_count":
        ok = int(gold) == int(silver)
        msg = f"{t}: {num(gold)} rows != silver {p['source']} {num(silver)} rows ({scope})"
        failing: int | None = abs(int(gold) - int(silver))
    else:
        ok = sums_equal(gold, silver, p.get("tolerance"))
        tol = f", tolerance {num(p['tolerance'])}" if p.get("tolerance") else ""
        msg = (
            f"{t}: sum({col}) {num(gold)} != silver {p['source']} "
            f"sum({p['silver_column']}) {num(silver)} ({scope}{tol})"
        )
        failing = None
    return Outcome(
        spec,
        "pass" if ok else "fail",
        "" if ok else msg,
        rows_scanned=rows,
        failing_rows=0 if ok else failing,
        details={
            "gold": jsonable(gold),
            "silver": jsonable(silver),
            "silver_contract": p["source"],
            "scope": scope,
        },
    )


def orphans(spec: CheckSpec, n: int, sample: Sample) -> Outcome:
    """Fact rows whose key is no surrogate key of the dimension (nulls are not orphans)."""
    if not n:
        return Outcome(spec, "pass", failing_rows=0)
    p, col = spec.params, spec.column
    keys = sample()
    return Outcome(
        spec,
        "fail",
        f"{spec.object}.{col}: {n:,} row(s) point at no {p['dimension']}.{p['key']} "
        f"(e.g. {', '.join(str(v) for v in keys)})",
        failing_rows=n,
        sample_keys=[{col: jsonable(v)} for v in keys],
    )


def scd2(spec: CheckSpec, counts: dict[str, int], sample: Sample) -> Outcome:
    """scd2_current: one current row per natural key; scd2_interval: versions of a key
    follow each other without overlap or gap, the last one open, none empty."""
    n = int(counts["n"])
    if not n:
        return Outcome(spec, "pass", failing_rows=0)
    p, t = spec.params, spec.object
    nk = p["natural_key"]
    keys = ", ".join(nk)
    if spec.check == "scd2_current":
        msg = (
            f"{t}.{p['is_current']}: {counts['many']:,} {keys} with more than one "
            f"current row, {counts['none']:,} with none"
        )
        details = {"many_current": counts["many"], "no_current": counts["none"]}
    else:
        msg = (
            f"{t}.{p['valid_from']},{p['valid_to']}: {counts['overlap']:,} overlapping "
            f"and {counts['gap']:,} gapped version(s), {counts['empty']:,} empty interval(s) "
            f"of {keys}"
        )
        details = {"overlaps": counts["overlap"], "gaps": counts["gap"], "empty": counts["empty"]}
    rows = [v if isinstance(v, dict) else {nk[0]: v} for v in sample()]
    return Outcome(
        spec,
        "fail",
        f"{msg} (e.g. {', '.join(str(next(iter(s.values()))) for s in rows)})",
        failing_rows=n,
        sample_keys=[{k: jsonable(v) for k, v in s.items()} for s in rows],
        details=details,
    )
