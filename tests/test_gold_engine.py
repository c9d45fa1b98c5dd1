"""The gold engine on tiny hand-made frames: the cases the sample faults do not reach."""

from __future__ import annotations

import datetime as dt

import polars as pl

from wdguard.checks.gold import derive_gold, evaluate
from wdguard.contracts.gold import GoldContract
from wdguard.contracts.model import Contract

DAY = "2026-11-26"
T = [dt.datetime(2026, 1, d, tzinfo=dt.UTC) for d in range(1, 6)]

DIM = GoldContract.model_validate({
    "gold": "DimX", "kind": "dimension", "grain": ["k"], "surrogate_key": "k",
    "natural_key": ["nk"], "unknown_member": -1,
    "columns": {"k": {"type": "bigint", "nullable": False}, "nk": {"type": "string"},
                "vf": {"type": "timestamp", "nullable": False}, "vt": {"type": "timestamp"},
                "cur": {"type": "boolean", "nullable": False}},
    "scd2": {"valid_from": "vf", "valid_to": "vt", "is_current": "cur"},
})  # fmt: skip
FACT = GoldContract.model_validate({
    "gold": "FactX", "kind": "fact", "grain": ["id"],
    "columns": {"id": {"type": "bigint", "nullable": False},
                "k": {"type": "bigint", "nullable": False}, "m": {"type": "float"}},
    "references": [{"column": "k", "dimension": "DimX", "unknown_max_share": 0.5}],
    "reconcile": {"source": "S", "date_column": "ts",
                  "sums": [{"gold": "m", "silver": "m", "tolerance": 0.5}]},
})  # fmt: skip
SILVER = Contract.model_validate({
    "contract": "S", "source": {"kind": "postgres", "table": "s"},
    "columns": {"ts": {"type": "timestamp"}, "m": {"type": "float"}},
})  # fmt: skip
TS = pl.Datetime("ms", "UTC")


def _dim(rows):
    return pl.LazyFrame(rows, schema={"k": pl.Int64, "nk": pl.String, "vf": TS, "vt": TS,
                                      "cur": pl.Boolean}, orient="row")  # fmt: skip


def _run(dim, fact_m=(1.0, 2.0), silver_m=(1.2, 2.0)):
    fact = pl.LazyFrame({"id": [1, 2], "k": [10, 11], "m": list(fact_m)})
    now = dt.datetime(2026, 11, 26, 8, tzinfo=dt.UTC)
    silver = pl.LazyFrame({"ts": [now] * len(silver_m), "m": list(silver_m)},
                          schema={"ts": TS, "m": pl.Float64})  # fmt: skip
    outs, _ = evaluate(derive_gold([DIM, FACT], [SILVER]), {"DimX": dim, "FactX": fact},
                       {"S": silver}, DAY)  # fmt: skip
    return {(o.spec.object, o.spec.check): o for o in outs}


GOOD = [(-1, None, T[0], None, True), (10, "a", T[0], T[2], False), (11, "a", T[2], None, True)]


def test_clean_frames_pass_and_a_declared_tolerance_is_honoured():
    got = _run(_dim(GOOD))
    assert all(o.status == "pass" for o in got.values()), [
        (k, o.message) for k, o in got.items() if o.status != "pass"
    ]
    off = _run(_dim(GOOD), silver_m=(1.0, 3.0))[("FactX", "reconcile_sum")]
    assert off.status == "fail" and "tolerance 0.5" in off.message


def test_scd2_gap_and_closed_last_version_are_gaps_not_overlaps():
    gap = [(10, "a", T[0], T[1], False), (11, "a", T[2], None, True),
           (12, "b", T[0], T[3], True)]  # fmt: skip
    out = _run(_dim(gap))[("DimX", "scd2_interval")]
    assert out.status == "fail"
    assert out.details == {"overlaps": 0, "gaps": 2, "empty": 0}
    assert {s["nk"] for s in out.sample_keys} == {"a", "b"}


def test_missing_dimension_skips_its_references_and_no_current_row_is_named():
    got = _run(None)
    assert got[("FactX", "gold_orphan_key")].status == "skipped"
    none = [(10, "a", T[0], T[2], False), (11, "a", T[2], None, False)]
    cur = _run(_dim(none))[("DimX", "scd2_current")]
    assert (
        cur.status == "fail" and "0 nk with more than one current row, 1 with none" in cur.message
    )
