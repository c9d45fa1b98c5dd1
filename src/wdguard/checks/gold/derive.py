"""Gold contracts -> engine-neutral CheckSpecs: which columns, aggregates and joins.

No dataframe library here: `plan.py` plans these specs once and each engine's hooks
(`checks/engines/<engine>/gold.py`) compile them. Every spec's `object` is the gold table; params
carry everything an engine needs (key columns, the referenced dimension's key, the
silver source, its date column and filter).
"""

from __future__ import annotations

from wdguard.checks.spec import CheckSpec
from wdguard.contracts.gold import GoldContract
from wdguard.contracts.model import Contract


def schema_specs(g: GoldContract) -> list[CheckSpec]:
    """Columns present with the contract's type; required columns without nulls."""
    out = []
    for name, col in g.columns.items():
        params = {"type": col.type, "precision": col.precision, "scale": col.scale}
        out.append(CheckSpec("column_missing", g.gold, g.gold, name, params=params))
        out.append(CheckSpec("dtype", g.gold, g.gold, name, params=params))
        if not col.nullable:
            out.append(CheckSpec("not_null", g.gold, g.gold, name))
    return out


def table_specs(g: GoldContract, gold: dict[str, GoldContract]) -> list[CheckSpec]:
    """Grain, references, unknown-member shares, SCD2 and calendar checks of one table."""
    out = [
        CheckSpec(
            "gold_grain", g.gold, g.gold, ",".join(g.grain), params={"columns": list(g.grain)}
        )
    ]
    for ref in g.references:
        dim = gold.get(ref.dimension)
        if dim is None or dim.surrogate_key is None:
            continue  # `contracts validate` reports it; the gate refuses such contracts
        params = {"dimension": dim.gold, "key": dim.surrogate_key}
        out.append(
            CheckSpec(
                "gold_orphan_key",
                g.gold,
                g.gold,
                ref.column,
                severity=ref.severity,
                params=params,
                name=dim.gold,
            )
        )
        if ref.unknown_max_share is not None and dim.unknown_member is not None:
            out.append(
                CheckSpec(
                    "gold_unknown_share",
                    g.gold,
                    g.gold,
                    ref.column,
                    severity=ref.severity,
                    params={
                        **params,
                        "unknown": dim.unknown_member,
                        "max_share": ref.unknown_max_share,
                        # a dimension's own unknown member row is not counted
                        "own_key": g.surrogate_key if g.unknown_member is not None else None,
                        "own_unknown": g.unknown_member,
                    },
                    name=dim.gold,
                )
            )
    if g.scd2:
        s = g.scd2
        params = {
            "natural_key": list(g.natural_key),
            "valid_from": s.valid_from,
            "valid_to": s.valid_to,
            "is_current": s.is_current,
        }
        out.append(
            CheckSpec(
                "scd2_current", g.gold, g.gold, s.is_current, severity=s.severity, params=params
            )
        )
        out.append(
            CheckSpec(
                "scd2_interval",
                g.gold,
                g.gold,
                f"{s.valid_from},{s.valid_to}",
                severity=s.severity,
                params=params,
            )
        )
    if g.calendar:
        out.append(
            CheckSpec(
                "calendar_gap",
                g.gold,
                g.gold,
                g.calendar.date_column,
                severity=g.calendar.severity,
            )
        )
    return out


def reconcile_specs(g: GoldContract, silver: dict[str, Contract]) -> list[CheckSpec]:
    """Counts and measure sums of a fact's date vs the silver rows it is built from."""
    rc = g.reconcile
    if rc is None or rc.source not in silver:
        return []
    base = {"source": rc.source, "date_column": rc.date_column, "filter": rc.filter}
    out = []
    if rc.count:
        out.append(
            CheckSpec(
                "reconcile_count",
                g.gold,
                g.gold,
                None,
                severity=rc.severity,
                params=base,
                name=rc.source,
            )
        )
    for s in rc.sums:
        out.append(
            CheckSpec(
                "reconcile_sum",
                g.gold,
                g.gold,
                s.gold,
                severity=rc.severity,
                params={**base, "silver_column": s.silver, "tolerance": s.tolerance},
                name=rc.source,
            )
        )
    return out


def derive_gold(gold: list[GoldContract], silver: list[Contract]) -> list[CheckSpec]:
    """Every gold check of a date, table by table (schema first)."""
    by_gold = {g.gold: g for g in gold}
    by_silver = {c.contract: c for c in silver}
    out: list[CheckSpec] = []
    for g in gold:
        out += schema_specs(g) + table_specs(g, by_gold) + reconcile_specs(g, by_silver)
    return out
