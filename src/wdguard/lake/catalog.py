"""A contract's layer as a catalog table, read by name on Spark: `table = "main.silver.{object}"`.

On Databricks with Unity Catalog, silver is often known by its three-part name
(`catalog.schema.table`) and not by a path at all. With `table` in `[lake.<layer>]` (or
`[lake.<layer>.contracts.<name>]`) and `date_column`, a date's partition is
`spark.table(name)` filtered on `date_column = date` (the column dropped, as a partition
column of a folder is). The table is whatever the session's catalog says it is (Delta,
parquet, a view): Spark reads it, so its format and protocol are Spark's business.

What a name cannot give: files and a manifest (the completeness checks are skipped with
the reason), past dates for the volume baseline's fallback (run records still give it),
and Polars: Polars reads storage, not a catalog, so the gate on Polars refuses such a
layout in one line (exit 2) before it checks anything; `lake inspect` (Polars) names the
same reason per partition; `drift lake` leaves catalog tables out and says how many.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

from wdguard.errors import InputError, SourceError

FORMAT = "table"
PLACEHOLDERS = ("layer", "source", "object")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")


def check_name(text: str, where: str) -> str:
    """A table name template: one to three dot-separated identifiers, placeholders
    {layer}, {source}, {object} only (a catalog table holds every date)."""
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise InputError(f"table {text!r}: {exc}", where=where) from None
    unknown = sorted(n for n in names if n not in PLACEHOLDERS)
    if unknown:
        raise InputError(
            f"table {text!r} names unknown placeholder(s) "
            f"{', '.join('{' + n + '}' for n in unknown)}: use {{layer}}, {{source}}, "
            "{object} (the date is a predicate on date_column)",
            where=where,
        )
    sample = text.format(**dict.fromkeys(PLACEHOLDERS, "x"))
    if not _NAME.match(sample):
        raise InputError(
            f"table {text!r} is not a catalog name: use catalog.schema.table (or "
            "schema.table), letters, digits and _",
            where=where,
        )
    return text


@dataclass(frozen=True)
class CatalogDate:
    """One date of a catalog table: what the Spark scan reads."""

    name: str
    date: str
    date_column: str


def refusal(name: str) -> InputError:
    return InputError(
        f"{name} is a catalog table: the polars engine reads storage, not a catalog; "
        "run with --engine spark",
        where="[lake] table",
    )


def require_engine(engine: str, parts) -> None:
    """The gate's refusal, before any check: a catalog table on an engine that cannot
    read one."""
    if engine == "spark":
        return
    names = sorted({p.path for p in parts if p.format == FORMAT})
    if names:
        raise refusal(names[0])


def spark_frame(spark: Any, day: CatalogDate):
    """The date's rows of the table: `spark.table(name)` where `date_column = date`."""
    from pyspark.sql import functions as F


    col = F.col("`" + day.date_column.replace("`", "``") + "`")
    try:
        df = spark.table(day.name)
    except Exception as exc:
        first = " ".join(str(exc).split("\n")[0].split())[:300]
        raise SourceError(f"cannot read catalog table: {first}", where=day.name) from None
    if day.date_column not in df.columns:
        raise InputError(f"date column {day.date_column!r} is not in the table",
                         where=day.name)
    return df.filter(col.cast("date") == F.lit(day.date).cast("date")).drop(day.date_column)
