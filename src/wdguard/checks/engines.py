"""The engine seam: what the gate asks of a dataframe engine, and the two engines.

The gate (`gate.py`) decides *what* runs - contracts -> CheckSpecs, completeness from the
manifests, freshness and volume from the counts, the run record and its exit code. An
engine only reads partitions and evaluates specs:

    scan(store, partition)            a lazy frame of the partition's present data files
    empty(contract)                   zero rows of the contract's shape (no data file)
    check_partition(frame, ...)       schema step + ONE pass of row checks + key duplicates
                                      + samples of failing checks (+ quarantine rows)
    check_fk(child, ..., parent, ...) one referential anti-join
    quarantine_parquet(rows)          the failing rows as one parquet object's bytes
    running()                         a context the whole gate runs in (Spark: session conf)

`polars` is the embedded default (one machine, no Java); `spark` runs the same specs
where the lake is processed (Databricks), through `spark_engine.py`.
"""

from __future__ import annotations

import io
import os
import shutil
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from wdguard.checks.engine import PartitionResult
from wdguard.checks.outcome import Outcome
from wdguard.checks.partition import Partition
from wdguard.contracts.model import Contract, ForeignKey
from wdguard.errors import InputError, SourceError

ENGINES = ("polars", "spark")
T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    name: str

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]: ...
    def versions(self) -> dict[str, str]: ...
    def running(self) -> Any: ...
    def scan(self, store, part: Partition) -> Any: ...
    def empty(self, contract: Contract) -> Any: ...
    def check_partition(
        self, frame: Any, contract: Contract, layer: str, *, where: str, sample_keys: int,
        quarantine: bool,
    ) -> PartitionResult: ...
    def check_fk(
        self, child: Contract, child_frame: Any, fk: ForeignKey, parent: Contract | None,
        parent_frame: Any, *, sample_keys: int,
    ) -> Outcome: ...
    def quarantine_parquet(self, rows: Any) -> bytes: ...


class PolarsEngine:
    """Lazy Polars on one machine: streaming scans, one select per partition."""

    name = "polars"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """One partition at a time: each Polars query already uses every core."""
        return [fn(item) for item in items]

    def versions(self) -> dict[str, str]:
        from importlib.metadata import version

        return {"polars": version("polars"), "pandera": version("pandera")}

    @contextmanager
    def running(self) -> Iterator[None]:
        yield

    def scan(self, store, part: Partition):
        from wdguard.lake.formats import scan_polars

        return scan_polars(store, part)

    def empty(self, contract: Contract):
        import polars as pl

        from wdguard.contracts.types import polars_dtype

        return pl.LazyFrame(schema={n: polars_dtype(c) for n, c in _top_level(contract)})

    def check_partition(self, frame, contract, layer, *, where, sample_keys, quarantine):
        from wdguard.checks.engine import check_partition
        from wdguard.checks.pandera_schema import schema_failures

        failures = schema_failures(contract, frame) if layer == "silver" else None
        return check_partition(
            frame, contract, layer, where=where, sample_keys=sample_keys,
            quarantine=quarantine, schema_failures=failures,
        )

    def check_fk(self, child, child_frame, fk, parent, parent_frame, *, sample_keys):
        from wdguard.checks.referential import check_fk

        return check_fk(child, child_frame, fk, parent, parent_frame, sample_keys=sample_keys)

    def quarantine_parquet(self, rows) -> bytes:
        buf = io.BytesIO()
        rows.collect().write_parquet(buf)
        return buf.getvalue()


class SparkEngine:
    """The same specs as Spark jobs on a given (or the active) SparkSession."""

    name = "spark"
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

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
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

    def scan(self, store, part: Partition):
        from wdguard.lake.formats import scan_spark

        return scan_spark(self.spark, store, part)

    def empty(self, contract: Contract):
        from pyspark.sql import types as T

        from wdguard.checks.spark_expressions import spark_type

        schema = T.StructType(
            [T.StructField(n, spark_type(c), True) for n, c in _top_level(contract)]
        )
        return self.spark.createDataFrame([], schema)

    def check_partition(self, frame, contract, layer, *, where, sample_keys, quarantine):
        from wdguard.checks.spark_engine import check_partition

        return check_partition(
            frame, contract, layer, where=where, sample_keys=sample_keys, quarantine=quarantine
        )

    def check_fk(self, child, child_frame, fk, parent, parent_frame, *, sample_keys):
        from wdguard.checks.referential import fk_spec
        from wdguard.checks.spark_engine import check_fk

        return check_fk(
            child, child_frame, fk, parent, parent_frame, sample_keys=sample_keys,
            spec=fk_spec(child, fk),
        )

    def quarantine_parquet(self, rows) -> bytes:
        import pyarrow.parquet as pq

        buf = io.BytesIO()
        pq.write_table(rows.toArrow(), buf)  # the failing rows, collected on the driver
        return buf.getvalue()


def _top_level(contract: Contract):
    return [(n, c) for n, c in contract.columns.items() if "." not in n and "[]" not in n]


def spark_session(master: str | None = None):
    """The active SparkSession (a cluster, a notebook), else a local one on `master`.

    Java or pyspark missing is bad input, named in one line (exit 2)."""
    # pyspark.pandas warns on pandas 3 when pandera or pyspark import it; wdguard never
    # uses it, and a gate's stderr is for the gate's own lines
    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError(
            "the spark engine needs pyspark", where="--engine spark",
            hint="pip install 'wdguard[spark]'",
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    java_home = os.environ.get("JAVA_HOME")
    java = os.path.join(java_home, "bin", "java") if java_home else shutil.which("java")
    if not java or not os.path.exists(java):
        raise InputError(
            "the spark engine needs Java 17 or newer and none was found (JAVA_HOME or java "
            "on PATH)", where="--engine spark",
            hint="apt-get install openjdk-17-jre-headless",
        )
    master = master or "local[*]"
    if master.startswith("local"):
        # a local session binds to loopback, not to whatever the host name resolves to
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    log4j = Path(__file__).with_name("spark_log4j2.properties").as_uri()
    builder = (
        SparkSession.builder.master(master)
        .appName("wdguard")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(max(2, (os.cpu_count() or 2) * 2)))
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log4j}")
    )
    try:
        spark = builder.getOrCreate()
    except Exception as exc:
        first = " ".join(str(exc).split("\n")[0].split())[:300]
        raise SourceError(f"cannot start Spark: {first}", where="--engine spark") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def get_engine(name: str, *, spark=None, spark_master: str | None = None) -> Engine:
    if name == "polars":
        return PolarsEngine()
    if name == "spark":
        return SparkEngine(spark if spark is not None else spark_session(spark_master))
    raise InputError(f"unknown engine {name!r}: use {' or '.join(ENGINES)}", where="--engine")
