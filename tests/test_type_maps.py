"""The type tables, checked without a JVM or a lake: every logical type's Spark type names
the same storage as its Polars dtype (`contracts.spark_types` vs `contracts.types`), and
Delta's type names read back to the Polars dtypes they were written from
(`lake.delta.types`). pyspark's types are plain Python: no session is started."""

from __future__ import annotations

import polars as pl
import pytest

pytest.importorskip("pyspark")

from pyspark.sql import types as T  # noqa: E402

from wdguard.contracts.model import Column  # noqa: E402
from wdguard.contracts.spark_types import spark_type  # noqa: E402
from wdguard.contracts.types import _STORED, polars_dtype  # noqa: E402
from wdguard.lake.delta.types import delta_type_of, polars_type  # noqa: E402

# how Spark's own Arrow conversion names each Polars dtype (written out here, not derived)
_SPARK_OF_POLARS = {
    pl.String(): "string", pl.Int32(): "int", pl.Int64(): "bigint", pl.Float64(): "double",
    pl.Boolean(): "boolean", pl.Date(): "date", pl.Datetime("ms", "UTC"): "timestamp",
    pl.Binary(): "binary",
}  # fmt: skip


def _spark_name(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return f"decimal({dtype.precision},{dtype.scale})"
    if isinstance(dtype, pl.List):
        return f"array<{_spark_name(dtype.inner)}>"
    return _SPARK_OF_POLARS[dtype]


def _columns() -> list[Column]:
    plain = [Column.model_construct(type=t) for t in _STORED]
    return [
        *plain,
        Column.model_construct(type="decimal", precision=12, scale=2),
        Column.model_construct(type="decimal", precision=None, scale=None),  # 38, 0
        Column.model_construct(type="decimal", precision=65, scale=30),  # too wide: text
        Column.model_construct(type="decimal", precision=38, scale=None),
        *[Column.model_construct(type="list", items=t) for t in ("bigint", "string", "float")],
        Column.model_construct(type="list", items=None),  # a list of text
    ]


@pytest.mark.parametrize("column", _columns(), ids=lambda c: f"{c.type}-{c.items or c.precision}")
def test_spark_and_polars_store_every_logical_type_alike(column):
    assert spark_type(column).simpleString() == _spark_name(polars_dtype(column))


def test_spark_types_are_spark_objects_of_the_right_class():
    assert isinstance(spark_type(Column.model_construct(type="timestamp")), T.TimestampType)
    money = spark_type(Column.model_construct(type="decimal", precision=12, scale=2))
    assert isinstance(money, T.DecimalType) and (money.precision, money.scale) == (12, 2)
    tags = spark_type(Column.model_construct(type="list", items="integer"))
    assert isinstance(tags, T.ArrayType) and isinstance(tags.elementType, T.IntegerType)


_DELTA = ["byte", "short", "integer", "long", "float", "double", "string", "boolean", "date",
          "binary", "timestamp", "timestamp_ntz", "decimal(12,3)", "decimal(38,0)"]  # fmt: skip


@pytest.mark.parametrize("name", _DELTA)
def test_delta_type_names_read_back_to_themselves(name):
    dtype = polars_type(name)
    assert dtype is not None and delta_type_of(dtype) == name


def test_delta_types_the_lake_holds_and_those_it_leaves_as_read():
    assert polars_type("timestamp") == pl.Datetime("ms", "UTC")  # the lake's instants
    assert polars_type("timestamp_ntz") == pl.Datetime("us")
    assert polars_type("decimal(12, 3)") == pl.Decimal(12, 3)  # Delta writes a space
    assert polars_type("long") == pl.Int64() and polars_type("float") == pl.Float32()
    for nested in ("array<long>", "struct<a:int>", "map<string,long>", "decimal(12)", "void"):
        assert polars_type(nested) is None
    assert delta_type_of(pl.List(pl.Int64())) == "array<long>"
    assert delta_type_of(pl.List(pl.List(pl.String()))) == "array<array<string>>"
    assert delta_type_of(pl.Datetime("us", "Europe/Paris")) == "timestamp"
    assert delta_type_of(pl.Datetime("ns")) == "timestamp_ntz"
    assert delta_type_of(pl.Decimal(20, 4)) == "decimal(20,4)"
    assert delta_type_of(pl.UInt8()) == "UInt8"  # no Delta name: Polars' own
