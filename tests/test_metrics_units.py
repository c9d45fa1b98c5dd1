"""The metric catalogue, the contract's `metrics:` block and the anomaly judge, on small
hand-made inputs: defaults per column type, configuration layering, bands, seasonality,
direction, level shifts, too little history, and bad configuration named in one line."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from pydantic import ValidationError

from wdguard.checks.engines.polars.metrics import aggregations
from wdguard.contracts.model import Contract
from wdguard.lake.storage import LocalStore
from wdguard.metrics import table
from wdguard.metrics.anomaly import judge, strategy, training_dates
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
    row = df.lazy().select([e.alias(n) for n, e in aggs.items()]).collect().row(
        0, named=True)
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
    row = df.lazy().select([e.alias(n) for n, e in aggs.items()]).collect().row(0, named=True)
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
    spec = MetricSpec("notes", "top_k", "string")
    aggs = aggregations([spec], {"notes": pl.col("notes")}, dict(df.schema))
    row = df.lazy().select([e.alias(k) for k, e in aggs.items()]).collect().row(0, named=True)
    got = {s.metric: v for s, v in measured([spec], row)}
    assert df.height == n and got == {  # "c" is past the sample: not seen
        "top_k": 2.0, "share:a": (SAMPLE_ROWS - 10) / SAMPLE_ROWS, "share:b": 10 / SAMPLE_ROWS}
    assert learned(spec, None) == [(spec, None)]


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
    `in-memory-map` node, every projected column materialised); top_k's string must not."""
    path = tmp_path / "p.parquet"
    pl.DataFrame({"notes": ["a", "b", None] * 1000, "n": list(range(3000))}).write_parquet(path)
    spec = MetricSpec("notes", "top_k", "string")
    lf = pl.scan_parquet(path)
    aggs = aggregations([spec], {"notes": pl.col("notes")}, {"notes": pl.String()})

    def fallback(expr: pl.Expr) -> tuple[bool, pl.DataFrame]:
        capfd.readouterr()
        with pl.Config(verbose=True):
            row = lf.select(pl.len().alias("rows"), expr.alias("t")).collect(engine="streaming")
        return "in-memory-map" in capfd.readouterr().err, row

    listed, _ = fallback(pl.col("notes").value_counts().implode())
    assert listed  # the check can fail
    streamed, row = fallback(next(iter(aggs.values())))
    assert not streamed
    assert {s.metric: v for s, v in measured([spec], {"__metric0": row["t"][0]})} == {
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
