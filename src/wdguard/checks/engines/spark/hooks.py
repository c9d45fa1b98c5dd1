"""The Spark engine: the plan's hooks as Spark jobs on a given (or the active) session.

Jobs per partition (counted by the benchmark through a job group):
1. the schema from the parquet footers (Spark may run one small job to read them);
2. ONE aggregation job: every named aggregate of the plan (`count_if(fails)` per row
   check, the row count, the max timestamps) - partial aggregates per task, one small
   final merge;
3. ONE more job for every duplicate-key check of the partition: a single integer key by
   exact bitmap counting, any other key by a native group-by, unioned into one collect;
4. one small job per *failing* check for its sample keys and offending values.
Foreign keys are one left-anti join each (`orphans`), plus one job for their samples.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import reduce
from typing import Any, TypeVar

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from wdguard.checks.engines.base import EngineBase
from wdguard.checks.engines.spark import expressions as S
from wdguard.checks.partition import Partition
from wdguard.contracts.model import Contract

T_ = TypeVar("T_")
R = TypeVar("R")


class SparkEngine(EngineBase):
    """The same specs as Spark jobs on a given (or the active) SparkSession."""

    name = "spark"
    x = S
    # what the gate needs of the session while it runs; restored afterwards, so a shared
    # notebook session is left as it was
    CONF = {
        "spark.sql.session.timeZone": "UTC",  # naive bronze timestamps are UTC wall clock
        "spark.sql.ansi.enabled": "false",  # a rule dividing by zero is NULL, not an abort
        "spark.sql.caseSensitive": "true",  # `Status` is not the contract's `status`
        "spark.sql.adaptive.enabled": "false",  # one job per aggregation, not one per stage
    }

    def __init__(self, spark, *, concurrency: int = 4) -> None:
        self.spark = spark
        self.concurrency = concurrency

    def map(self, fn: Callable[[T_], R], items: Sequence[T_]) -> list[R]:
        """Up to `concurrency` partitions (or foreign keys) at once: a small partition
        leaves a cluster mostly idle while the driver plans its jobs, so several are
        submitted together. The threads inherit the caller's job group and local
        properties (`InheritableThread`); results come back in the order of `items`."""
        if self.concurrency <= 1 or len(items) <= 1:
            return [fn(item) for item in items]
        from pyspark import InheritableThread

        results: list[Any] = [None] * len(items)
        errors: list[BaseException] = []
        lock = threading.Lock()
        pending = list(enumerate(items))

        def work() -> None:
            while True:
                with lock:
                    if not pending or errors:
                        return
                    i, item = pending.pop(0)
                try:
                    results[i] = fn(item)
                except BaseException as exc:  # re-raised in the caller (e.g. lake gone)
                    with lock:
                        errors.append(exc)

        threads = [InheritableThread(target=work) for _ in range(min(self.concurrency, len(items)))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return results

    def versions(self) -> dict[str, str]:
        import pyspark

        return {"spark": self.spark.version, "pyspark": pyspark.__version__}

    @contextmanager
    def running(self) -> Iterator[None]:
        conf = self.spark.conf
        saved = {k: conf.get(k, None) for k in self.CONF}
        for key, value in self.CONF.items():
            conf.set(key, value)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    conf.unset(key)
                else:
                    conf.set(key, value)

    def scan(self, store, part: Partition) -> DataFrame:
        from wdguard.lake.formats import scan_spark

        return scan_spark(self.spark, store, part)

    def empty(self, contract: Contract) -> DataFrame:
        schema = T.StructType(
            [T.StructField(n, S.spark_type(c), True) for n, c in self.top_level(contract)]
        )
        return self.spark.createDataFrame([], schema)

    def schema(self, frame: DataFrame) -> dict[str, T.DataType]:
        return {f.name: f.dataType for f in frame.schema.fields}

    def with_columns(self, frame: DataFrame, columns: dict[str, Column]) -> DataFrame:
        return frame.withColumns(columns)

    def aggregate(self, frame: DataFrame, aggregates: dict[str, Column]) -> dict[str, Any]:
        """Every named aggregate in ONE job."""
        return frame.agg(*[e.alias(n) for n, e in aggregates.items()]).collect()[0].asDict()

    def key_duplicates(self, frame, typed, key_checks, types):
        """Every key's duplicate count in ONE job; no row handle (rows are found again,
        for samples, only when a key check fails)."""
        found = _duplicates(frame, typed, key_checks, types)
        return {i: (found.get(i, 0), None) for i in key_checks}

    def duplicate_rows(self, frame, typed, cols: list[str], handle) -> DataFrame:
        return _duplicate_rows(frame, typed, cols)

    def duplicated_flag(self, typed, cols: list[str]) -> Column:
        return _is_duplicated(typed, cols)

    def first_rows(
        self, frame: DataFrame, where: Column, columns: dict[str, Column], limit: int
    ) -> list[dict[str, Any]]:
        """Up to `limit` rows matching `where`, in one small job (samples of a failing
        check)."""
        picked = frame.where(where).select(*[e.alias(n) for n, e in columns.items()])
        return [r.asDict() for r in _first_rows(picked, limit)]

    def orphans(
        self, child: DataFrame, child_keys: list[Column], pk: list[str],
        parent: DataFrame, parent_keys: list[Column], n: int,
    ) -> tuple[int, list[dict[str, Any]]]:  # fmt: skip
        """Child keys with no parent: one left-anti join (plus one small job for samples)."""
        keys = [f"k{i}" for i in range(len(child_keys))]
        kids = child.select(*[e.alias(k) for e, k in zip(child_keys, keys, strict=True)],
                            *[S.col(c) for c in pk]).dropna(subset=keys)  # fmt: skip
        parents = parent.select(*[e.alias(k) for e, k in zip(parent_keys, keys, strict=True)])
        orphans = kids.join(parents.distinct(), on=keys, how="left_anti")
        failing = orphans.count()
        rows = _first_rows(orphans, n) if failing and n > 0 else []
        return failing, [r.asDict() for r in rows]

    def quarantine_rows(self, frame: DataFrame, reasons, raw) -> DataFrame:
        """Failing rows in their raw form, with the labels of the checks they fail."""
        labels = F.array(*[F.when(f, F.lit(label)) for label, f in reasons])
        return (
            frame.withColumn("_wdguard_reasons", F.filter(labels, lambda x: x.isNotNull()))
            .where(F.size("_wdguard_reasons") > 0)
            .select(*[e.alias(n) for n, e in raw], "_wdguard_reasons")
        )

    def quarantine_parquet(self, rows: DataFrame) -> bytes:
        import pyarrow.parquet as pq

        buf = io.BytesIO()
        pq.write_table(rows.toArrow(), buf)  # the failing rows, collected on the driver
        return buf.getvalue()

    def short(self, exc: Exception) -> str:
        return short(exc)


def short(exc: Exception) -> str:
    """One line for a Spark failure. A Py4J error's first line only says which Java call
    failed ("An error occurred while calling o10733.collectToPython."): the Java exception
    after it and its root cause ("Caused by: java.io.EOFException: ...") say what."""
    text = str(getattr(exc, "getMessage", lambda: str(exc))())
    lines = [x.strip() for x in text.split("\n") if x.strip() and not x.startswith("\t")]
    if len(lines) > 1 and lines[0].startswith("An error occurred while calling"):
        lines = [x.removeprefix(": ") for x in lines[1:]]
    first = " ".join(lines[0].split()) if lines else text
    causes = [x.removeprefix("Caused by: ") for x in lines if x.startswith("Caused by: ")]
    if causes and causes[-1] not in first:
        return f"{first[:240]} (caused by {' '.join(causes[-1].split())[:120]})"
    return first[:300]


def _key_text(typed: dict[str, Column], cols: list[str]) -> Column:
    """One exact, comparable text per key value; null when any key column is null (SQL
    UNIQUE semantics, like the Polars engine)."""
    present = F.lit(True)
    for c in cols:
        present = present & typed[c].isNotNull()
    return F.when(present, F.to_json(F.struct(*[typed[c].alias(c) for c in cols])))


_INTEGRAL = (T.LongType, T.IntegerType, T.ShortType, T.ByteType)


def _duplicates(
    df: DataFrame,
    typed: dict[str, Column],
    key_checks: dict[int, list[str]],
    types: dict[str, T.DataType],
) -> dict[int, int]:
    """spec index -> rows beyond the first of each repeated key, for every key in ONE job (the
    per-key one-row results unioned and collected together). Rows with a null key are
    left out (SQL UNIQUE).

    A single integer key is counted as rows - exact distinct values with Spark's bitmap
    aggregates: grouped by 32,768-value bucket, so the shuffle carries a few hundred
    bitmaps instead of every key. Other keys: a native group-by, counted > 1."""
    counts = []
    for i, cols in key_checks.items():
        keys = [typed[c].alias(f"k{j}") for j, c in enumerate(cols)]
        present = F.lit(True)
        for j in range(len(cols)):
            present = present & F.col(f"k{j}").isNotNull()
        rows = df.select(*keys).where(present)
        if len(cols) == 1 and isinstance(types[cols[0]], _INTEGRAL):
            k = F.col("k0").cast("long")
            extra = (
                rows.groupBy(F.bitmap_bucket_number(k).alias("bucket"))
                .agg(
                    F.count(F.lit(1)).alias("n"),
                    F.bitmap_construct_agg(F.bitmap_bit_position(k)).alias("seen"),
                )
                .agg((F.sum("n") - F.sum(F.bitmap_count("seen"))).alias("extra"))
            )
        else:
            extra = (
                rows.groupBy(*[f"k{j}" for j in range(len(cols))])
                .count()
                .where(F.col("count") > 1)
                .agg(F.sum(F.col("count") - 1).alias("extra"))
            )
        counts.append(extra.select(F.lit(i).alias("k"), "extra"))
    found = reduce(lambda a, b: a.unionByName(b), counts).collect()
    return {int(r["k"]): int(r["extra"] or 0) for r in found}


def _repeated_keys(df: DataFrame, typed: dict[str, Column], cols: list[str]) -> DataFrame:
    key = _key_text(typed, cols).alias("__key")
    return df.select(key).where("__key IS NOT NULL").groupBy("__key").count().where("count > 1")


def _duplicate_rows(df: DataFrame, typed: dict[str, Column], cols: list[str]) -> DataFrame:
    """The rows whose key repeats (for samples)."""
    repeated = _repeated_keys(df, typed, cols).select("__key")
    keyed = df.withColumn("__key", _key_text(typed, cols))
    return keyed.join(repeated, on="__key", how="left_semi").drop("__key")


def _is_duplicated(typed: dict[str, Column], cols: list[str]) -> Column:
    """Row-level flag for quarantine: a window count over the key (only computed when the
    key check failed and quarantine was asked)."""
    from pyspark.sql import Window

    key = _key_text(typed, cols)
    return key.isNotNull() & (F.count(F.lit(1)).over(Window.partitionBy(key)) > 1)


def _first_rows(df: DataFrame, n: int) -> list:
    """Up to n rows in ONE job. `limit(n).collect()` scans partition after partition in
    as many jobs until it has n rows; a limit under an aggregate is one job
    (local limits per task, one global limit)."""
    names = df.columns
    packed = df.limit(n).agg(F.collect_list(F.struct(*[S.col(c) for c in names])).alias("r"))
    return packed.collect()[0]["r"]

