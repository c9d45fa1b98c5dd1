"""Reading a resolved partition's data files: every format, both engines, in one place.

A partition holds files of ONE format: parquet, JSON lines or CSV with a header. The
format is declared in `[lake]` or read from the file names (`*.parquet`, `*.json`/
`*.jsonl`/`*.ndjson`, `*.csv`/`*.txt`; a file without an extension is of the declared
format, as Hadoop writes them). Two formats in one partition is bad input.

Text formats are read as text: CSV columns are strings, JSON values are strings inside
whatever objects and arrays they sit in (Spark's `primitivesAsString`), so the contract's
types decide every cast, exactly as for bronze text in parquet, and both engines see the
same types. Hive folder values (`ingest_date=2026-11-26/`) become columns where the
contract declares a column of that name and the files lack it, cast to its type.

`scan_polars` and `scan_spark` are the only readers; the engines' `scan` hooks call them.
polars, pyarrow and pyspark (and `contracts.types`, which imports polars) are imported in
the functions that read with them, only to keep them out of a listing-only import
(`resolve.py` needs `classify`): no import circle hides behind them.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from wdguard.errors import InputError, SourceError
from wdguard.lake.delta.table import polars_frame, spark_frame

if TYPE_CHECKING:
    from wdguard.lake.partition import ResolvedPartition

_EXTENSIONS = {
    ".parquet": "parquet", ".parq": "parquet", ".pq": "parquet",
    ".json": "jsonl", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv", ".txt": "csv",
}  # fmt: skip
_COMPRESSED = (".gz", ".bz2", ".zst", ".zstd", ".lz4", ".deflate", ".snappy")
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"


def file_format(name: str) -> str | None:
    """The format a data file's name says, None when it has no extension, "?" when the
    extension is of no data format wdguard reads (the file is ignored and shown by
    `lake inspect`)."""
    base = name.rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem:
        return None
    ext = "." + ext.lower()
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    if ext in _COMPRESSED and "." + stem.rsplit(".", 1)[-1].lower() in _EXTENSIONS:
        return "compressed"
    return "?"


def classify(
    files: list[str], declared: str | None, where: str
) -> tuple[str, list[str], list[str]]:
    """(format, data files, ignored files) of a partition's non-side files.

    InputError (one line, naming the partition) for two formats in one partition, files
    of another format than the declared one, or compressed text."""
    kinds = {f: file_format(f) for f in files}
    packed = [f for f, k in kinds.items() if k == "compressed"]
    if packed:
        raise InputError(
            f"compressed text data file(s) not supported: {', '.join(packed[:3])}",
            where=where,
            hint="land JSON lines and CSV uncompressed, or as parquet",
        )
    by_format: dict[str, list[str]] = defaultdict(list)
    for f, k in kinds.items():
        if k not in (None, "?"):
            by_format[k].append(f)
    if len(by_format) > 1:
        seen = ", ".join(f"{fs[0]} ({k})" for k, fs in sorted(by_format.items()))
        raise InputError(f"data files of two formats in one partition: {seen}", where=where)
    found = next(iter(by_format), None)
    if declared and found and found != declared:
        raise InputError(
            f"[lake] says format {declared} but the data files are {found}: {by_format[found][0]}",
            where=where,
        )
    fmt = declared or found or "parquet"
    data = [f for f, k in kinds.items() if k == fmt or k is None]
    ignored = [f for f, k in kinds.items() if k == "?"]
    return fmt, data, ignored


def hive_values(path: str) -> dict[str, str | None]:
    """`key=value` folder segments of a path (URL-unquoted, Hive's null as None)."""
    out: dict[str, str | None] = {}
    for seg in path.split("/")[:-1]:
        key, eq, value = seg.partition("=")
        if eq and key:
            text = unquote(value)
            out[key] = None if text == HIVE_NULL else text
    return out


def hive_value(column, text: str | None):
    """A Hive folder value as the contract column's Python value (None when it does not
    parse: the column's checks then see a null, on both engines alike)."""
    if text is None:
        return None
    kind = column.type
    try:
        if kind == "date":
            return dt.date.fromisoformat(text)
        if kind == "timestamp":
            value = dt.datetime.fromisoformat(text)  # Python 3.11+ reads a "Z" itself
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        if kind in ("integer", "bigint"):
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "decimal":
            return Decimal(text)
        if kind == "boolean":
            return {"true": True, "false": False}.get(text.lower())
    except (ValueError, InvalidOperation):
        return None
    return text


def _groups(part: ResolvedPartition) -> list[tuple[dict[str, str | None], list[str]]]:
    """The data files grouped by the Hive values of the contract's columns (one group
    when the layout has no Hive folders, or none the contract declares)."""
    declared = set(part.contract.columns) if part.contract is not None else set()
    groups: dict[tuple, list[str]] = defaultdict(list)
    for f in part.data_files:
        values = hive_values(f"{part.path}/{f}")
        key = tuple(sorted((k, v) for k, v in values.items() if k in declared))
        groups[key].append(f)
    return [(dict(k), fs) for k, fs in groups.items()]


def _fail(exc: Exception, where: str) -> SourceError:
    text = getattr(exc, "getMessage", lambda: str(exc))()  # Spark: without the JVM trace
    msg = " ".join(str(text).split("\n")[0].split())[:300]
    return SourceError(f"cannot scan partition: {msg}", where=where)


# --------------------------------------------------------------------------- Polars
def _text_dtype(dtype):
    import polars as pl

    if isinstance(dtype, pl.Struct):
        return pl.Struct([pl.Field(f.name, _text_dtype(f.dtype)) for f in dtype.fields])
    if isinstance(dtype, pl.List | pl.Array):
        return pl.List(_text_dtype(dtype.inner))
    return pl.String()


def _polars_group(store, part: ResolvedPartition, files: list[str], values: dict):
    import polars as pl

    from wdguard.contracts.types import polars_dtype

    targets = [store.scan_target(f"{part.path}/{f}") for f in files]
    uris, options = [t[0] for t in targets], targets[0][1]
    kw: dict[str, Any] = {"storage_options": options} if options else {}
    if part.format == "parquet":
        lf = _utc_instants(pl.scan_parquet(uris, hive_partitioning=False, **kw), part, uris[0])
    elif part.format == "csv":
        lf = pl.scan_csv(uris, infer_schema=False, **kw)
    else:  # JSON lines: infer the shape over every line, then read every value as text
        shape = pl.scan_ndjson(uris, infer_schema_length=None, **kw).collect_schema()
        text = {name: _text_dtype(dtype) for name, dtype in shape.items()}
        lf = pl.scan_ndjson(uris, schema=text, **kw)
    if values and part.contract is not None:
        have = set(lf.collect_schema().names())
        cols = part.contract.columns
        lf = lf.with_columns(
            pl.lit(hive_value(cols[k], v), dtype=polars_dtype(cols[k])).alias(k)
            for k, v in values.items()
            if k not in have
        )
    return lf


def _int96(uri: str) -> set[str]:
    """Columns stored as INT96 (Spark's default timestamps: UTC instants that Polars
    reads as naive nanoseconds). Local files only; elsewhere none are known."""
    if not os.path.exists(uri):
        return set()
    import pyarrow.parquet as pq

    schema = pq.ParquetFile(uri).schema
    return {
        schema.column(i).name
        for i in range(len(schema))
        if schema.column(i).physical_type == "INT96"
    }


def _utc_instants(lf, part: ResolvedPartition, first_uri: str):
    """A contract timestamp written as a UTC instant of another unit (Spark writes
    microseconds or INT96) is the same value: read it in the contract's dtype, as Spark
    sees `timestamp` whatever its unit. Naive wall-clock times are left as they are."""
    import polars as pl

    from wdguard.contracts.types import polars_dtype

    if part.contract is None:
        return lf
    schema = lf.collect_schema()
    stamps = {
        n: polars_dtype(c)
        for n, c in part.contract.columns.items()
        if c.type == "timestamp" and isinstance(schema.get(n), pl.Datetime)
    }
    if not stamps:
        return lf
    int96 = _int96(first_uri) if any(schema[n].time_zone is None for n in stamps) else set()
    fixes = []
    for name, want in stamps.items():
        have = schema[name]
        if have == want:
            continue
        if have.time_zone is not None:
            fixes.append(
                pl.col(name)
                .dt.convert_time_zone("UTC")
                .dt.cast_time_unit(want.time_unit)
                .alias(name)
            )
        elif name in int96:
            fixes.append(
                pl.col(name)
                .dt.replace_time_zone("UTC")
                .dt.cast_time_unit(want.time_unit)
                .alias(name)
            )
    return lf.with_columns(fixes) if fixes else lf


def scan_polars(store, part: ResolvedPartition):
    """A lazy Polars frame of the partition's data files as they are present."""
    import polars as pl

    if part.format == "table":
        from wdguard.lake.catalog import refusal

        raise refusal(part.path)
    if part.format == "delta":
        return polars_frame(store, part.predicate)
    if not part.data_files:
        return pl.LazyFrame()
    try:
        frames = [_polars_group(store, part, fs, values) for values, fs in _groups(part)]
        if len(frames) == 1:
            return frames[0]
        return pl.concat(frames, how="diagonal_relaxed")
    except Exception as exc:
        raise _fail(exc, part.path) from None


# --------------------------------------------------------------------------- Spark
def _spark_group(spark, store, part: ResolvedPartition, files: list[str], values: dict):
    from pyspark.sql import functions as F

    from wdguard.contracts.spark_types import spark_type

    uris = [store.spark_uri(f"{part.path}/{f}") for f in files]
    if part.format == "parquet":
        df = spark.read.parquet(*uris)
    elif part.format == "csv":
        df = spark.read.options(header="true", mode="FAILFAST").csv(uris)
    else:
        df = spark.read.options(primitivesAsString="true", mode="FAILFAST").json(uris)
    if values and part.contract is not None:
        cols = part.contract.columns
        for k, v in values.items():
            if k not in df.columns:
                df = df.withColumn(k, F.lit(hive_value(cols[k], v)).cast(spark_type(cols[k])))
    return df


def scan_spark(spark, store, part: ResolvedPartition):
    """A Spark DataFrame of the partition's data files (`spark.read.parquet/json/csv`)."""
    if part.format == "table":
        from wdguard.lake.catalog import spark_frame as table_frame

        return table_frame(spark, part.predicate)
    if part.format == "delta":
        return spark_frame(spark, store, part.predicate)
    try:
        frames = [_spark_group(spark, store, part, fs, values) for values, fs in _groups(part)]
        return functools.reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)
    except Exception as exc:
        raise _fail(exc, part.path) from None
