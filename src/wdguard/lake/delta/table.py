"""One date of a Delta table: its live files, counts and commit times, and a lazy scan.

delta-rs lists the snapshot's files of the date (partition pruning on the date partition
column, or every file when the date is a predicate on a data column); the log supplies
what a `_source.json` would: rows per file (`numRecords` statistics), the commits that
wrote the date and their times (freshness). Both engines read the listed files under
the table's current schema (logical names, current types): Polars always (`polars_frame`
says why), Spark unless the Delta jars are present and `format("delta")` reads it.

Delta stores every timestamp with microseconds; the lake's contract type `timestamp` is
milliseconds in parquet, so a Delta scan presents UTC timestamps in milliseconds (the
same values truncated below the millisecond) and both layouts meet the same dtype check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from wdguard.errors import InputError, SourceError
from wdguard.lake.delta.log import (
    AddFile,
    Commit,
    Protocol,
    current_metadata,
    current_protocol,
    read_log,
)
from wdguard.lake.delta.protocol import require_readable
from wdguard.lake.delta.schema import Field
from wdguard.lake.delta.types import polars_type

# partition columns read as "the date" when none is configured, in this order
DATE_COLUMNS = ("snapshot_date", "date", "_date", "dt", "ds")


@dataclass
class DeltaDate:
    """What the gate needs of one date of a Delta table (no data read)."""

    table: str  # path relative to the lake root
    date: str
    date_column: str
    by_partition: bool  # True: a partition value; False: a predicate on a data column
    version: int
    protocol: Protocol
    schema: list[Field]
    files: list[AddFile] = field(default_factory=list)
    commits: list[Commit] = field(default_factory=list)  # those that wrote the live files

    @property
    def row_count(self) -> int | None:
        """Rows of the date from the files' statistics (None: unknown, or a predicate)."""
        if not self.by_partition or any(f.num_records is None for f in self.files):
            return None
        return sum(f.num_records or 0 for f in self.files)

    @property
    def committed_at(self) -> dt.datetime | None:
        """The newest commit time among the commits that wrote the date's live files."""
        times = [c.timestamp for c in self.commits if c.timestamp is not None]
        return max(times) if times else None

    @property
    def landed(self) -> bool:
        """The date was written: it has files, or a commit's metadata says it landed the
        date with no row (Delta has no empty partition; an empty day adds no file)."""
        return bool(self.files) or any(c.date == self.date for c in self.commits)

    @property
    def extracted_at(self) -> dt.datetime | None:
        """When the date's data was extracted: the newest `extracted_at` its commits'
        metadata records, else the newest commit time."""
        stamps = [c.extracted_at for c in self.commits if c.extracted_at is not None]
        return max(stamps) if stamps else self.committed_at

    @property
    def migration_head(self) -> str | None:
        """The newest migration head its commits' metadata records (None: unknown)."""
        heads = [c.migration_head for c in self.commits if c.migration_head]
        return max(heads) if heads else None

    @property
    def physical_names(self) -> dict[str, str]:
        """physical -> logical column name (column mapping); empty without mapping."""
        return {f.physical_name: f.name for f in self.schema if f.physical_name}


def pick_date_column(schema: list[Field], partitions: list[str], configured: str | None,
                     where: str) -> tuple[str, bool]:
    """(date column, is a partition column): the configured one, else a date-named
    partition column, else exit 2 naming the table."""
    names = {f.name for f in schema}
    if configured:
        if configured not in names:
            raise InputError(f"date column {configured!r} is not in the Delta table", where=where)
        return configured, configured in partitions
    for name in DATE_COLUMNS:
        if name in partitions:
            return name, True
    raise InputError(
        "Delta table has no date partition column "
        f"({', '.join(DATE_COLUMNS)}): set date_column in [lake.<layer>] of wdguard.toml",
        where=where,
    )


def delta_options(options: dict[str, Any] | None) -> dict[str, str] | None:
    """The store's object_store options (what Polars gets) as delta-rs takes them: the same
    keys, every value a string."""
    if not options:
        return None
    return {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in options.items()}


def _open(store, table: str):
    from deltalake import DeltaTable

    uri, options = store.scan_target(table)
    options = delta_options(options)
    try:
        return DeltaTable(uri, storage_options=options) if options else DeltaTable(uri)
    except Exception as exc:
        msg = " ".join(str(exc).split())[:300]
        raise SourceError(f"cannot open Delta table: {msg}", where=table) from None


def open_date(store, table: str, date: str, *, reader: str | None = None,
              date_column: str | None = None) -> DeltaDate:
    """The date's snapshot of the Delta table at `table` (no data read). With `reader`,
    a protocol that reader cannot honour is refused here (InputError naming table and
    feature); the scans check it again for the reader that actually reads."""
    where = f"{store.url.rstrip('/')}/{table}"
    commits = read_log(store, table)
    protocol = current_protocol(commits)
    if reader:
        require_readable(protocol, reader, where)
    meta = current_metadata(commits)
    assert meta.schema is not None
    column, by_partition = pick_date_column(meta.schema, meta.partition_columns or [],
                                            date_column, where)
    import pyarrow as pa

    dtab = _open(store, table)
    actions = pa.table(dtab.get_add_actions(flatten=True)).to_pydict()
    key = f"partition.{column}"
    files = []
    for i, path in enumerate(actions["path"]):
        values = {k[len("partition."):]: actions[k][i] for k in actions
                  if k.startswith("partition.")}
        if by_partition and str(actions[key][i]) != date:
            continue
        records = actions.get("num_records", [None] * len(actions["path"]))[i]
        files.append(AddFile(path, values, int(actions["size_bytes"][i]),
                             int(records) if records is not None else None, False))
    live = {f.path for f in files}
    writers = [c for c in commits if any(a.path in live for a in c.adds) or c.date == date]
    return DeltaDate(table, date, column, by_partition, dtab.version(), protocol, meta.schema,
                     files, writers)


def polars_frame(store, part: DeltaDate):
    """A lazy Polars frame of the date's rows, as the table's current schema says: the
    files delta-rs listed (partition pruned), physical columns under their logical names
    (column mapping), a column added after a file was written null in that file, older
    types cast to the current ones; without the date partition column. A column that no
    file of the date holds is left out, as it is from a parquet partition written before
    the column existed (so a column that arrived with a later migration is skipped, and
    one that should be there fails, exactly as for files).

    delta-rs' own pyarrow reader returns nulls for every column of a column-mapped table
    (deltalake 1.6.6, measured), so the files are scanned here, which also keeps a Delta
    date as fast to scan as the same data in plain parquet files."""
    import polars as pl

    require_readable(part.protocol, "polars", f"{store.url.rstrip('/')}/{part.table}")
    fields = [f for f in part.schema if not (part.by_partition and f.name == part.date_column)]
    if not part.files:
        return pl.LazyFrame(schema={f.name: polars_type(f.type) or pl.String for f in fields})
    groups: dict[tuple, list[str]] = {}
    options = None
    try:
        for f in part.files:
            uri, options = store.scan_target(f"{part.table}/{f.path}")
            lf = pl.scan_parquet(uri, storage_options=options) if options else pl.scan_parquet(uri)
            groups.setdefault(tuple(lf.collect_schema().items()), []).append(uri)
        held = {name for schema in groups for name, _ in schema}
        fields = [f for f in fields if (f.physical_name or f.name) in held]
        frames = []
        for schema, uris in groups.items():
            present = dict(schema)
            lf = pl.scan_parquet(uris, storage_options=options) if options else \
                pl.scan_parquet(uris)
            cols = []
            for f in fields:
                phys, want = f.physical_name or f.name, polars_type(f.type)
                if phys not in present:
                    cols.append(pl.lit(None, want or pl.String).alias(f.name))
                elif want is not None and present[phys] != want:
                    cols.append(pl.col(phys).cast(want).alias(f.name))
                else:
                    cols.append(pl.col(phys).alias(f.name))
            frames.append(lf.select(cols))
    except Exception as exc:
        msg = " ".join(str(exc).split())[:300]
        raise SourceError(f"cannot scan Delta table: {msg}", where=part.table) from None
    lf = frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical")
    if not part.by_partition:
        day = dt.date.fromisoformat(part.date)
        lf = lf.filter(pl.col(part.date_column).cast(pl.Date) == day)
    return lf


def spark_frame(spark: Any, store, part: DeltaDate, *, native: bool | None = None):
    """A Spark DataFrame of the date's rows: `format("delta")` when the session has the
    Delta jars (`native`; None: detect), else the snapshot's files as delta-rs lists them,
    physical columns renamed to logical ones (the caller refused deletion vectors)."""
    from pyspark.sql import functions as F

    def col(name: str):  # a name, never a path: `device.os` is one flattened column
        return F.col("`" + name.replace("`", "``") + "`")

    base = store.spark_uri(part.table)
    if native is None:
        native = has_delta_jars(spark)
    if native:
        df = spark.read.format("delta").load(base)
        df = df.filter(col(part.date_column).cast("date") == F.lit(part.date).cast("date"))
        return df.drop(part.date_column) if part.by_partition else df
    require_readable(part.protocol, "spark-files", f"{store.url.rstrip('/')}/{part.table}")
    if not part.files:  # a day that landed no row: its columns, no row
        cols = [f for f in part.schema if not (part.by_partition and f.name == part.date_column)]
        ddl = ", ".join(f"`{f.name.replace('`', '``')}` "
                        f"{f.type if _simple(f.type) else 'string'}" for f in cols)
        return spark.createDataFrame([], ddl)
    # the table's URI plus the file's relative path as the log has it (a file URI of the
    # whole path would percent-encode the `=` of `snapshot_date=...`, which Spark reads
    # literally)
    uris = [f"{base.rstrip('/')}/{f.path}" for f in part.files]
    df = spark.read.option("mergeSchema", "true").parquet(*uris)
    names = part.physical_names
    if names:
        df = df.select([col(c).alias(names.get(c, c)) for c in df.columns])
    # mergeSchema: a column some files lack is null in them; one no file holds is left
    # out (see `polars_frame`)
    wanted = [f.name for f in part.schema if (f.name != part.date_column or not part.by_partition)
              and f.name in df.columns]
    types = {f.name: f.type for f in part.schema}
    # older files keep the type they were written with; Delta reads them as the table's
    # current type (an overwrite that retyped a column), and so does this path
    df = df.select([col(n).cast(types[n]) if _simple(types[n]) else col(n) for n in wanted])
    if not part.by_partition:
        df = df.filter(col(part.date_column).cast("date") == F.lit(part.date).cast("date"))
    return df


def _simple(delta_type: str) -> bool:
    """A primitive Delta type, which Spark's cast understands by the same name."""
    return "<" not in delta_type and "{" not in delta_type


def has_delta_jars(spark: Any) -> bool:
    """True when the session can read `format("delta")` (the Delta jars are loaded)."""
    try:
        spark._jvm.java.lang.Class.forName("org.apache.spark.sql.delta.sources.DeltaDataSource")
        return True
    except Exception:
        return False
