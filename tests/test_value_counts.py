"""Value counts shared by an `in_values` check and the column's share metrics
(`checks/value_counts.py`): the check's verdict is what `not (null or in values)` counts,
the shares are the metric's, and each value is compared once in the one select."""

from __future__ import annotations

import polars as pl
import pytest

from wdguard.checks.engines import get_engine
from wdguard.checks.engines.polars import expressions as PX
from wdguard.checks.engines.polars.hooks import PolarsEngine
from wdguard.checks.value_counts import Ratio, ValueCounts
from wdguard.contracts.model import contract_from_dict

STATUSES = ["NEW", "PAID", "DONE"]


def contract(values: list[str], metrics: bool = True, column_type: str = "enum"):
    spec = {"type": column_type, "values": values} if column_type == "enum" else {
        "type": column_type, "accepted_values": values}
    return contract_from_dict({
        "contract": "Order",
        "source": {"kind": "postgres", "table": "orders"},
        "primary_key": ["id"],
        "columns": {"id": {"type": "bigint", "nullable": False}, "status": spec},
        **({} if metrics else {"metrics": {"enabled": False}}),
    })


def checked(frame: pl.DataFrame, c, layer: str = "silver"):
    """(the partition's result, the aggregates of its one select)."""
    seen: dict = {}
    original = PolarsEngine.aggregate

    def aggregate(self, lf, aggs):
        seen.update(aggs)
        return original(self, lf, aggs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PolarsEngine, "aggregate", aggregate)
        result = get_engine("polars").check_partition(frame.lazy(), c, layer, where="t",
                                                      sample_keys=3)
    return result, seen


def in_values(result):
    return next(o for o in result.outcomes if o.spec.check == "in_values")


def shares(result) -> dict[str, float | None]:
    return {s.value: v for s, v in result.metrics if s.value is not None}


STATUS = ["NEW", None, "PAID", "LOST", "PAID", "gone", None, "DONE", "PAID", "LOST"]
FRAME = pl.DataFrame({"id": list(range(len(STATUS))), "status": STATUS})


@pytest.mark.parametrize("metrics", [True, False])
@pytest.mark.parametrize("dtype", [pl.String, pl.Categorical])
def test_a_short_list_is_counted_from_the_value_counts_with_the_verdict_of_its_definition(
    metrics, dtype
):
    frame = FRAME.with_columns(pl.col("status").cast(dtype))
    outside = sum(1 for s in STATUS if s is not None and s not in STATUSES)
    result, aggs = checked(frame, contract(STATUSES, metrics))
    check = in_values(result)
    assert (check.status, check.failing_rows, check.rows_scanned) == ("fail", outside, 10)
    assert outside == 3
    assert check.sample_keys == [{"id": 3}, {"id": 5}, {"id": 9}]  # from its row expression
    assert check.message.endswith("values: 'LOST', 'gone'")
    counted = sorted(n for n in aggs if n.startswith("__eq__"))
    assert counted == [f"__eq__status\x1f{v}" for v in sorted(STATUSES)]  # once each
    assert "__nonnull__status" in aggs
    assert not any(n.startswith("f") and n[1:].isdigit() and "status" in str(e)
                   and "==" in str(e) for n, e in aggs.items())


def test_the_shares_come_from_the_same_counts_as_the_check():
    result, aggs = checked(FRAME, contract(STATUSES))
    non_null = [s for s in STATUS if s is not None]
    assert shares(result) == {v: pytest.approx(non_null.count(v) / len(non_null))
                              for v in STATUSES}
    metric_exprs = [str(e) for n, e in aggs.items() if "metric" in n]
    assert metric_exprs and not any('"PAID"' in e for e in metric_exprs)  # no second compare
    assert in_values(result).failing_rows == 3


def test_a_column_without_values_has_no_shares_and_a_clean_one_passes():
    empty, _ = checked(FRAME.with_columns(pl.lit(None, pl.String).alias("status")),
                       contract(STATUSES))
    assert shares(empty) == dict.fromkeys(STATUSES)  # no values: no share, not 0 and not NaN
    assert (in_values(empty).status, in_values(empty).failing_rows) == ("pass", 0)
    clean, _ = checked(FRAME.filter(pl.col("status").is_in(STATUSES)), contract(STATUSES))
    assert (in_values(clean).status, in_values(clean).failing_rows) == ("pass", 0)
    assert shares(clean) == {"NEW": pytest.approx(0.2), "PAID": pytest.approx(0.6),
                             "DONE": pytest.approx(0.2)}


def test_repeated_values_count_once_and_a_long_list_counts_itself():
    repeated, aggs = checked(FRAME, contract(["PAID", "NEW", "PAID", "DONE"], column_type="string"))
    assert in_values(repeated).failing_rows == 3  # PAID's hits are not taken twice
    assert sum(1 for n in aggs if n == "__eq__status\x1fPAID") == 1
    long = STATUSES + [f"X{i}" for i in range(PX.COUNTED_VALUES)]
    result, aggs = checked(FRAME, contract(long, metrics=False, column_type="string"))
    assert in_values(result).failing_rows == 3
    assert not any(n.startswith("__eq__") for n in aggs)  # is_in's own count
    with_metrics, aggs = checked(FRAME, contract(long, column_type="string"))
    assert in_values(with_metrics).failing_rows == 3
    assert shares(with_metrics)["X0"] == 0.0 and shares(with_metrics)["PAID"] == pytest.approx(3 / 8)


def test_bronze_text_is_counted_as_the_typed_value():
    """Bronze holds the ids as text: the cast columns are counted as the checks see them."""
    frame = FRAME.with_columns(pl.col("id").cast(pl.String))
    result, _ = checked(frame, contract(STATUSES), layer="bronze")
    assert in_values(result).failing_rows == 3
    assert shares(result)["PAID"] == pytest.approx(3 / 8)


def test_the_registry_counts_each_value_once_and_only_short_lists():
    counts = ValueCounts(PX, {"s": pl.col("s")})
    assert counts.limit == PX.COUNTED_VALUES
    assert [counts.counts_list(v) for v in ([], ["a"], ["a"] * 9, list("abcdef"), list("abcdefg"))] == [
        False, True, True, True, False]
    assert counts.outside("s", ["a", "b", "a"]) == ("__nonnull__s", ["__eq__s\x1fa", "__eq__s\x1fb"])
    assert counts.equal("s", "a") == "__eq__s\x1fa" and len(counts.aggregates) == 3
    row = pl.DataFrame({"s": ["a", "b", None, "c", "a"]}).select(
        **counts.aggregates).row(0, named=True)
    assert ValueCounts.failing(row, counts.outside("s", ["a", "b"])) == 1  # "c"
    assert Ratio("__eq__s\x1fa", "__nonnull__s").resolve(row) == 0.5
    assert Ratio("__eq__s\x1fa", "zero").resolve({"__eq__s\x1fa": 0, "zero": 0}) is None
    no_counts = ValueCounts(object(), {})  # an engine without COUNTED_VALUES counts itself
    assert no_counts.limit == 0 and not no_counts.counts_list(["a"])
