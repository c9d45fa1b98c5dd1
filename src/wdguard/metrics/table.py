"""The metrics table in the lake: one row per (date, layer, object, column, metric).

Each gate run (or backfill) appends ONE create-only parquet object,
`_wdguard/metrics/date=YYYY-MM-DD/{run_id}.parquet`; nothing is ever rewritten, so a
re-run adds a newer object and readers take, per (date, layer, object), the rows of the
newest run (run ids are ULIDs: they sort by time). The Hive-style folders make the
whole folder one table for Spark, Databricks SQL (`parquet.\\`.../_wdguard/metrics\\``)
and Synapse serverless (`OPENROWSET(... '_wdguard/metrics/date=*/*.parquet')`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from wdguard.lake import layout

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


def to_parquet(date: str, run_id: str, engine: str, rows: list[MetricRow]) -> bytes:
    now = datetime.now(UTC)
    frame = pl.DataFrame(
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
    buf = io.BytesIO()
    frame.write_parquet(buf, statistics=True)
    return buf.getvalue()


def write(store, date: str, run_id: str, engine: str, rows: list[MetricRow]) -> str | None:
    """Append one run's metrics (create-only); the path written, or None for no rows."""
    if not rows:
        return None
    path = layout.metrics_path(date, run_id)
    store.write_bytes(path, to_parquet(date, run_id, engine, rows), overwrite=False)
    return path


def dates(store) -> list[str]:
    """The dates the table holds metrics for, oldest first."""
    out = []
    for name in store.list_dirs(layout.METRICS_DIR):
        if name.startswith("date="):
            try:
                out.append(layout.date_str(name[5:]))
            except Exception:  # a stray folder is not a date of the table
                continue
    return sorted(out)


Values = dict[tuple[str, str], float | None]  # (column, metric) -> value


def read_date(store, date: str) -> dict[tuple[str, str], Values]:
    """(layer, object) -> its metrics on `date`, from the newest run that measured it.
    An unreadable object only loses that run's points (the history is best effort)."""
    frames = []
    for path in store.list(layout.metrics_dir(date)):
        if not path.endswith(".parquet"):
            continue
        try:
            frames.append(pl.read_parquet(io.BytesIO(store.read_bytes(path))))
        except Exception:
            continue
    if not frames:
        return {}
    cols = ["layer", "object", "column", "metric", "value", "run_id"]
    df = pl.concat([f.select(cols) for f in frames], how="vertical_relaxed")
    newest = df.group_by("layer", "object").agg(pl.col("run_id").max().alias("newest"))
    df = df.join(newest, on=["layer", "object"]).filter(pl.col("run_id") == pl.col("newest"))
    out: dict[tuple[str, str], Values] = {}
    for layer, obj, col, metric, value, *_ in df.iter_rows():
        out.setdefault((layer, obj), {})[(col, metric)] = value
    return out


class History:
    """The metrics table's past values, read lazily and cached for one gate run."""

    def __init__(self, store, day: str):
        self.store = store
        self.day = day
        self._dates: list[str] | None = None
        self._cache: dict[str, dict[tuple[str, str], Values]] = {}

    @property
    def known(self) -> list[str]:
        """Dates with metrics strictly before the run's date."""
        if self._dates is None:
            try:
                self._dates = [d for d in dates(self.store) if d < self.day]
            except Exception:
                self._dates = []
        return self._dates

    def on(self, date: str, layer: str, obj: str) -> Values:
        if date not in self._cache:
            self._cache[date] = read_date(self.store, date) if date in self.known else {}
        return self._cache[date].get((layer, obj), {})
