"""The metric catalogue, the contract's `metrics:` block and the anomaly judge, on small
hand-made inputs: defaults per column type, configuration layering, bands, seasonality,
direction, level shifts, too little history, and bad configuration named in one line."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest
from pydantic import ValidationError

from wdguard.checks.engines.polars.hooks import PolarsEngine
from wdguard.checks.engines.polars.metrics import OnHead, aggregation, aggregations
from wdguard.contracts.model import Contract
from wdguard.lake.storage import LocalStore
from wdguard.metrics import table
from wdguard.metrics.anomaly import Strategy, judge, strategy, training_dates
from wdguard.metrics.catalog import (
    SAMPLE_ROWS,
    TOP_K,
    MetricSpec,
    learned,
    measured,
    metric_specs,
    values,
)

ORDER = {
    "contract": "Order",
    "source": {"kind": "postgres", "table": "orders"},
    "primary_key": ["id"],
    "columns": {
        "id": {"type": "uuid", "nullable": False},
        "user_id": {"type": "uuid", "references": "User.id"},
        "status": {"type": "enum", "values": ["PENDING", "PAID"]},
        "amount": {"type": "decimal", "precision": 12, "scale": 2},
        "notes": {"type": "string"},
        "tags": {"type": "list", "items": "string"},
        "flag": {"type": "boolean"},
        "created_at": {"type": "timestamp"},
    },
}


def contract(**metrics) -> Contract:
    return Contract.model_validate(ORDER | ({"metrics": metrics} if metrics else {}))


def names(c: Contract) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in metric_specs(c):
        out.setdefault(s.column, []).append(s.metric)
    return out


def test_default_metrics_per_column_type():
    assert names(contract()) == {
        "*": ["row_count"],
        "id": ["null_share"],  # the key: distinct would only repeat duplicate_pk
        "user_id": ["null_share", "distinct"],
        "status": ["null_share", "share:PENDING", "share:PAID"],
        "amount": ["null_share", "mean", "stddev"],
        "notes": ["null_share", "len_mean", "top_k"],  # text with no declared values
        "tags": ["null_share", "empty_share", "len_mean"],
        "flag": ["null_share", "true_share"],
        "created_at": ["null_share"],
    }


def test_column_configuration_replaces_disables_and_tracks_values():
    c = contract(enabled=True, columns={
        "amount": {"metrics": ["mean", "p50", "p95", "len_mean"]},  # len_mean: not a number's
        "notes": {"enabled": False},
        "user_id": {"values": ["u1"]},
    })
    got = names(c)
    assert got["amount"] == ["mean", "p50", "p95"] and "notes" not in got
    assert got["user_id"] == ["null_share", "distinct", "share:u1"]
    assert metric_specs(contract(enabled=False)) == []


def test_value_metrics_asked_of_a_list_are_left_out_and_the_select_still_runs():
    """`distinct` and `share:X` name values; a list column has none (Polars cannot even
    count distinct lists): configured on one, they are left out, not a failed select."""
    c = contract(columns={"tags": {"metrics": ["distinct", "share:a", "empty_share"]}})
    assert names(c)["tags"] == ["empty_share"]
    frame = pl.DataFrame({"tags": [["a"], [], None]}, schema={"tags": pl.List(pl.String)})
    specs = [s for s in metric_specs(c) if s.column == "tags"]
    got = frame.select(**aggregations(specs, {"tags": pl.col("tags")}, dict(frame.schema))).row(0)
    assert got == (0.5,)  # one empty list of the two non-null


@pytest.mark.parametrize("block, words", [
    ({"columns": {"amunt": {}}}, "'amunt'"),
    ({"key": ["amunt.mean"]}, "'amunt'"),
    ({"columns": {"amount": {"metrics": ["median"]}}}, "unknown metric 'median'"),
    ({"anomalies": {"direction": "sideways"}}, "direction"),
    ({"anomalies": {"sensitivity": 0}}, "sensitivity"),
])
def test_a_bad_metrics_block_is_named(block, words):
    with pytest.raises(ValidationError, match=words):
        contract(**block)


def test_strategy_layers_defaults_contract_column_and_metric():
    c = contract(anomalies={"sensitivity": 6, "severity": "error"}, columns={
        "amount": {"anomalies": {"direction": "up"},
                   "by_metric": {"max": {"min_change": 0.5}}}})
    mean = strategy(c, MetricSpec("amount", "mean", "decimal"))
    assert (mean.sensitivity, mean.severity, mean.direction, mean.enabled) == (6, "error", "up",
                                                                              True)
    top = strategy(c, MetricSpec("amount", "max", "decimal"))
    assert top.enabled and top.min_change == 0.5  # naming a metric's judging turns it on
    assert not strategy(c, MetricSpec("amount", "min", "decimal")).enabled  # extremes: opt-in
    week = strategy(contract(anomalies={"seasonality": "day_of_week"}),
                    MetricSpec("*", "row_count", ""))
    assert (week.training, week.min_history, week.severity) == (8, 4, "warn")


def test_a_metric_named_under_judging_turned_off_above_is_judged():
    """`enabled: false` on the contract or the column, then a metric named in `by_metric`:
    the particular layer wins (that metric is judged, the others are not), unless the named
    metric itself says `enabled: false`."""
    for off in ({"anomalies": {"enabled": False}}, {}):
        column = {"by_metric": {"mean": {"direction": "up"}, "stddev": {"enabled": False}}}
        if not off:
            column["anomalies"] = {"enabled": False}
        c = contract(**off, columns={"amount": column})
        mean = strategy(c, MetricSpec("amount", "mean", "decimal"))
        assert mean.enabled and mean.direction == "up"
        assert not strategy(c, MetricSpec("amount", "null_share", "decimal")).enabled
        assert not strategy(c, MetricSpec("amount", "stddev", "decimal")).enabled
        assert strategy(c, MetricSpec("qty", "mean", "integer")).enabled is (not off)


def test_training_dates_for_each_seasonality():
    known = [f"2026-11-{d:02d}" for d in range(1, 27)]
    c = contract()
    spec = MetricSpec("*", "row_count", "")
    s = strategy(c, spec)
    assert training_dates(date(2026, 11, 26), s, known) == known[-2::-1][:14]
    w = strategy(contract(anomalies={"seasonality": "day_of_week", "training": 3}), spec)
    assert training_dates(date(2026, 11, 26), w, known) == ["2026-11-19", "2026-11-12",
                                                           "2026-11-05"]
    m = strategy(contract(anomalies={"seasonality": "day_of_month", "training": 3}), spec)
    assert training_dates(date(2026, 3, 31), m, known) == ["2026-02-28", "2026-01-31",
                                                          "2025-12-31"]  # month ends
    assert training_dates(date(2026, 3, 15), m, known) == ["2026-02-15", "2026-01-15",
                                                          "2025-12-15"]


def hist(values_: list[float]) -> list[tuple[str, float]]:
    return [(f"2026-11-{i + 1:02d}", v) for i, v in enumerate(values_)]


MEAN = MetricSpec("amount", "mean", "decimal")
NOISY = [100, 104, 97, 101, 99, 103, 98, 102, 100, 96, 104, 101, 99, 100]


def test_band_flags_a_jump_and_keeps_the_noise():
    s = strategy(contract(), MEAN)
    assert judge(MEAN, 103, hist(NOISY), s, n=500).status == "pass"
    v = judge(MEAN, 10_000, hist(NOISY), s, n=500)
    assert v.status == "fail" and "mean is 1e+04" in v.message and "+9900%" in v.message
    lo, hi = v.details["expected"]
    assert lo < 100 < hi < 10_000 and len(v.details["history"]) == 14
    # min_change: a flat history (MAD 0) does not alarm on a 10 % wobble
    assert judge(MEAN, 110, hist([100] * 14), s, n=500).status == "pass"
    assert judge(MEAN, 130, hist([100] * 14), s, n=500).status == "fail"


def test_direction_and_severity():
    up = strategy(contract(anomalies={"direction": "up", "severity": "error"}), MEAN)
    assert judge(MEAN, 10, hist(NOISY), up, n=500).status == "pass"  # a fall, only rises count
    assert judge(MEAN, 1000, hist(NOISY), up, n=500).status == "fail" and up.severity == "error"


def test_too_little_history_or_too_few_values_is_skipped_and_says_so():
    s = strategy(contract(), MEAN)
    v = judge(MEAN, 100, hist(NOISY[:3]), s, n=500)
    assert v.status == "skipped" and v.message.startswith("3 partition(s) of history, needs 7")
    few = judge(MEAN, 1e6, hist(NOISY), s, n=12)
    assert few.status == "skipped" and "12 value(s), needs 30" in few.message


def test_share_noise_floor_and_a_vanished_value():
    share = MetricSpec("status", "share:PAID", "enum")
    s = strategy(contract(), share)
    flat = hist([0.15] * 14)
    assert judge(share, 0.10, flat, s, n=40).status == "pass"  # 2 rows of 40: noise
    assert judge(share, 0.0, flat, s, n=400).status == "fail"  # gone from 400 rows


def test_a_level_shift_becomes_the_new_normal_after_three_partitions():
    rows = MetricSpec("*", "row_count", "")
    s = strategy(contract(), rows)
    before = [270 + i for i in range(11)]
    assert judge(rows, 411, hist(before), s, n=411).status == "fail"
    shifted = hist(before + [411, 415, 419])
    v = judge(rows, 420, shifted, s, n=420)
    assert v.status == "pass" and v.details["level_shift_since"] == "2026-11-12"


def test_polars_aggregations_compute_each_metric():
    df = pl.DataFrame({
        "amount": pl.Series([1.0, 2.0, 3.0, None]).cast(pl.Decimal(12, 2)),
        "status": ["PAID", "PAID", "PENDING", None],
        "notes": ["ab", "abcd", None, None],
        "tags": [["a"], [], None, ["a", "b", "c"]],
        "flag": [True, False, True, None],
    })
    specs = [MetricSpec("*", "row_count", ""), MetricSpec("amount", "mean", "decimal"),
             MetricSpec("amount", "p50", "decimal"), MetricSpec("amount", "null_share", "d"),
             MetricSpec("status", "share:PAID", "enum"), MetricSpec("notes", "len_mean", "s"),
             MetricSpec("tags", "empty_share", "list"), MetricSpec("tags", "len_mean", "list"),
             MetricSpec("flag", "true_share", "boolean"), MetricSpec("status", "distinct", "e"),
             MetricSpec("notes", "mean", "string")]  # not a number: no value, no error
    typed = {n: pl.col(n) for n in df.columns}
    aggs = aggregations(specs, typed, dict(df.schema))
    row = PolarsEngine().aggregate(df.lazy(), aggs)
    got = values(specs, row)
    assert got == [4, 2, 2, 0.25, pytest.approx(2 / 3), 3, pytest.approx(1 / 3),
                   pytest.approx(4 / 3), pytest.approx(2 / 3), 2, None]


def test_top_k_learns_the_shares_of_low_cardinality_text_in_the_same_select():
    many = [f"c{i}" for i in range(TOP_K + 1)]
    df = pl.DataFrame({
        "notes": ["gate", "gate", "fragile", None, "gate", "", None] + ["gate"] * (len(many) - 7),
        "code": many,
    })
    specs = [MetricSpec("notes", "top_k", "string"),
             MetricSpec("code", "top_k", "string"),
             MetricSpec("missing", "top_k", "string")]  # an absent column: no value
    aggs = aggregations(specs, {n: pl.col(n) for n in df.columns}, dict(df.schema))
    assert len(aggs) == 2
    row = PolarsEngine().aggregate(df.lazy(), aggs)
    got = {(s.metric, s.column, s.learned): v for s, v in measured(specs, row)}
    n = len(many) - 2  # non-null notes
    assert got == {
        ("top_k", "notes", False): 3.0,  # the empty string is a value
        ("share:", "notes", True): pytest.approx(1 / n),
        ("share:fragile", "notes", True): pytest.approx(1 / n),
        ("share:gate", "notes", True): pytest.approx((n - 2) / n),
        ("top_k", "code", False): float(TOP_K + 1),  # more than TOP_K: no shares
        ("top_k", "missing", False): None,
    }
    assert MetricSpec("notes", "share:", "string").is_share


def test_top_k_on_polars_counts_the_first_sample_rows_values():
    n = SAMPLE_ROWS + 1000
    df = pl.DataFrame({"notes": ["a"] * (SAMPLE_ROWS - 10) + ["b"] * 10 + ["c"] * 1000})
    specs = [MetricSpec("notes", "top_k", "string"), MetricSpec("notes", "share:c", "string"),
             MetricSpec("notes", "len_mean", "string")]
    aggs = aggregations(specs, {"notes": pl.col("notes")}, dict(df.schema))
    row = PolarsEngine().aggregate(df.lazy(), aggs)
    got = {s.metric: v for s, v in measured(specs, row)}
    assert df.height == n and got == {  # "c" is past the sample: top_k does not see it
        "top_k": 2.0, "share:a": (SAMPLE_ROWS - 10) / SAMPLE_ROWS, "share:b": 10 / SAMPLE_ROWS,
        "share:c": 1000 / n, "len_mean": 1.0}  # every other metric: the whole partition
    assert learned(specs[0], None) == [(specs[0], None)]


def test_a_learned_value_moves_five_points_before_it_is_an_anomaly():
    share = MetricSpec("notes", "share:Fragile", "string", learned=True)
    s = strategy(contract(), share)
    zeros = hist([0.0] * 14)
    assert judge(share, 0.04, zeros, s, n=5000).status == "pass"  # a rare new value
    assert judge(share, 0.30, zeros, s, n=5000).status == "fail"  # a new dominant one
    assert judge(share, 0.0, hist([0.25] * 14), s, n=5000).status == "fail"  # vanished
    declared = MetricSpec("status", "share:PAID", "enum")
    assert judge(declared, 0.04, zeros, s, n=5000).status == "fail"  # declared: no floor


def test_table_reads_the_newest_run_per_date_layer_and_object(tmp_path):
    store = LocalStore(tmp_path)
    old = [table.MetricRow("silver", "Order", "orders", "*", "row_count", 10.0),
           table.MetricRow("bronze", "Order", "orders", "*", "row_count", 11.0)]
    table.write(store, "2026-11-20", "01A", "polars", old)
    table.write(store, "2026-11-20", "01B", "spark",
                [table.MetricRow("silver", "Order", "orders", "*", "row_count", 12.0)])
    with pytest.raises(FileExistsError):  # create-only
        table.write(store, "2026-11-20", "01B", "spark", old)
    got = table.read_date(store, "2026-11-20")
    assert got[("silver", "orders")] == {("*", "row_count"): 12.0}
    assert got[("bronze", "orders")] == {("*", "row_count"): 11.0}
    assert table.dates(store) == ["2026-11-20"]
    h = table.History(store, "2026-11-21")
    assert h.known == ["2026-11-20"] and h.on("2026-11-20", "silver", "orders")
    assert table.History(store, "2026-11-20").known == []  # never today's own values


def test_top_k_keeps_the_one_select_streaming(tmp_path, capfd):
    """A list-valued aggregate makes Polars run the whole select in memory (an
    `in-memory-map` node, every projected column materialised); top_k, counted on the
    partition's head beside the one select, must not."""
    path = tmp_path / "p.parquet"
    pl.DataFrame({"notes": ["a", "b", None] * 1000, "n": list(range(3000))}).write_parquet(path)
    spec = MetricSpec("notes", "top_k", "string")
    lf = pl.scan_parquet(path)
    aggs = aggregations([spec], {"notes": pl.col("notes")}, {"notes": pl.String()})
    assert [type(e) for e in aggs.values()] == [OnHead]

    def fallback(aggregates: dict) -> tuple[bool, dict]:
        capfd.readouterr()
        with pl.Config(verbose=True):
            row = PolarsEngine().aggregate(lf, {"rows": pl.len(), **aggregates})
        return "in-memory-map" in capfd.readouterr().err, row

    listed, _ = fallback({"t": pl.col("notes").value_counts().implode()})
    assert listed  # the check can fail
    streamed, row = fallback(aggs)
    assert not streamed and row["rows"] == 3000
    assert {s.metric: v for s, v in measured([spec], row)} == {
        "top_k": 2.0, "share:a": 0.5, "share:b": 0.5}


def test_learned_reads_spark_rows_and_keeps_exactly_top_k_values():
    spec = MetricSpec("city", "top_k", "string")
    rows = [(f"v{i}", 2) for i in range(TOP_K)] + [(None, 50)]  # Spark Rows; null not a value
    got = learned(spec, rows)
    assert got[0] == (spec, float(TOP_K))  # exactly TOP_K values: still low-cardinality
    assert [(s.metric, s.logical, s.learned, v) for s, v in got[1:3]] == [
        ("share:v0", "string", True, 1 / TOP_K), ("share:v1", "string", True, 1 / TOP_K)]
    assert learned(spec, rows[:-1] + [("x", 1)]) == [(spec, float(TOP_K + 1))]
    both = [MetricSpec("*", "row_count", ""), spec]
    assert measured(both, {"__metric0": 7, "__metric1": [("a", 1)]}) == [
        (both[0], 7.0), (spec, 1.0), (MetricSpec("city", "share:a", "string", learned=True), 1.0)]


# --- exact values: the catalogue's choices, the band's parts, the judge's report ---------

LINE = {
    "contract": "Line",
    "source": {"kind": "postgres", "table": "lines"},
    "primary_key": ["id"],
    "columns": {
        "id": {"type": "bigint", "nullable": False},  # a numeric key: no amount, no distinct
        "order_id": {"type": "integer", "references": "Order.id"},  # numeric FK: no amount
        "code": {"type": "string", "accepted_values": ["A", "B"]},  # agreed values: no top_k
        "ref": {"type": "string", "references": "Ref.code"},  # a text key: no top_k
        "token": {"type": "uuid"},  # a uuid outside the key: distinct
        "items[].sku": {"type": "string"},  # inside an array: left out
        "blob": {"type": "unsupported"},  # left out
        "qty": {"type": "integer"},
        "kind": {"type": "enum", "values": ["X", "Y"]},
        "free": {"type": "string", "values": ["a"]},  # values of a non-enum: ignored, as checks do
    },
}


def line(**metrics) -> Contract:
    return Contract.model_validate(LINE | ({"metrics": metrics} if metrics else {}))


def test_defaults_for_keys_agreed_values_and_left_out_columns():
    assert names(line()) == {
        "*": ["row_count"],
        "id": ["null_share"],
        "order_id": ["null_share", "distinct"],
        "code": ["null_share", "share:A", "share:B"],  # declared values: no mean length
        "ref": ["null_share", "distinct", "len_mean"],
        "token": ["null_share", "distinct"],
        "qty": ["null_share", "mean", "stddev"],
        "kind": ["null_share", "share:X", "share:Y"],
        "free": ["null_share", "len_mean", "top_k"],
    }
    assert [s.logical for s in metric_specs(line())][:3] == ["", "bigint", "integer"]


def test_a_configured_metric_list_keeps_what_applies_and_adds_tracked_values():
    c = line(columns={
        "code": {"metrics": ["p50", "distinct", "len_max", "len_min", "null_share", "mean",
                             "true_share", "empty_share", "top_k", "share:Q"]},
        "kind": {"metrics": ["null_share"], "values": ["Z"]},  # the override replaces X, Y
        "qty": {"metrics": ["p05", "min", "max", "len_mean", "top_k", "row_count"]},
        "ref": {"metrics": ["len_mean"]},  # no values: nothing added
        "token": {"metrics": ["len_min", "len_max", "mean"]},
    })
    got = names(c)
    assert got["code"] == ["distinct", "len_max", "len_min", "null_share", "top_k", "share:Q"]
    assert got["kind"] == ["null_share", "share:Z"]
    assert got["qty"] == ["p05", "min", "max"]
    assert got["ref"] == ["len_mean"] and got["token"] == ["len_min", "len_max"]
    assert names(line(columns={"code": {"metrics": ["null_share"]}}))["code"] == [
        "null_share", "share:A", "share:B"]  # agreed values are tracked too
    flags = line(columns={"qty": {"metrics": ["mean"]},
                          "kind": {"metrics": ["true_share", "empty_share"]}})
    assert names(flags)["qty"] == ["mean"] and names(flags)["kind"] == ["share:X", "share:Y"]
    bools = Contract.model_validate(ORDER | {"metrics": {"columns": {
        "flag": {"metrics": ["true_share", "empty_share", "len_mean"]},
        "tags": {"metrics": ["empty_share", "true_share", "len_mean", "len_max"]}}}})
    assert names(bools)["flag"] == ["true_share"]
    assert names(bools)["tags"] == ["empty_share", "len_mean"]


def test_metric_spec_properties():
    assert MetricSpec("a", "p95", "float").quantile == 0.95
    assert MetricSpec("a", "p05", "float").quantile == 0.05
    for not_q in ("mean", "p5", "p500", "q50", "pxx", "px5"):
        assert MetricSpec("a", not_q, "float").quantile is None
    assert MetricSpec("a", "share:a:b", "string").value == "a:b"
    assert MetricSpec("a", "shares:a", "string").value is None
    assert [MetricSpec("a", m, "").is_share for m in (
        "null_share", "true_share", "empty_share", "share:x", "mean", "distinct")] == [
        True, True, True, True, False, False]
    assert [MetricSpec("a", m, "").judged_by_default for m in (
        "row_count", "null_share", "distinct", "mean", "len_mean", "true_share",
        "empty_share", "share:x", "p50", "stddev", "min", "max", "len_min", "len_max",
        "top_k")] == [True] * 9 + [False] * 6


def test_values_and_measured_read_their_prefix_and_drop_nan():
    specs = [MetricSpec("*", "row_count", ""), MetricSpec("a", "mean", "float")]
    row = {"m0": 3, "m1": float("nan"), "__metric0": 9}
    assert values(specs, row, prefix="m") == [3.0, None]
    assert values(specs, {"__metric1": 2}) == [None, 2.0]
    assert measured(specs, row, prefix="m") == [(specs[0], 3.0), (specs[1], None)]
    top = MetricSpec("notes", "top_k", "string")
    assert measured([top], {"m0": '{"notes":"x","count":3}\n'}, prefix="m") == [
        (top, 1.0), (MetricSpec("notes", "share:x", "string", learned=True), 1.0)]


def test_learned_drops_nulls_and_zero_counts_and_sorts_the_shares():
    spec = MetricSpec("city", "top_k", "string")
    lines = '{"city":"b c","count":3}\n{"city":null,"count":9}\n{"city":"a","count":1}\n' \
            '{"city":"z","count":0}\n{"city":7,"count":4}'
    got = [(s.metric, v) for s, v in learned(spec, lines)]
    assert got == [("top_k", 3.0), ("share:7", 0.5), ("share:a", 0.125), ("share:b c", 0.375)]
    assert learned(spec, "") == [(spec, 0.0)]
    assert learned(spec, [{"city": "a", "count": 2}]) == [
        (spec, 1.0), (MetricSpec("city", "share:a", "string", learned=True), 1.0)]


def test_strategy_defaults_and_training_limits():
    assert strategy(contract(), MEAN) == Strategy(
        enabled=True, seasonality="none", training=14, min_history=7, sensitivity=4.0,
        min_change=0.2, direction="both", severity="warn", min_values=30)
    assert not strategy(contract(), MetricSpec("amount", "stddev", "decimal")).enabled
    assert strategy(contract(), MetricSpec("amount", "p50", "decimal")).enabled
    short = strategy(contract(anomalies={"training": 3}), MEAN)
    assert (short.training, short.min_history) == (3, 3)  # never more history than training
    long = strategy(contract(anomalies={"training": 20, "min_history": 9}), MEAN)
    assert (long.training, long.min_history) == (20, 9)
    month = strategy(contract(anomalies={"seasonality": "day_of_month"}), MEAN)
    assert (month.seasonality, month.training, month.min_history) == ("day_of_month", 6, 3)
    c = contract(anomalies={"min_values": 5}, columns={
        "amount": {"anomalies": {"min_change": 0.1}, "by_metric": {"stddev": {"sensitivity": 2}}},
        "notes": {"by_metric": {"len_mean": {"direction": "down"}}}})
    mean = strategy(c, MEAN)
    assert (mean.min_values, mean.enabled, mean.min_change, mean.sensitivity) == (5, True, 0.1,
                                                                                  4.0)
    sd = strategy(c, MetricSpec("amount", "stddev", "decimal"))
    assert (sd.enabled, sd.sensitivity, sd.min_change) == (True, 2, 0.1)
    notes = strategy(c, MetricSpec("notes", "len_mean", "string"))
    assert (notes.direction, notes.enabled, notes.min_change) == ("down", True, 0.2)
    assert strategy(c, MetricSpec("notes", "null_share", "string")).direction == "both"
    off = contract(anomalies={"enabled": False}, columns={"amount": {"anomalies": {"enabled": True}}})
    assert not strategy(off, MetricSpec("notes", "len_mean", "string")).enabled
    assert strategy(off, MEAN).enabled  # the column's word wins over the contract's


def test_strategy_describes_each_seasonality():
    assert Strategy().describe() == "last 14 partitions; median ± max(4 MAD, 20%)"
    assert Strategy(seasonality="day_of_week", training=8, sensitivity=3.5,
                    min_change=0.05).describe() == (
        "same weekday, last 8 weeks; median ± max(3.5 MAD, 5%)")
    assert Strategy(seasonality="day_of_month", training=6).describe() == (
        "same day of month, last 6 months; median ± max(4 MAD, 20%)")


def test_training_dates_exactly():
    s = Strategy(training=5)
    known = ["2026-11-01", "2026-11-02", "2026-11-04", "2026-11-06", "2026-11-07"]
    assert training_dates(date(2026, 11, 5), s, known) == ["2026-11-04", "2026-11-02",
                                                          "2026-11-01"]  # not later ones
    assert training_dates(date(2026, 11, 8), Strategy(training=2), known) == [
        "2026-11-07", "2026-11-06"]
    week = training_dates(date(2026, 11, 26), Strategy(seasonality="day_of_week", training=8), [])
    assert week == [(date(2026, 11, 26) - timedelta(days=7 * k)).isoformat()
                    for k in range(1, 9)] and week[-1] == "2026-10-01"
    month = Strategy(seasonality="day_of_month", training=14)
    assert training_dates(date(2026, 1, 31), month, []) == [
        "2025-12-31", "2025-11-30", "2025-10-31", "2025-09-30", "2025-08-31", "2025-07-31",
        "2025-06-30", "2025-05-31", "2025-04-30", "2025-03-31", "2025-02-28", "2025-01-31",
        "2024-12-31", "2024-11-30"]
    two = Strategy(seasonality="day_of_month", training=2)
    assert training_dates(date(2026, 3, 30), two, []) == ["2026-02-28", "2026-01-30"]
    assert training_dates(date(2026, 2, 28), two, []) == ["2026-01-31", "2025-12-31"]
    assert training_dates(date(2026, 4, 30), two, []) == ["2026-03-31", "2026-02-28"]
    assert training_dates(date(2024, 3, 29), two, []) == ["2024-02-29", "2024-01-29"]
    assert training_dates(date(2026, 12, 15), two, []) == ["2026-11-15", "2026-10-15"]


def flat(v: float, k: int = 14) -> list[tuple[str, float]]:
    return hist([v] * k)


STRATEGY_DICT = {"enabled": True, "seasonality": "none", "training": 14, "min_history": 7,
                 "sensitivity": 4.0, "min_change": 0.2, "direction": "both",
                 "severity": "warn", "min_values": 30}
TRAINING = "last 14 partitions; median ± max(4 MAD, 20%)"


def test_judge_reports_band_median_mad_score_and_history_exactly():
    s = Strategy()
    v = judge(MEAN, 130, hist(NOISY), s, n=500)
    assert v.status == "fail"
    assert v.message == "mean is 130, expected 80 to 120 (+30% vs the median); " \
                        "last 14 partitions"
    # median 100, MAD 1.5: 4 x 1.4826 x 1.5 = 8.9 < 20 % of 100, the band is 80..120
    assert v.details == {
        "metric": "mean", "value": 130, "strategy": STRATEGY_DICT, "training": TRAINING,
        "history_points": 14, "level_shift_since": None, "expected": [80.0, 120.0],
        "median": 100.0, "mad": 1.5, "score": 13.4898,  # 30 / (1.4826 x 1.5)
        "history": [{"date": d, "value": float(x)} for d, x in hist(NOISY)],
    }
    odd = judge(MEAN, 100, hist([100] * 13 + [100.1234567]), s)
    assert odd.details["history"][-1] == {"date": "2026-11-14", "value": 100.123}  # 6 digits
    # the robust spread binds when min_change is small: 100 -/+ 4 x 1.4826 x 1.5
    tight = judge(MEAN, 100, hist(NOISY), Strategy(min_change=0.01), n=500)
    assert tight.status == "pass" and tight.details["expected"] == [91.1044, 108.896]
    assert tight.details["score"] == 0.0
    low = judge(MEAN, -1234.5678, hist(NOISY), s, n=500)
    assert low.message.startswith("mean is -1235, expected 80 to 120 (-1335% vs the median)")
    assert low.details["score"] == -600.102  # -1334.5678 / 2.2239


def test_judge_boundaries_are_inside_the_band():
    s = Strategy(min_change=0.25)  # 100 x 0.25: an exact band, 75..125
    assert (judge(MEAN, 125, flat(100), s).status, judge(MEAN, 125, flat(100), s).message) == (
        "pass", "")
    assert judge(MEAN, 75, flat(100), s).status == "pass"
    assert judge(MEAN, 125.5, flat(100), s).status == "fail"
    assert judge(MEAN, 74.5, flat(100), s).status == "fail"
    v = judge(MEAN, 100, flat(100), s)
    assert v.details["score"] is None and v.details["mad"] == 0.0  # no spread, no score
    neg = judge(MEAN, -130, flat(-100), Strategy())
    assert neg.details["expected"] == [-120.0, -80.0]
    assert neg.message.startswith("mean is -130, expected -120 to -80 (-30% vs the median)")


@pytest.mark.parametrize("direction, rise, fall", [
    ("both", "fail", "fail"), ("up", "fail", "pass"), ("down", "pass", "fail")])
def test_judge_direction(direction, rise, fall):
    s = Strategy(direction=direction)
    assert judge(MEAN, 130, flat(100), s).status == rise
    assert judge(MEAN, 70, flat(100), s).status == fall


def test_judge_skips_say_why_and_judge_at_exactly_the_thresholds():
    s = Strategy()
    base = {"metric": "mean", "value": None, "strategy": STRATEGY_DICT, "training": TRAINING,
            "history_points": 14}
    v = judge(MEAN, None, flat(100), s, n=500)
    assert (v.status, v.message, v.details) == (
        "skipped", "no value today (column absent, empty or not measurable)", base)
    few = judge(MEAN, 1e6, flat(100), s, n=29)
    assert (few.status, few.message) == ("skipped", "computed over 29 value(s), needs 30")
    assert few.details == base | {"value": 1e6}
    assert judge(MEAN, 1e6, flat(100), s, n=30).status == "fail"  # exactly min_values
    assert judge(MEAN, 1e6, flat(100), s).status == "fail"  # n unknown: judged
    rows = MetricSpec("*", "row_count", "")
    assert judge(rows, 1e6, flat(100), s, n=5).status == "fail"  # a small table is judged
    short = judge(MEAN, 1e6, flat(100, 6), s)
    assert (short.status, short.message) == (
        "skipped", f"6 partition(s) of history, needs 7 ({TRAINING})")
    assert short.details["history_points"] == 6
    assert judge(MEAN, 1e6, flat(100, 7), s).status == "fail"  # exactly min_history


def test_judge_tiny_floor_when_nothing_else_widens_the_band():
    s = Strategy(min_change=0)
    zero = judge(MEAN, 0, flat(0), s)
    assert zero.details["expected"] == [-1e-09, 1e-09]
    v = judge(MEAN, 1.5e-9, flat(0), s)
    assert v.status == "fail" and v.message == (
        "mean is 1.5e-09, expected -1e-09 to 1e-09; last 14 partitions")  # no % of 0
    big = 1e12  # relative: 1e-9 x 1e12 = 1000
    assert judge(MEAN, big + 900, flat(big), s).status == "pass"
    assert judge(MEAN, big + 1100, flat(big), s).status == "fail"
    assert judge(MEAN, -big - 900, flat(-big), s).status == "pass"
    assert judge(MEAN, -big - 1100, flat(-big), s).status == "fail"


def test_noise_floor_of_a_share_a_count_and_a_mean():
    s = Strategy(min_change=0)
    share = MetricSpec("status", "share:PAID", "enum")
    # p is held to [1/n, 1 - 1/n]: 4 x sqrt(0.01 x 0.99 / 100) = 0.0398
    assert judge(share, 0, flat(0.0), s, n=100).details["expected"] == [0.0, 0.0397995]
    assert judge(share, 1, flat(1.0), s, n=100).details["expected"] == [0.960201, 1.0]
    assert judge(share, 0.5, flat(0.5), s, n=100).details["expected"] == [0.3, 0.7]
    assert judge(share, 0.5, flat(0.5), s).details["expected"] == [0.5, 0.5]  # n unknown
    one = Strategy(min_change=0.2, min_values=1)  # one value: p = 0.5, 4 x 0.5 = 2
    assert judge(share, 0.5, flat(0.5), one, n=1).details["expected"] == [0.0, 1.0]
    assert judge(share, 0.5, flat(0.5), one, n=2).details["expected"] == [0.0, 1.0]
    for m in ("null_share", "true_share", "empty_share"):  # shares stay within 0..1
        assert judge(MetricSpec("c", m, ""), 0, flat(0.0), s).details["expected"] == [0.0, 1e-09]
        assert judge(MetricSpec("c", m, ""), 1, flat(0.9), Strategy()).details["expected"] == [
            0.72, 1.0]
    rows = MetricSpec("*", "row_count", "")
    assert judge(rows, 100, flat(100), s).details["expected"] == [60.0, 140.0]  # 4 x sqrt(100)
    assert judge(rows, 0, flat(0), s).details["expected"] == [0.0, 4.0]  # sqrt of at least 1
    assert judge(rows, 140, flat(100), s).status == "pass"
    assert judge(rows, 141, flat(100), s).status == "fail"
    distinct = MetricSpec("user_id", "distinct", "uuid")
    assert judge(distinct, 0, flat(0.25), s).details["expected"] == [0.0, 4.25]
    # a mean of n values with the usual stddev sd: 4 x 10 / sqrt(100) = 4
    assert judge(MEAN, 50, flat(50), s, n=100, sd=10).details["expected"] == [46.0, 54.0]
    assert judge(MEAN, 50, flat(50), s, sd=10).details["expected"] == [50.0, 50.0]
    sd = MetricSpec("amount", "stddev", "decimal")  # no noise model: the tiny floor
    assert judge(sd, 50, flat(50), s, n=100, sd=10).details["expected"] == [50.0, 50.0]


def test_a_learned_share_band_is_exactly_five_points():
    share = MetricSpec("notes", "share:Fragile", "string", learned=True)
    s = Strategy()
    v = judge(share, 0.05, flat(0.0), s, n=5000)
    assert v.status == "pass" and v.details["expected"] == [0.0, 0.05]
    assert judge(share, 0.0501, flat(0.0), s, n=5000).status == "fail"


def test_a_level_shift_needs_the_points_strictly_outside_and_in_one_run():
    s = Strategy(min_change=0.25)  # 100: band 75..125
    on_edge = judge(MEAN, 125, hist([100] * 11 + [125] * 3), s)
    assert on_edge.status == "pass" and on_edge.details["level_shift_since"] is None
    assert on_edge.details["median"] == 100.0
    assert judge(MEAN, 75, hist([100] * 11 + [75] * 3), s).details["level_shift_since"] is None
    # an older low point, an inside run, one high point, then three low ones: the run is 3
    pts = [50] + [100] * 9 + [200] + [50] * 3
    v = judge(MEAN, 50, hist(pts), s)
    assert v.details["level_shift_since"] == "2026-11-12"
    assert (v.status, v.details["median"], v.details["expected"]) == ("pass", 50.0,
                                                                      [37.5, 62.5])
    up = judge(MEAN, 200, hist([100] * 11 + [200] * 3), s)
    assert up.details["level_shift_since"] == "2026-11-12" and up.status == "pass"
    # inside points are no side: a high run in the middle is no shift
    back = judge(MEAN, 100, hist([100] * 8 + [200] * 3 + [100] * 3), s)
    assert back.details["level_shift_since"] is None and back.status == "pass"
    # the new level's band keeps the noise of today's n and sd: 200 -/+ 4 x 100 / sqrt(100)
    noisy = judge(MEAN, 200, hist([100] * 11 + [200] * 3), Strategy(min_change=0), n=100, sd=100)
    assert noisy.details["level_shift_since"] == "2026-11-12"
    assert noisy.details["expected"] == [160.0, 240.0]
    one = judge(MEAN, 100, flat(100, 1), Strategy(min_history=1))  # one point: no shift
    assert one.status == "pass" and one.details["expected"] == [80.0, 120.0]
    two = judge(MEAN, 200, hist([100] * 12 + [200] * 2), s)
    assert two.details["level_shift_since"] is None and two.status == "fail"


def test_polars_aggregations_exact_values_and_what_a_column_cannot_carry():
    df = pl.DataFrame({
        "n": [3, 1, 2, 10],
        "x": [1.0, 2.0, 4.0, None],
        "s": ["é", "abc", None, ""],
        "l": [[1, 2], [], [1, 2, 3], None],
        "b": [True, True, False, True],
    })
    cases = {
        ("n", "min"): 1, ("n", "max"): 10, ("n", "mean"): 4, ("n", "p25"): 1.75,
        ("n", "stddev"): pytest.approx(4.0824829), ("n", "distinct"): 4,
        ("n", "null_share"): 0, ("x", "null_share"): 0.25, ("x", "p50"): 2,
        ("x", "distinct"): 3, ("x", "max"): 4, ("x", "min"): 1,
        ("s", "len_min"): 0, ("s", "len_max"): 3, ("s", "len_mean"): pytest.approx(5 / 3),
        ("l", "len_min"): 0, ("l", "len_max"): 3, ("l", "len_mean"): pytest.approx(5 / 3),
        ("l", "empty_share"): pytest.approx(1 / 3), ("b", "true_share"): 0.75,
        ("s", "share:abc"): pytest.approx(1 / 3), ("n", "share:2"): 0.25,
        ("s", "mean"): None, ("n", "top_k"): None,
        ("n", "len_mean"): None, ("s", "true_share"): None, ("s", "empty_share"): None,
        ("l", "mean"): None, ("gone", "mean"): None, ("*", "null_share"): None,
        ("n", "unknown"): None,
    }
    specs = [MetricSpec("*", "row_count", "")] + [MetricSpec(c, m, "") for c, m in cases]
    typed = {c: pl.col(c) for c in df.columns}
    aggs = aggregations(specs, typed, dict(df.schema), prefix="m")
    assert all(isinstance(e, pl.Expr) for e in aggs.values())
    row = df.select([e.alias(k) for k, e in aggs.items()]).row(0, named=True)
    got = values(specs, row, prefix="m")
    assert got == [4.0] + list(cases.values())
    assert all(type(v) is float for v in got if v is not None)
    no_dtype = aggregations([MetricSpec("n", "mean", "")], typed, {})
    assert no_dtype == {}


@pytest.mark.parametrize(("precision", "scale"), [(12, 2), (18, 4), (10, 0), (30, 3), (19, 0)])
def test_decimal_mean_stddev_and_quantile_equal_those_of_its_floats(precision, scale):
    """Up to 18 digits a decimal's metrics go through its unscaled integers (cheaper than
    its cast); every precision and scale gives the figures of the values as floats."""
    floats = [-12.5, 0.0, 3.25, 1999.75, None, 7.0, -0.5]
    column = pl.Series(floats).cast(pl.Decimal(precision, scale))
    if precision == 19:  # past Int64's 18 digits: the unscaled integers would not fit
        column = pl.Series([Decimal("9999999999999999999"), Decimal(1), None],
                           dtype=pl.Decimal(19, 0))
    df = pl.DataFrame({"x": column})
    specs = [MetricSpec("x", m, "decimal") for m in ("mean", "stddev", "p50", "p95", "min")]
    row = PolarsEngine().aggregate(df.lazy(), aggregations(specs, {"x": pl.col("x")}, dict(df.schema)))
    got = values(specs, row)
    as_float = df.select(pl.col("x").cast(pl.Float64)).to_series()
    expected = [as_float.mean(), as_float.std(), as_float.quantile(0.5, "linear"),
                as_float.quantile(0.95, "linear"), as_float.min()]
    assert got == [pytest.approx(v, rel=1e-12) for v in expected]
    assert got[0] != pytest.approx(float(column.to_physical().cast(pl.Float64).mean()), rel=1e-6) or scale == 0


def test_decimal_mean_is_its_exact_sum_over_its_count_and_null_without_values():
    """A decimal's mean is its Int128 sum (exact: ten values of 18 nines overflow an
    Int64's sum, not an Int128's) over its non-null count; no values: no mean (null, not
    NaN), like the other numbers."""
    big = Decimal("999999999999999999")
    cases = {  # column -> (values, expected mean)
        "x": (pl.Series([big] * 10 + [None], dtype=pl.Decimal(18, 0)), float(big)),
        "z": (pl.Series([Decimal("0.10"), Decimal("0.20"), None, Decimal("-0.30"),
                         Decimal("0.50")] + [None] * 6, dtype=pl.Decimal(12, 2)), 0.125),
        "y": (pl.Series([None] * 11, dtype=pl.Decimal(12, 2)), None),
    }
    frame = pl.DataFrame({c: v for c, (v, _) in cases.items()})
    specs = [MetricSpec(c, "mean", "decimal") for c in cases]
    row = PolarsEngine().aggregate(frame.lazy(), aggregations(
        specs, {c: pl.col(c) for c in cases}, dict(frame.schema)))
    assert values(specs, row) == [pytest.approx(float(big), rel=1e-15), pytest.approx(0.125),
                                  None]


def test_numbers_are_averaged_without_a_copy_of_the_column():
    """The cheap forms, which give the same figures (tests above): an integer is averaged
    as it is, a decimal of up to 18 digits through its unscaled integers (its mean: their
    Int128 sum, read once), a wider decimal or a Float32 through a Float64 cast."""
    def form(dtype, metric):
        return str(aggregation(MetricSpec("x", metric, "decimal"), pl.col("x"), dtype))

    for dtype in (pl.Int8, pl.Int32, pl.UInt64):
        assert [form(dtype, m) for m in ("mean", "stddev", "p50")] == [
            'col("x").mean()', 'col("x").std()', 'col("x").quantile([dyn float: 0.5])']
    mean = form(pl.Decimal(18, 2), "mean")
    assert mean.count("to_physical().sum()") == 1 and "Int64" not in mean
    assert mean.endswith("/ (dyn int: 100)]")
    for metric in ("stddev", "p50"):
        assert form(pl.Decimal(18, 2), metric).startswith(
            '[(col("x").to_physical().strict_cast(Int64).')
        assert form(pl.Decimal(18, 0), metric).startswith('col("x").to_physical().strict_cast(Int64).')
    for dtype in (pl.Decimal(19, 2), pl.Float32):
        assert form(dtype, "mean") == 'col("x").strict_cast(Float64).mean()'


@pytest.mark.parametrize("dtype", [pl.Int8, pl.UInt8, pl.Int32, pl.Int64, pl.UInt64])
def test_integer_mean_stddev_and_quantile_equal_those_of_its_floats(dtype):
    """Integers are averaged as they are (no Float64 copy of the column): every width gives
    the figures of the values as floats, 2**62-sized ones too (no integer overflow)."""
    small = [-12, 0, 3, 127, None, 7, -1] if dtype.is_signed_integer() else [0, 3, 255, None, 7]
    ints = [2**62, 2**62, 2**62, 5] if dtype in (pl.Int64, pl.UInt64) else small
    df = pl.DataFrame({"x": pl.Series(ints, dtype=dtype)})
    specs = [MetricSpec("x", m, "bigint") for m in ("mean", "stddev", "p50", "p95")]
    got = values(specs, PolarsEngine().aggregate(
        df.lazy(), aggregations(specs, {"x": pl.col("x")}, dict(df.schema))))
    as_float = df.select(pl.col("x").cast(pl.Float64)).to_series()
    expected = [as_float.mean(), as_float.std(), as_float.quantile(0.5, "linear"),
                as_float.quantile(0.95, "linear")]
    assert got == [pytest.approx(v, rel=1e-12) for v in expected]
    assert all(type(v) is float for v in got)


def test_a_learned_share_missing_on_a_date_counted_whole_was_zero():
    """`catalog.on_date`, which the judge's history and the report's key metrics read: a
    learned share absent where its column's top_k counted every value had share 0; where
    top_k saw more than TOP_K values (or nothing) it is unknown; declared shares and other
    metrics are only what was recorded."""
    from wdguard.metrics.catalog import counted_whole, on_date

    assert [counted_whole(v) for v in (None, 0.0, float(TOP_K), float(TOP_K + 1))] == [
        False, True, True, False]
    learned_b = MetricSpec("notes", "share:b", "string", learned=True)
    declared_b = MetricSpec("notes", "share:b", "string")
    whole = {("notes", "top_k"): 2.0, ("notes", "share:a"): 1.0}
    assert on_date(whole, learned_b) == 0.0
    assert on_date(whole, declared_b) is None
    assert on_date({**whole, ("notes", "share:b"): 0.25}, learned_b) == 0.25
    assert on_date({("notes", "top_k"): float(TOP_K + 1)}, learned_b) is None
    assert on_date({}, learned_b) is None
    assert on_date({("code", "top_k"): 1.0}, learned_b) is None  # another column's count
    assert on_date(whole, MetricSpec("notes", "top_k", "string")) == 2.0


def test_bronze_text_is_measured_as_the_contracts_type():
    """Bronze holds numbers as text: the metrics measure the typed values the checks see
    (`plan._types`), so an integer column landed as text still has its mean."""
    from wdguard.checks.engines import get_engine
    from wdguard.contracts.model import contract_from_dict

    contract = contract_from_dict({
        "contract": "B", "source": {"kind": "postgres", "table": "b"}, "primary_key": ["id"],
        "columns": {"id": {"type": "bigint", "nullable": False}, "qty": {"type": "integer"},
                    "note": {"type": "string"}},
    })
    frame = pl.LazyFrame({"id": ["1", "2", "3", "4"], "qty": ["2", "4", None, "x9"],
                          "note": ["a", "bb", None, "dddd"]})
    result = get_engine("polars").check_partition(frame, contract, "bronze", where="b")
    got = {(s.column, s.metric): v for s, v in result.metrics}
    assert got[("qty", "mean")] == 3.0 and got[("qty", "stddev")] == pytest.approx(2 ** 0.5)
    # as typed: "x9" does not cast (its `castable` check fails) and is null downstream
    assert got[("qty", "null_share")] == 0.5
    assert got[("note", "len_mean")] == pytest.approx(7 / 3)
