"""The metrics table in the lake: one row per (date, layer, object, column, metric).

Two formats, one meaning; each gate run (or backfill) appends its rows and nothing is
ever rewritten, so a re-run adds newer rows and readers take, per (date, layer, object),
the rows of the newest run (run ids are ULIDs: they sort by time).

* **delta** where the lake is Delta: a Delta table at `_wdguard/metrics`, partitioned by
  `date`, one `write_deltalake(mode="append")` commit per run (Databricks SQL:
  `delta.\\`.../_wdguard/metrics\\``, Synapse: `OPENROWSET(... FORMAT = 'DELTA')`);
* **parquet** elsewhere: one create-only object per run,
  `_wdguard/metrics/date=YYYY-MM-DD/{run_id}.parquet` (the Hive folders make the folder
  one table: `parquet.\\`...\\``, `OPENROWSET(... '_wdguard/metrics/date=*/*.parquet')`).

The table's format is fixed by its first write (`table_format`): an existing table keeps
its own; a new one is Delta when a partition the run measured was read from a Delta table
(the `_delta_log` the resolver found, `lake/delta/resolve.py`), else parquet.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from wdguard.errors import InputError, SourceError
from wdguard.lake import layout
from wdguard.lake.delta import is_delta_table

DELTA, PARQUET = "delta", "parquet"

SCHEMA = {
    "date": pl.Date(),
    "layer": pl.String(),
    "contract": pl.String(),
    "object": pl.String(),
    "column": pl.String(),
    "metric": pl.String(),
    "value": pl.Float64(),
    "run_id": pl.String(),
    "engine": pl.String(),
    "computed_at": pl.Datetime("ms", "UTC"),
}


@dataclass(frozen=True)
class MetricRow:
    layer: str
    contract: str
    object: str
    column: str
    metric: str
    value: float | None


def to_frame(date: str, run_id: str, engine: str, rows: list[MetricRow]) -> pl.DataFrame:
    now = datetime.now(UTC)
    return pl.DataFrame(
        {
            "date": [datetime.fromisoformat(date).date()] * len(rows),
            "layer": [r.layer for r in rows],
            "contract": [r.contract for r in rows],
            "object": [r.object for r in rows],
            "column": [r.column for r in rows],
            "metric": [r.metric for r in rows],
            "value": [r.value for r in rows],
            "run_id": [run_id] * len(rows),
            "engine": [engine] * len(rows),
            "computed_at": [now] * len(rows),
        },
        schema=SCHEMA,
    )


def to_parquet(date: str, run_id: str, engine: str, rows: list[MetricRow]) -> bytes:
    buf = io.BytesIO()
    to_frame(date, run_id, engine, rows).write_parquet(buf, statistics=True)
    return buf.getvalue()


def table_format(store, lake_is_delta: bool) -> str:
    """`delta` or `parquet`: the existing table's own format, else the lake's."""
    if is_delta_table(store, layout.METRICS_DIR):
        return DELTA
    if any(name.startswith("date=") for name in store.list_dirs(layout.METRICS_DIR)):
        return PARQUET
    return DELTA if lake_is_delta else PARQUET


def write(
    store, date: str, run_id: str, engine: str, rows: list[MetricRow], *,
    lake_is_delta: bool = False,
) -> str | None:
    """Append one run's metrics (nothing rewritten); where they went, or None for no rows."""
    if not rows:
        return None
    if table_format(store, lake_is_delta) == DELTA:
        return _append_delta(store, to_frame(date, run_id, engine, rows))
    path = layout.metrics_path(date, run_id)
    store.write_bytes(path, to_parquet(date, run_id, engine, rows), overwrite=False)
    return path


def _delta_target(store) -> tuple[str, dict[str, str] | None]:
    """The table's URI and delta-rs options. On ADLS delta-rs commits through abfss://
    (its az:// log store fails the second commit: delta-io/delta-rs#3824); an emulator
    has no abfss:// twin and keeps az://."""
    from wdguard.lake.delta.table import delta_options

    uri, options = store.scan_target(layout.METRICS_DIR)
    if uri.startswith("az://"):
        with contextlib.suppress(InputError):
            uri = store.spark_uri(layout.METRICS_DIR)
    return uri, delta_options(options)


def _append_delta(store, frame: pl.DataFrame) -> str:
    from deltalake import write_deltalake

    uri, options = _delta_target(store)
    # Delta keeps timestamps in microseconds; the values are the same
    data = frame.with_columns(pl.col("computed_at").dt.cast_time_unit("us")).to_arrow()
    try:
        write_deltalake(uri, data, mode="append", partition_by=["date"],
                        storage_options=options)
    except Exception as exc:  # delta-rs errors are not OSErrors: one recorded line
        msg = " ".join(str(exc).split())[:300]
        raise SourceError(f"cannot append to the Delta table: {msg}",
                          where=layout.METRICS_DIR) from None
    return layout.METRICS_DIR


Values = dict[tuple[str, str], float | None]  # (column, metric) -> value
_COLS = ["layer", "object", "column", "metric", "value", "run_id"]


def _newest(df: pl.DataFrame) -> dict[tuple[str, str], Values]:
    """(layer, object) -> its metrics, from the newest run that measured it."""
    if df.is_empty():
        return {}
    newest = df.group_by("layer", "object").agg(pl.col("run_id").max().alias("newest"))
    df = df.join(newest, on=["layer", "object"]).filter(pl.col("run_id") == pl.col("newest"))
    out: dict[tuple[str, str], Values] = {}
    for layer, obj, col, metric, value, *_ in df.select(_COLS).iter_rows():
        out.setdefault((layer, obj), {})[(col, metric)] = value
    return out


class ParquetMetrics:
    """The parquet table: one folder per date, one object per run."""

    def __init__(self, store):
        self.store = store

    def dates(self) -> list[str]:
        out = []
        for name in self.store.list_dirs(layout.METRICS_DIR):
            if name.startswith("date="):
                try:
                    out.append(layout.date_str(name[5:]))
                except Exception:  # a stray folder is not a date of the table
                    continue
        return sorted(out)

    def read_date(self, date: str) -> dict[tuple[str, str], Values]:
        """An unreadable object only loses that run's points (the history is best effort)."""
        frames = []
        for path in self.store.list(layout.metrics_dir(date)):
            if not path.endswith(".parquet"):
                continue
            try:
                frames.append(pl.read_parquet(io.BytesIO(self.store.read_bytes(path))))
            except Exception:
                continue
        if not frames:
            return {}
        return _newest(pl.concat([f.select(_COLS) for f in frames], how="vertical_relaxed"))


class DeltaMetrics:
    """The Delta table, read once through its log (a year of a lake is ~10^5 rows)."""

    def __init__(self, store):
        self.store = store
        self._by_date: dict[str, pl.DataFrame] | None = None

    def _load(self) -> dict[str, pl.DataFrame]:
        if self._by_date is None:
            from deltalake import DeltaTable

            uri, options = _delta_target(self.store)
            dt = DeltaTable(uri, storage_options=options) if options else DeltaTable(uri)
            df = pl.from_arrow(dt.to_pyarrow_table(columns=["date", *_COLS]))
            self._by_date = {
                d.isoformat(): part.drop("date")
                for (d,), part in df.partition_by("date", as_dict=True).items()
            }
        return self._by_date

    def dates(self) -> list[str]:
        return sorted(self._load())

    def read_date(self, date: str) -> dict[tuple[str, str], Values]:
        part = self._load().get(date)
        return {} if part is None else _newest(part)


def open_table(store) -> ParquetMetrics | DeltaMetrics:
    """The metrics table as it is in the lake (Delta where it has a log, else parquet)."""
    delta = is_delta_table(store, layout.METRICS_DIR)
    return DeltaMetrics(store) if delta else ParquetMetrics(store)


def dates(store) -> list[str]:
    """The dates the table holds metrics for, oldest first."""
    return open_table(store).dates()


def read_date(store, date: str) -> dict[tuple[str, str], Values]:
    """(layer, object) -> its metrics on `date`, from the newest run that measured it."""
    return open_table(store).read_date(date)


class History:
    """The metrics table's past values, read lazily and cached for one gate run."""

    def __init__(self, store, day: str):
        self.store = store
        self.day = day
        self._table: ParquetMetrics | DeltaMetrics | None = None
        self._dates: list[str] | None = None
        self._cache: dict[str, dict[tuple[str, str], Values]] = {}

    @property
    def known(self) -> list[str]:
        """Dates with metrics strictly before the run's date."""
        if self._dates is None:
            try:
                self._table = open_table(self.store)
                self._dates = [d for d in self._table.dates() if d < self.day]
            except Exception:
                self._dates = []
        return self._dates

    def on(self, date: str, layer: str, obj: str) -> Values:
        if date not in self._cache:
            known = self.known
            self._cache[date] = self._read(date) if date in known else {}
        return self._cache[date].get((layer, obj), {})

    def _read(self, date: str) -> dict[tuple[str, str], Values]:
        try:
            return self._table.read_date(date) if self._table is not None else {}
        except Exception:  # an unreadable table costs the history, not the run
            return {}
