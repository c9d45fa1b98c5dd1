"""The contract as a pandera `DataFrameSchema` (polars backend).

The gate uses it for silver's schema-level validation (column presence and exact
dtypes, `SCHEMA_ONLY` depth: reads the parquet footers, no data) and it is the schema a
pandera user (or pandera's PySpark backend at Databricks scale) can run as-is.
Data-level checks are left to the one-pass engine: pandera's polars backend evaluates
them check by check, and on a LazyFrame it skips them entirely unless the validation
depth is SCHEMA_AND_DATA (`validate(..., data=True)` below sets it explicitly).
"""

from __future__ import annotations

import warnings

import polars as pl

with warnings.catch_warnings():
    # with pyspark installed (the spark extra), importing pandera imports pyspark.pandas,
    # which warns on pandas 3 although wdguard never uses it: keep the gate's stderr clean
    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
    import pandera.polars as pa
    from pandera.config import ValidationDepth, config_context
    from pandera.errors import SchemaError, SchemaErrors

from wdguard.contracts.model import Contract
from wdguard.contracts.types import polars_dtype


def _checks(column) -> list[pa.Check]:
    checks: list[pa.Check] = []
    values = column.accepted_values or (column.values if column.type == "enum" else None)
    if values:
        checks.append(pa.Check.isin(list(values)))
    if column.min is not None:
        checks.append(pa.Check.ge(column.min))
    if column.max is not None:
        checks.append(pa.Check.le(column.max))
    if column.regex:
        checks.append(pa.Check.str_contains(column.regex))
    return checks


def to_pandera(contract: Contract, *, data_checks: bool = True) -> pa.DataFrameSchema:
    """Top-level columns with silver dtypes; nested Mongo paths are not expressible."""
    columns = {}
    for name, column in contract.columns.items():
        if "." in name or "[]" in name:
            continue
        columns[name] = pa.Column(
            polars_dtype(column),
            nullable=column.nullable,
            unique=column.unique and data_checks,
            checks=_checks(column) if data_checks else None,
            required=True,
        )
    return pa.DataFrameSchema(
        columns,
        unique=list(contract.primary_key) if data_checks and contract.primary_key else None,
        name=contract.contract,
        strict=False,  # extra columns are not this check's business
    )


def validate(
    contract: Contract, frame: pl.LazyFrame | pl.DataFrame, *, data: bool
) -> pl.DataFrame | None:
    """pandera's failure cases (None when valid). `data=True` forces data-level checks."""
    depth = ValidationDepth.SCHEMA_AND_DATA if data else ValidationDepth.SCHEMA_ONLY
    schema = to_pandera(contract, data_checks=data)
    with config_context(validation_depth=depth):
        try:
            schema.validate(frame, lazy=True)
        except SchemaErrors as exc:
            return exc.failure_cases
        except SchemaError as exc:  # pandera raises this for some schema-level problems
            return pl.DataFrame({"column": [None], "check": [str(exc)], "failure_case": [None]})
    return None


def schema_failures(contract: Contract, lf: pl.LazyFrame) -> dict[str, str]:
    """Silver: column -> what pandera found wrong with its presence or dtype."""
    cases = validate(contract, lf, data=False)
    if cases is None:
        return {}
    out: dict[str, str] = {}
    for row in cases.iter_rows(named=True):
        col = row.get("column")
        if row.get("check") == "column_in_dataframe":
            col = row.get("failure_case")  # pandera names the schema, not the column
        if col is None:
            continue
        out.setdefault(str(col), f"pandera: {row.get('check')}: {row.get('failure_case')}")
    return out
