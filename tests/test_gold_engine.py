"""The gold plan on tiny hand-made frames: every check kind's verdict, message, counts and
samples, the cases the sample faults do not reach (nulls in keys, own unknown rows,
filters, mistyped columns, queries that cannot run).

Written once for both engines: the `gold_engine` fixture gives (frame converter, hooks);
here Polars, and tests/test_gold_spark.py runs the same tests on Spark.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from wdguard.checks.engines.polars.gold import PolarsGold
from wdguard.checks.gold import derive_gold, evaluate
from wdguard.contracts.gold import GoldContract
from wdguard.contracts.model import Contract

DAY = "2026-11-26"
T = [dt.datetime(2026, 1, d, tzinfo=dt.UTC) for d in range(1, 6)]
NOW = dt.datetime(2026, 11, 26, 8, tzinfo=dt.UTC)
TS = pl.Datetime("ms", "UTC")

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
    "columns": {"ts": {"type": "timestamp"}, "m": {"type": "float"}, "st": {"type": "string"},
                "d": {"type": "decimal", "precision": 10, "scale": 2}},
})  # fmt: skip
GOOD = [(-1, None, T[0], None, True), (10, "a", T[0], T[2], False), (11, "a", T[2], None, True)]


@pytest.fixture
def gold_engine():
    """(Polars LazyFrame -> the engine's frame, the engine's gold hooks)."""
    return (lambda lf: lf), PolarsGold()


@pytest.fixture
def run(gold_engine):
    convert, hooks = gold_engine

    def run(gold, frames, silver=None, silver_contracts=(SILVER,), sample_keys=5):
        specs = derive_gold(gold, list(silver_contracts))
        outs, rows = evaluate(
            specs,
            {t: None if f is None else convert(f) for t, f in frames.items()},
            {s: None if f is None else convert(f) for s, f in (silver or {}).items()},
            DAY,
            hooks=hooks,
            where={t: f"gold/{t}/{DAY}" for t in frames},
            sample_keys=sample_keys,
        )
        got = {(o.spec.object, o.spec.check, o.spec.column): o for o in outs}
        return got, rows

    return run


def _dim(rows):
    return pl.LazyFrame(rows, schema={"k": pl.Int64, "nk": pl.String, "vf": TS, "vt": TS,
                                      "cur": pl.Boolean}, orient="row")  # fmt: skip


def _fact(ids=(1, 2), keys=(10, 11), m=(1.0, 2.0)):
    return pl.LazyFrame({"id": list(ids), "k": list(keys), "m": list(m)},
                        schema={"id": pl.Int64, "k": pl.Int64, "m": pl.Float64})  # fmt: skip


def _silver(m=(1.2, 2.0), ts=None, st=None):
    n = len(m)
    return pl.LazyFrame(
        {"ts": list(ts or [NOW] * n), "m": list(m), "st": list(st or ["OK"] * n),
         "d": [None] * n},
        schema={"ts": TS, "m": pl.Float64, "st": pl.String, "d": pl.Decimal(10, 2)},
    )  # fmt: skip


def _standard(run, dim=None, fact=None, silver=None):
    return run(
        [DIM, FACT],
        {"DimX": _dim(GOOD) if dim is None else dim, "FactX": _fact() if fact is None else fact},
        {"S": _silver() if silver is None else silver},
    )[0]


def _by_check(got):
    return {(obj, check): o for (obj, check, _), o in got.items()}


def test_clean_frames_pass_and_a_declared_tolerance_is_honoured(run):
    got, rows = run([DIM, FACT], {"DimX": _dim(GOOD), "FactX": _fact()}, {"S": _silver()})
    assert all(o.status == "pass" for o in got.values()), [
        (k, o.message) for k, o in got.items() if o.status != "pass"
    ]
    assert rows == {"DimX": 3, "FactX": 2}
    passed = _by_check(got)
    assert passed[("FactX", "gold_orphan_key")].failing_rows == 0
    assert passed[("DimX", "scd2_current")].failing_rows == 0
    assert passed[("DimX", "scd2_interval")].failing_rows == 0
    count = passed[("FactX", "reconcile_count")]
    assert (count.failing_rows, count.rows_scanned, count.message) == (0, 2, "")
    assert passed[("FactX", "reconcile_sum")].failing_rows == 0
    grain = passed[("FactX", "gold_grain")]
    assert (grain.rows_scanned, grain.failing_rows, grain.message) == (2, 0, "")
    nn = got[("FactX", "not_null", "k")]
    assert (nn.rows_scanned, nn.failing_rows, nn.message) == (2, 0, "")
    off = _by_check(_standard(run, silver=_silver(m=(1.0, 3.0))))[("FactX", "reconcile_sum")]
    assert off.status == "fail" and off.failing_rows is None
    assert off.message == ("FactX: sum(m) 3 != silver S sum(m) 4 (ts on 2026-11-26, tolerance 0.5)")
    assert off.details == {"gold": 3.0, "silver": 4.0, "silver_contract": "S",
                           "scope": "ts on 2026-11-26"}  # fmt: skip
    edge = _by_check(_standard(run, silver=_silver(m=(1.5, 2.0))))[("FactX", "reconcile_sum")]
    assert edge.status == "pass"  # |3.0 - 3.5| == tolerance: inside


def test_scd2_gap_and_closed_last_version_are_gaps_not_overlaps(run):
    gap = [(10, "a", T[0], T[1], False), (11, "a", T[2], None, True),
           (12, "b", T[0], T[3], True)]  # fmt: skip
    out = _by_check(_standard(run, dim=_dim(gap)))[("DimX", "scd2_interval")]
    assert out.status == "fail" and out.failing_rows == 2
    assert out.details == {"overlaps": 0, "gaps": 2, "empty": 0}
    assert out.sample_keys == [{"nk": "a"}, {"nk": "b"}]
    assert out.message == (
        "DimX.vf,vt: 0 overlapping and 2 gapped version(s), 0 empty interval(s) of nk (e.g. a, b)"
    )


def test_scd2_overlap_and_empty_interval_and_many_current(run):
    bad = [(10, "a", T[0], T[3], True), (11, "a", T[2], None, True),
           (12, "b", T[1], T[1], False), (13, "b", T[1], None, True),
           (14, None, T[0], T[0], True)]  # fmt: skip
    got = _by_check(_standard(run, dim=_dim(bad)))
    interval = got[("DimX", "scd2_interval")]
    assert interval.details == {"overlaps": 1, "gaps": 0, "empty": 1}, interval.message
    assert interval.failing_rows == 2 and interval.sample_keys == [{"nk": "a"}, {"nk": "b"}]
    few = run([DIM, FACT], {"DimX": _dim(bad), "FactX": _fact()}, {"S": _silver()},
              sample_keys=1)[0]  # fmt: skip
    assert _by_check(few)[("DimX", "scd2_interval")].sample_keys == [{"nk": "a"}]
    cur = got[("DimX", "scd2_current")]
    assert cur.status == "fail" and cur.failing_rows == 1
    assert cur.details == {"many_current": 1, "no_current": 0}
    assert cur.message == ("DimX.cur: 1 nk with more than one current row, 0 with none (e.g. a)")
    assert cur.sample_keys == [{"nk": "a"}]


def test_scd2_of_a_two_column_natural_key(run):
    dim = GoldContract.model_validate({
        **DIM.model_dump(), "natural_key": ["nk", "n2"],
        "columns": {**DIM.model_dump()["columns"], "n2": {"type": "bigint"}},
    })  # fmt: skip
    rows = [(-1, None, T[0], None, True, None), (10, "a", T[0], None, True, 1),
            (11, "a", T[0], None, True, 2), (12, "a", T[1], None, True, 2)]  # fmt: skip
    frame = pl.LazyFrame(
        rows,
        orient="row",
        schema={
            "k": pl.Int64,
            "nk": pl.String,
            "vf": TS,
            "vt": TS,
            "cur": pl.Boolean,
            "n2": pl.Int64,
        },
    )
    got = _by_check(run([dim], {"DimX": frame})[0])
    cur = got[("DimX", "scd2_current")]
    assert cur.message == (
        "DimX.cur: 1 nk, n2 with more than one current row, 0 with none (e.g. a)"
    )
    assert cur.sample_keys == [{"nk": "a", "n2": 2}]
    assert got[("DimX", "scd2_interval")].sample_keys == [{"nk": "a", "n2": 2}]


def test_missing_dimension_skips_its_references_and_no_current_row_is_named(run):
    got = _by_check(run([DIM, FACT], {"DimX": None, "FactX": _fact()}, {"S": _silver()})[0])
    orphan = got[("FactX", "gold_orphan_key")]
    assert (orphan.status, orphan.message) == ("skipped", "DimX: partition missing for 2026-11-26")
    none = [(10, "a", T[0], T[2], False), (11, "a", T[2], None, False)]
    cur = _by_check(_standard(run, dim=_dim(none)))[("DimX", "scd2_current")]
    assert cur.status == "fail" and cur.details == {"many_current": 0, "no_current": 1}
    assert "0 nk with more than one current row, 1 with none (e.g. a)" in cur.message


def test_orphans_counted_nulls_ignored_samples_sorted(run):
    fact = _fact(ids=(1, 2, 3, 4, 5), keys=(99, 10, 98, 99, 11), m=(1, 1, 1, 1, 1))
    fact = fact.with_columns(pl.when(pl.col("id") == 2).then(None).otherwise("k").alias("k"))
    got = _by_check(_standard(run, fact=fact, silver=_silver(m=(5.0,))))
    out = got[("FactX", "gold_orphan_key")]
    assert (out.status, out.failing_rows) == ("fail", 3)
    assert out.sample_keys == [{"k": 98}, {"k": 99}]
    assert out.message == "FactX.k: 3 row(s) point at no DimX.k (e.g. 98, 99)"
    one = _by_check(_standard(run, fact=fact, silver=_silver(m=(5.0,))))
    assert one[("FactX", "not_null")].status == "fail"
    assert one[("FactX", "not_null")].message == "FactX.k: 1 null(s) in a required column"
    assert one[("FactX", "not_null")].failing_rows == 1
    assert one[("FactX", "not_null")].rows_scanned == 5
    few = run([DIM, FACT], {"DimX": _dim(GOOD), "FactX": fact}, {"S": _silver(m=(5.0,))},
              sample_keys=1)[0]  # fmt: skip
    assert _by_check(few)[("FactX", "gold_orphan_key")].sample_keys == [{"k": 98}]


def test_grain_counts_a_null_key_once_and_samples_duplicated_keys(run):
    fact = _fact(ids=(3, 1, 1, 2, 2, 2), keys=(10,) * 6, m=(0.5,) * 6)
    fact = fact.with_columns(pl.when(pl.col("id") == 2).then(None).otherwise("id").alias("id"))
    got = _by_check(_standard(run, fact=fact, silver=_silver(m=(3.0,))))
    out = got[("FactX", "gold_grain")]
    assert (out.status, out.failing_rows, out.rows_scanned) == ("fail", 3, 6)
    assert out.message == "FactX: 3 extra row(s) on the grain (id): 6 rows, 3 distinct keys"
    assert out.sample_keys == [{"id": None}, {"id": 1}]
    one = run([DIM, FACT], {"DimX": _dim(GOOD), "FactX": fact}, {"S": _silver(m=(3.0,))},
              sample_keys=1)[0]  # fmt: skip
    assert _by_check(one)[("FactX", "gold_grain")].sample_keys == [{"id": None}]
    count = got[("FactX", "reconcile_count")]
    assert count.status == "fail" and count.failing_rows == 5
    assert count.message == "FactX: 6 rows != silver S 1 rows (ts on 2026-11-26)"


def test_grain_of_several_columns_is_the_tuple(run):
    g = GoldContract.model_validate({
        "gold": "FactY", "kind": "fact", "grain": ["a", "b"],
        "columns": {"a": {"type": "bigint"}, "b": {"type": "string"}},
    })  # fmt: skip
    frame = pl.LazyFrame({"a": [1, 1, 1, 2, 2], "b": ["x", "y", "x", None, None]})
    out = _by_check(run([g], {"FactY": frame})[0])[("FactY", "gold_grain")]
    assert (out.status, out.failing_rows) == ("fail", 2)
    assert out.message == "FactY: 2 extra row(s) on the grain (a, b): 5 rows, 3 distinct keys"
    assert out.sample_keys == [{"a": 1, "b": "x"}, {"a": 2, "b": None}]
    clean = pl.LazyFrame({"a": [1, 1, 2], "b": ["x", None, None]})
    assert _by_check(run([g], {"FactY": clean})[0])[("FactY", "gold_grain")].status == "pass"


def test_unknown_share_at_and_over_the_limit(run):
    at = _by_check(_standard(run, fact=_fact(keys=(-1, 10)), silver=_silver(m=(3.0,))))
    out = at[("FactX", "gold_unknown_share")]
    assert (out.status, out.failing_rows, out.rows_scanned, out.message) == ("pass", 0, 2, "")
    assert out.details == {"unknown_rows": 1, "share": 0.5, "max_share": 0.5}
    over = _fact(ids=(1, 2, 3), keys=(-1, -1, 10), m=(1.0, 1.0, 1.0))
    out = _by_check(_standard(run, fact=over, silver=_silver(m=(3.0,))))[
        ("FactX", "gold_unknown_share")
    ]
    assert (out.status, out.failing_rows) == ("fail", 2)
    assert out.message == (
        "FactX.k: 2 of 3 rows (66.7%) on the DimX unknown member (-1), allowed 50.0%"
    )
    assert out.details["share"] == 0.666667


def test_a_dimensions_own_unknown_row_is_not_counted_in_its_share(run):
    dim_y = GoldContract.model_validate({
        "gold": "DimY", "kind": "dimension", "grain": ["y"], "surrogate_key": "y",
        "natural_key": ["ny"], "unknown_member": 0,
        "columns": {"y": {"type": "bigint"}, "ny": {"type": "string"}, "k": {"type": "bigint"}},
        "references": [{"column": "k", "dimension": "DimX", "unknown_max_share": 0.3}],
    })  # fmt: skip
    frame = pl.LazyFrame({"y": [0, 1, 2, 3], "ny": [None, "p", "q", "r"], "k": [-1, -1, 10, 11]})
    got = _by_check(run([DIM, dim_y], {"DimX": _dim(GOOD), "DimY": frame})[0])
    out = got[("DimY", "gold_unknown_share")]
    assert (out.status, out.rows_scanned) == ("fail", 3)  # the unknown row 0 is left out
    assert out.details["unknown_rows"] == 1 and out.message.startswith("DimY.k: 1 of 3 rows")
    fine = frame.with_columns(pl.Series("k", [-1, 10, 10, 11]))
    ok = _by_check(run([DIM, dim_y], {"DimX": _dim(GOOD), "DimY": fine})[0])
    assert ok[("DimY", "gold_unknown_share")].status == "pass"


CAL = GoldContract.model_validate({
    "gold": "DimT", "kind": "dimension", "grain": ["k"], "surrogate_key": "k",
    "natural_key": ["d"], "columns": {"k": {"type": "integer"}, "d": {"type": "date"}},
    "calendar": {"date_column": "d"},
})  # fmt: skip


def _cal(days):
    return pl.LazyFrame({"k": list(range(len(days))), "d": days},
                        schema={"k": pl.Int32, "d": pl.Date})  # fmt: skip


def test_calendar_missing_and_repeated_days(run):
    d = [dt.date(2026, 1, x) for x in (1, 2, 4, 5, 5, 7)] + [None]
    out = _by_check(run([CAL], {"DimT": _cal(d)})[0])[("DimT", "calendar_gap")]
    assert (out.status, out.failing_rows, out.rows_scanned) == ("fail", 3, 6)
    assert out.message == (
        "DimT.d: 2 day(s) missing and 1 repeated between 2026-01-01 and 2026-01-07 "
        "(e.g. 2026-01-03, 2026-01-06)"
    )
    assert out.sample_keys == [{"d": "2026-01-03"}, {"d": "2026-01-06"}]
    assert out.details == {"missing_days": 2, "repeated_days": 1, "from": "2026-01-01",
                           "to": "2026-01-07"}  # fmt: skip
    one = run([CAL], {"DimT": _cal(d)}, sample_keys=1)[0]
    assert _by_check(one)[("DimT", "calendar_gap")].sample_keys == [{"d": "2026-01-03"}]
    rep = _by_check(run([CAL], {"DimT": _cal([dt.date(2026, 1, 1)] * 2)})[0])
    assert rep[("DimT", "calendar_gap")].message.endswith("2026-01-01 and 2026-01-01")
    whole = [dt.date(2026, 1, 1) + dt.timedelta(days=x) for x in range(3)] + [None]
    ok = _by_check(run([CAL], {"DimT": _cal(whole)})[0])[("DimT", "calendar_gap")]
    assert (ok.status, ok.rows_scanned, ok.failing_rows) == ("pass", 3, 0)


def test_a_calendar_without_dates_passes_with_nothing_scanned(run):
    out = _by_check(run([CAL], {"DimT": _cal([None, None])})[0])[("DimT", "calendar_gap")]
    assert (out.status, out.rows_scanned, out.failing_rows) == ("pass", 0, 0)
    empty = _by_check(run([CAL], {"DimT": _cal([])})[0])[("DimT", "calendar_gap")]
    assert (empty.status, empty.rows_scanned) == ("pass", 0)


def test_reconcile_scope_is_the_date_and_the_filter(run):
    fact = GoldContract.model_validate({
        **FACT.model_dump(), "references": [],
        "reconcile": {"source": "S", "date_column": "ts", "filter": "st <> 'X'",
                      "sums": [{"gold": "m", "silver": "m"}]},
    })  # fmt: skip
    silver = _silver(
        m=(1.0, 2.0, 50.0, 70.0, 80.0),
        ts=[NOW, NOW, NOW, NOW - dt.timedelta(hours=9), NOW + dt.timedelta(hours=16)],
        st=["OK", "OK", "X", "OK", "OK"],
    ).with_columns(pl.when(pl.col("m") == 2.0).then(None).otherwise("st").alias("st"))
    got = _by_check(run([fact], {"FactX": _fact(ids=(1,), keys=(10,), m=(1.0,))},
                        {"S": silver})[0])  # fmt: skip
    count = got[("FactX", "reconcile_count")]
    assert count.status == "pass", count.message  # NULL filter: not kept; other days: not
    assert count.details["scope"] == "st <> 'X', ts on 2026-11-26"
    assert got[("FactX", "reconcile_sum")].status == "pass"
    got = _by_check(run([fact], {"FactX": _fact(ids=(1,), keys=(10,), m=(1.5,))},
                        {"S": silver})[0])  # fmt: skip
    assert got[("FactX", "reconcile_sum")].message == (
        "FactX: sum(m) 1.5 != silver S sum(m) 1 (st <> 'X', ts on 2026-11-26)"
    )


def test_decimal_sums_are_exact_and_empty_sums_are_zero(run):
    fact = GoldContract.model_validate({
        "gold": "FactD", "kind": "fact", "grain": ["id"],
        "columns": {"id": {"type": "bigint"}, "d": {"type": "decimal", "precision": 10,
                                                   "scale": 2}},
        "reconcile": {"source": "S", "date_column": "ts", "sums": [{"gold": "d", "silver": "d"}]},
    })  # fmt: skip
    frame = pl.LazyFrame({"id": [1], "d": [None]}, schema={"id": pl.Int64, "d": pl.Decimal(10, 2)})
    got = _by_check(run([fact], {"FactD": frame}, {"S": _silver(m=(1.0,))})[0])
    assert got[("FactD", "reconcile_sum")].status == "pass"  # no value either side: 0 == 0
    off = frame.with_columns(pl.lit("0.01").cast(pl.Decimal(10, 2)).alias("d"))
    out = _by_check(run([fact], {"FactD": off}, {"S": _silver(m=(1.0,))})[0])
    assert out[("FactD", "reconcile_sum")].status == "fail"
    assert out[("FactD", "reconcile_sum")].message.startswith("FactD: sum(d) 0.01 != silver S")


def test_missing_or_mistyped_columns_fail_and_skip_the_checks_that_need_them(run):
    fact = pl.LazyFrame({"id": [1, 2], "k": ["10", "11"]})  # k mistyped, m missing
    got = run([DIM, FACT], {"DimX": _dim(GOOD), "FactX": fact}, {"S": _silver()})[0]
    miss = got[("FactX", "column_missing", "m")]
    assert (miss.status, miss.message) == (
        "fail", "FactX: column m is missing (gold/FactX/2026-11-26)"
    )  # fmt: skip
    assert got[("FactX", "dtype", "m")].status == "skipped"
    assert got[("FactX", "dtype", "m")].message == "FactX.m: column missing"
    typ = got[("FactX", "dtype", "k")]
    assert typ.status == "fail" and set(typ.details) == {"dtype", "expected"}
    actual, want = typ.details["dtype"], typ.details["expected"]
    assert actual.lower() == "string" and want.lower() in ("int64", "bigint")
    assert typ.message == f"FactX.k: dtype {actual} where the contract says {want}"
    assert got[("FactX", "column_missing", "k")].status == "pass"
    assert got[("FactX", "dtype", "id")].status == "pass"
    for key in [("FactX", "gold_orphan_key", "k"), ("FactX", "not_null", "k"),
                ("FactX", "reconcile_sum", "m")]:  # fmt: skip
        assert got[key].status == "skipped", key
    assert got[("FactX", "not_null", "k")].message == "FactX: column k missing or mistyped"
    assert got[("FactX", "reconcile_count", None)].status == "pass"
    assert got[("FactX", "not_null", "id")].status == "pass"


def test_absent_partitions_skip_and_absent_silver_is_an_error(run):
    got = run([DIM, FACT], {"DimX": _dim(GOOD), "FactX": None}, {"S": None})[0]
    assert got[("FactX", "column_missing", "id")].message == (
        "FactX: partition missing for 2026-11-26"
    )
    assert {o.status for (t, _, _), o in got.items() if t == "FactX"} == {"skipped"}
    got, rows = run([DIM, FACT], {"DimX": _dim(GOOD), "FactX": _fact()}, {"S": None})
    count = got[("FactX", "reconcile_count", None)]
    assert (count.status, count.message) == (
        "error", "FactX: cannot reconcile, silver S partition missing (S)"
    )  # fmt: skip
    assert rows == {"DimX": 3, "FactX": 2}
    total = got[("FactX", "reconcile_sum", "m")]
    assert total.message == "FactX: cannot reconcile, silver S partition missing (S)"


def test_a_dimension_without_its_key_column_skips_the_reference(run):
    dim = _dim(GOOD).drop("k")
    got = run([DIM, FACT], {"DimX": dim, "FactX": _fact()}, {"S": _silver()})[0]
    out = got[("FactX", "gold_orphan_key", "k")]
    assert (out.status, out.message) == ("skipped", "DimX: column k missing")
    assert got[("FactX", "gold_unknown_share", "k")].status == "pass"  # planning goes on


def test_a_query_that_cannot_run_is_an_error_naming_where(run):
    fact = GoldContract.model_validate({
        **FACT.model_dump(), "references": [],
        "reconcile": {"source": "S", "date_column": "ts", "filter": "nope > 1"},
    })  # fmt: skip
    got = run([fact], {"FactX": _fact()}, {"S": _silver()})[0]
    out = got[("FactX", "reconcile_count", None)]
    assert out.status == "error" and out.message.startswith("S: cannot compute: ")
    assert "nope" in out.message and "NoneType" not in out.message
    assert got[("FactX", "gold_grain", "id")].status == "pass"  # the others still answer


def test_verdict_helpers_error_line_numbers_and_sums():
    from decimal import Decimal

    from wdguard.checks.gold import verdicts as V
    from wdguard.checks.spec import CheckSpec

    spec = CheckSpec("gold_grain", "F", "F", "id", params={"columns": ["id"]})
    out = V.error(spec, ValueError("  first   line \nsecond line"), "gold/F")
    assert (out.status, out.message) == ("error", "gold/F: cannot compute: ValueError: first line")
    long = V.error(spec, KeyError("x" * 400), "w").message
    assert long == "w: cannot compute: KeyError: '" + "x" * 299
    assert [V.num(v) for v in (None, 1204330.5, 2.0, 1234567, Decimal("1234.50"), "a")] == [
        "null", "1,204,330.5", "2", "1,234,567", "1,234.50", "a",
    ]  # fmt: skip
    assert V.sums_equal(None, None, None) and V.sums_equal(Decimal("1.10"), Decimal("1.1"), None)
    assert not V.sums_equal(None, 1, None) and not V.sums_equal(1, None, 0.5)
    assert not V.sums_equal(Decimal("1.10"), Decimal("1.11"), None)
    assert V.sums_equal(1.0, 1.0 + 1e-12, None) and not V.sums_equal(1.0, 1.001, None)
    assert V.sums_equal(1, 2, 1.0) and not V.sums_equal(1, 2.5, 1.0)
    assert V.sums_equal(0.1 + 0.2, Decimal("0.3"), None)  # one float side: not exact
    assert V.sums_equal(0.0, 1e-12, None)  # near zero: the absolute tolerance
    share = CheckSpec("gold_unknown_share", "F", "F", "k",
                      params={"max_share": 0.0, "dimension": "D", "unknown": -1})  # fmt: skip
    none = V.unknown_share(share, 0, 0)
    assert (none.status, none.rows_scanned, none.details["share"]) == ("pass", 0, 0.0)


def test_mistyped_scd2_interval_columns_skip_it_named(run):
    dim = _dim(GOOD).with_columns(pl.col("vt").cast(pl.String), pl.col("vf").cast(pl.String))
    got = run([DIM], {"DimX": dim})[0]
    out = got[("DimX", "scd2_interval", "vf,vt")]
    assert (out.status, out.message) == ("skipped", "DimX: column vf, vt missing or mistyped")
    assert got[("DimX", "scd2_current", "cur")].status == "pass"


def test_evaluate_defaults_five_samples_and_paths_by_table_name():
    fact = _fact(ids=range(7), keys=range(100, 107), m=[1.0] * 7).drop("m")
    outs, _ = evaluate(derive_gold([DIM, FACT], [SILVER]), {"DimX": _dim(GOOD), "FactX": fact},
                       {"S": _silver(m=(7.0,))}, DAY, hooks=PolarsGold())  # fmt: skip
    got = {(o.spec.check, o.spec.column): o for o in outs if o.spec.object == "FactX"}
    assert len(got[("gold_orphan_key", "k")].sample_keys) == 5
    assert got[("column_missing", "m")].message == "FactX: column m is missing (FactX)"
    outs, _ = evaluate(derive_gold([DIM, FACT], [SILVER]), {"DimX": _dim(GOOD), "FactX": fact},
                       {"S": None}, DAY, hooks=PolarsGold(),
                       where={"silver:S": "silver/postgres/s"})  # fmt: skip
    (count,) = [o for o in outs if o.spec.check == "reconcile_count"]
    assert count.message.endswith("silver S partition missing (silver/postgres/s)")


def test_queries_that_fail_when_run_are_errors_and_the_others_answer():
    """Polars only: a strict cast that fails at collect time stands for an unreadable file."""
    bad_k = pl.LazyFrame({"id": [1], "s": ["x"], "m": [1.0]}).select(
        "id", pl.col("s").cast(pl.Int64, strict=True).alias("k"), "m"
    )
    dim = _dim(GOOD).with_columns(
        (pl.col("nk").fill_null("1").str.to_integer(strict=True) > 0).alias("cur")
    )
    outs, rows = evaluate(derive_gold([DIM, FACT], [SILVER]), {"DimX": dim, "FactX": bad_k},
                          {"S": _silver()}, DAY, hooks=PolarsGold(),
                          where={"FactX": "gold/FactX"})  # fmt: skip
    got = {(o.spec.object, o.spec.check, o.spec.column): o for o in outs}
    assert got[("FactX", "gold_orphan_key", "k")].message.startswith("FactX: cannot compute: ")
    assert got[("FactX", "not_null", "k")].message.startswith("gold/FactX: cannot compute: ")
    assert got[("DimX", "scd2_current", "cur")].message.startswith("DimX: cannot compute: ")
    assert all(o.status == "error" for (t, c, _), o in got.items() if c in ("not_null",))
    assert "FactX" not in rows and all(o.duration_ms > 0 for o in outs)


def test_a_filter_refused_while_building_its_query_is_an_error_of_that_scope_only(run):
    fact = GoldContract.model_validate({
        **FACT.model_dump(), "references": [],
        "reconcile": {"source": "S", "date_column": "ts", "filter": "st IN (SELECT st FROM s)"},
    })  # fmt: skip
    got = run([DIM, fact], {"DimX": _dim(GOOD), "FactX": _fact()}, {"S": _silver()})[0]
    count = got[("FactX", "reconcile_count", None)]
    assert count.status == "error" and count.message.startswith("S: cannot compute: ")
    assert got[("FactX", "gold_grain", "id")].status == "pass"
    assert got[("DimX", "scd2_current", "cur")].status == "pass"


@pytest.mark.parametrize(("flt", "words"), [
    ("status <> 'CANCELLED'", None),  # the shipped filter: no problem
    ("status IN (SELECT status FROM orders)", "not a query ('SELECT' is not allowed)"),
    ("EXISTS (FROM read_csv('/etc/passwd'))", "not a query ('FROM' is not allowed)"),
    ("status <> ", "not a valid SQL expression"),
])
def test_a_reconcile_filter_gets_the_rule_guard_both_engines_apply(flt, words):
    """`contracts validate` refuses a gold reconcile filter with the one guard the Polars
    and Spark gold hooks apply (`contracts/rule_sql.py`), one line naming the file."""
    from wdguard.contracts.gold import gold_problems, load_gold_contracts
    from wdguard.contracts.io import load_contracts

    root = Path(__file__).resolve().parents[1] / "contracts"
    gold = load_gold_contracts(root)
    fact = next(g for g in gold if g.gold == "FactOrders")
    edited = fact.model_copy(update={"reconcile": fact.reconcile.model_copy(update={"filter": flt})})
    got = gold_problems([edited if g is fact else g for g in gold], load_contracts(root))
    if words is None:
        assert got == []
    else:
        (line,) = got
        assert line.startswith("gold/FactOrders.yaml: reconcile filter does not compile: ")
        assert words in line
