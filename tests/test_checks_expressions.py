"""Each check expression fires on a bad value and stays quiet on good ones (and on null)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from wdguard.checks.engines.polars import expressions as X


def _fails(expr: pl.Expr, values: list, dtype=None) -> list[bool]:
    df = pl.DataFrame({"v": pl.Series(values, dtype=dtype)})
    return df.select((~expr).alias("f"))["f"].to_list()


def test_not_null():
    assert _fails(X.not_null(pl.col("v")), [1, None]) == [False, True]


def test_in_values_passes_null_and_members():
    assert _fails(X.in_values(pl.col("v"), ["A", "B"]), ["A", "C", None]) == [False, True, False]


@pytest.mark.parametrize("n", [1, X.SHORT_LIST, X.SHORT_LIST + 1, 40])
@pytest.mark.parametrize("dtype", [pl.String, pl.Categorical, pl.Int64])
def test_in_values_same_verdict_as_a_set_on_both_sides_of_the_short_list(n, dtype):
    """Up to SHORT_LIST values the check is an `==` chain, beyond it is_in: both give the
    verdict of a Python set, on text, categorical and numeric columns (compared as text)."""
    values = [str(i * 3) for i in range(n)]
    data = [str(i) for i in range(3 * n + 2)] + [None]
    column = [None if v is None else (int(v) if dtype == pl.Int64 else v) for v in data]
    expected = [v is not None and v not in set(values) for v in data]
    assert _fails(X.in_values(pl.col("v"), values), column, dtype) == expected
    assert any(expected) and not all(expected)


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0, None, [True, False, False, False]),
        (None, 5, [False, False, True, False]),
        (0, 5, [True, False, True, False]),
    ],
)
def test_between(lo, hi, expected):
    assert _fails(X.between(pl.col("v"), lo, hi), [-1, 3, 9, None]) == expected


def test_between_on_decimals():
    values = pl.Series(["-0.01", "0.00", "12.50"]).cast(pl.Decimal(12, 2))
    df = pl.DataFrame({"v": values})
    assert df.select(~X.between(pl.col("v"), 0, None))["v"].to_list() == [True, False, False]


def test_matches_search_semantics():
    assert _fails(X.matches(pl.col("v"), "^[A-Z]{3}$"), ["KES", "kes", "KESX", None]) == [
        False,
        True,
        True,
        False,
    ]


def test_rule_null_passes_like_sql_check():
    df = pl.DataFrame({"status": ["PAID", "PAID", "NEW", None], "paid_at": [1, None, None, None]})
    out = df.select(~X.rule("status <> 'PAID' OR paid_at IS NOT NULL"))
    assert out.to_series().to_list() == [False, True, False, False]


def test_duplicated_rows_counts_extra_rows_and_ignores_nulls():
    df = pl.DataFrame({"a": [1, 1, 1, 2, None, None], "b": [1, 1, 2, 2, 3, 3]})
    assert df.select(X.duplicated_rows(["a"])).item() == 2
    assert df.select(X.duplicated_rows(["a", "b"])).item() == 2  # (1,1) twice, (None,3) twice
    assert pl.DataFrame({"a": [1, 2, None, None]}).select(X.duplicated_rows(["a"])).item() == 0
    assert df.select(X.is_duplicated(["a"]))["a"].to_list() == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_to_dtype_iso_and_naive_timestamps():
    target = pl.Datetime("ms", "UTC")
    iso = pl.DataFrame({"v": ["2026-11-20T10:11:12.123Z", "2026-11-20 10:00:00", "nope", None]})
    got = iso.select(X.to_type(pl.col("v"), pl.String(), target))["v"].to_list()
    assert got[0] == dt.datetime(2026, 11, 20, 10, 11, 12, 123000, tzinfo=dt.UTC)
    assert got[1] == dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
    assert got[2:] == [None, None]
    naive = pl.DataFrame({"v": [dt.datetime(2026, 1, 1, 5)]})
    out = naive.select(X.to_type(pl.col("v"), pl.Datetime("us"), target))
    assert out.schema["v"] == target
    assert out.item() == dt.datetime(2026, 1, 1, 5, tzinfo=dt.UTC)


def test_castable_decimal_integer_boolean():
    raw = pl.DataFrame(
        {"d": ["1.50", "abc", None], "i": [1, 2**40, None], "b": ["true", "maybe", None]}
    )
    out = raw.select(
        ~X.castable(pl.col("d"), X.to_type(pl.col("d"), pl.String(), pl.Decimal(12, 2))),
        ~X.castable(pl.col("i"), X.to_type(pl.col("i"), pl.Int64(), pl.Int32())),
        ~X.castable(pl.col("b"), X.to_type(pl.col("b"), pl.String(), pl.Boolean())),
    )
    assert out["d"].to_list() == [False, True, False]
    assert out["i"].to_list() == [False, True, False]  # 2**40 overflows int4
    assert out["b"].to_list() == [False, True, False]


UTC_MS = pl.Datetime("ms", "UTC")


def _utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("values", "source", "target", "expected"),
    [
        # text to the contract's timestamp: offsets converted, naive read as UTC, ms kept
        (["2026-01-02T03:04:05+02:00", "2026-01-02 03:04:05", "2026-01-02",
          "2026-01-02T03:04:05.123456", "2026-01-02T03:04:05Z", "2026-1-2 03:04:05", "x"],
         pl.String(), UTC_MS,
         [_utc(2026, 1, 2, 1, 4, 5), _utc(2026, 1, 2, 3, 4, 5), _utc(2026, 1, 2),
          _utc(2026, 1, 2, 3, 4, 5, 123000), _utc(2026, 1, 2, 3, 4, 5), None, None]),
        # a naive target reads naive text as UTC too (it used to fail on mixed zones)
        (["2026-01-02T03:04:05+02:00", "2026-01-02 03:04:05"], pl.String(), pl.Datetime("ms"),
         [_utc(2026, 1, 2, 1, 4, 5), _utc(2026, 1, 2, 3, 4, 5)]),
        # datetimes: naive ones are UTC, zoned ones converted; the unit becomes ms
        ([dt.datetime(2026, 1, 2, 3, 4, 5, 123456)], pl.Datetime("us"), UTC_MS,
         [_utc(2026, 1, 2, 3, 4, 5, 123000)]),
        ([dt.datetime(2026, 1, 2, 3, 4, 5, 123456)], pl.Datetime("us", "Europe/Paris"), UTC_MS,
         [_utc(2026, 1, 2, 3, 4, 5, 123000)]),
        # dates: ISO text only (no one-digit month, no two-digit year, no impossible day)
        (["2026-01-02", "2026-1-2", "26-01-02", "2026-02-30", "2026-01-02T00:00:00"],
         pl.String(), pl.Date(), [dt.date(2026, 1, 2), None, None, None, None]),
        ([dt.datetime(2026, 1, 2, 23, 59)], pl.Datetime("us"), pl.Date(), [dt.date(2026, 1, 2)]),
        # booleans: the words PostgreSQL accepts, any case, trimmed; others are null
        (["True", " yes ", "t", "1", "0", "F", "no", "false", "maybe", ""], pl.String(),
         pl.Boolean(), [True, True, True, True, False, False, False, False, None, None]),
        # floats: Spark's spellings of NaN and infinity only
        (["1.5", "1e3", "inf", "-Infinity", "NaN", "INF", "NAN", "inFinity", " 1.5"],
         pl.String(), pl.Float64(),
         [1.5, 1000.0, float("inf"), float("-inf"), "nan", None, None, None, None]),
    ],
)
def test_to_dtype_casts_what_both_engines_cast(values, source, target, expected):
    df = pl.DataFrame({"v": pl.Series(values, dtype=source)})
    out = df.select(X.to_type(pl.col("v"), source, target).alias("o"))["o"]
    want_dtype = UTC_MS if isinstance(target, pl.Datetime) else target
    assert out.dtype == want_dtype
    got = ["nan" if isinstance(v, float) and v != v else v for v in out.to_list()]
    assert got == expected


def test_in_values_with_no_value_fails_every_non_null():
    assert _fails(X.in_values(pl.col("v"), []), ["A", None]) == [True, False]


def test_between_compares_integers_exactly_and_text_decimals_as_numbers():
    """An integer column is compared as itself: 2**53 + 1 is past a maximum of 2**53 (as a
    float both are 2**53). A decimal the lake holds as text (wider than 38 digits) is read
    as a number; text that is no number is null there, so it passes `between`."""
    big = X.between(X.numeric(pl.col("v"), pl.Int64()), None, 2**53)
    assert _fails(big, [2**53, 2**53 + 1], pl.Int64) == [False, True]
    text = X.between(X.numeric(pl.col("v"), pl.String()), 0, None)
    assert _fails(text, ["-1.5", "2", "n/a", None], pl.String) == [True, False, False, False]
