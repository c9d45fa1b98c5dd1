"""Where things live in the lake: every path wdguard reads or writes, in one place.

The pipeline (and the sample generator) lands partitions as

    bronze  raw/{source}/{date}/{object}/part-00000.parquet ... + _source.json
    silver  silver/{source}/{date}/{object}/part-00000.parquet ... + _source.json
    gold    gold/{table}/{date}/part-00000.parquet ...       (facts: the date's rows;
                                                              dimensions: current snapshot)

with `{source}` = postgres | mongodb, `{date}` a plain YYYY-MM-DD folder and `{object}`
the database table (`contract.source.table`) or Mongo collection. wdguard's own artefacts
live under `_wdguard/` and `quarantine/`. Keeping the spelling here means the checks, the
gate and the generator cannot disagree about it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from wdguard.errors import InputError

Layer = Literal["bronze", "silver", "gold"]
SourceKind = Literal["postgres", "mongodb"]

LAYERS: tuple[str, ...] = ("bronze", "silver", "gold")
GOLD = "gold"
SOURCES: tuple[str, ...] = ("postgres", "mongodb")
MANIFEST = "_source.json"
PART_RE = re.compile(r"^part-(\d{5})\.parquet$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_str(date: dt.date | str) -> str:
    """A date as its folder name; a string is validated (YYYY-MM-DD, a real day)."""
    if isinstance(date, dt.date):
        return date.isoformat()
    text = str(date)
    if not _DATE_RE.match(text):
        raise InputError(f"bad date {text!r}: expected YYYY-MM-DD", where="--date")
    try:
        dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"bad date {text!r}: {exc}", where="--date") from None
    return text


def layer_root(layer: str, source: str) -> str:
    """`raw/postgres` or `silver/mongodb`: the folder holding one folder per date.
    Gold is not split by source: its root is `gold` (one folder per table, see `gold_dir`)."""
    if layer not in LAYERS:
        raise InputError(
            f"unknown layer {layer!r}: expected bronze, silver or gold", where="--layer"
        )
    if layer == GOLD:
        return GOLD
    if source not in SOURCES:
        raise InputError(f"unknown source {source!r}: expected postgres or mongodb")
    return f"raw/{source}" if layer == "bronze" else f"silver/{source}"


def date_dir(layer: str, source: str, date: dt.date | str) -> str:
    if layer == GOLD:
        raise InputError(
            "unknown layer 'gold' for a source partition: gold tables live at "
            "gold/{table}/{date} (layout.gold_dir)",
            where="--layer",
        )
    return f"{layer_root(layer, source)}/{date_str(date)}"


def partition_dir(layer: str, source: str, date: dt.date | str, obj: str) -> str:
    """The folder of one object's partition, e.g. `raw/postgres/2026-11-20/orders`."""
    if not obj or "/" in obj:
        raise InputError(f"bad object name {obj!r}")
    return f"{date_dir(layer, source, date)}/{obj}"


def gold_dir(table: str, date: dt.date | str) -> str:
    """The folder of one gold table's partition, e.g. `gold/FactOrders/2026-11-20`."""
    if not table or "/" in table:
        raise InputError(f"bad gold table name {table!r}")
    return f"{GOLD}/{table}/{date_str(date)}"


def part_name(index: int) -> str:
    """`part-00000.parquet`: data files of a partition, numbered from 0."""
    return f"part-{index:05d}.parquet"


def manifest_path(partition: str) -> str:
    return f"{partition}/{MANIFEST}"


def data_files(names: list[str]) -> list[str]:
    """The parquet data files among a partition listing (keeps the order given)."""
    return [n for n in names if PART_RE.match(n.rsplit("/", 1)[-1])]


def run_record_path(date: dt.date | str, run_id: str) -> str:
    return f"_wdguard/runs/{date_str(date)}/{run_id}.json"


def runs_dir(date: dt.date | str | None = None) -> str:
    return "_wdguard/runs" if date is None else f"_wdguard/runs/{date_str(date)}"


def quarantine_dir(date: dt.date | str, obj: str) -> str:
    return f"quarantine/{date_str(date)}/{obj}"


def list_dates(store, layer: str, source: str) -> list[str]:
    """The date folders present for a layer and source, oldest first."""
    return [d for d in store.list_dirs(layer_root(layer, source)) if _DATE_RE.match(d)]


def cache_snapshot_path(date: dt.date | str, run_id: str) -> str:
    """`_wdguard/cache/{date}/{run_id}.json`: one create-only snapshot per `cache stats`."""
    return f"_wdguard/cache/{date_str(date)}/{run_id}.json"


def cache_dir(date: dt.date | str | None = None) -> str:
    return "_wdguard/cache" if date is None else f"_wdguard/cache/{date_str(date)}"


METRICS_DIR = "_wdguard/metrics"


def metrics_dir(date: dt.date | str | None = None) -> str:
    """`_wdguard/metrics/date=YYYY-MM-DD`: Hive-style, so Spark, Databricks SQL and Synapse
    read the folder as one table partitioned by `date`."""
    return METRICS_DIR if date is None else f"{METRICS_DIR}/date={date_str(date)}"


def metrics_path(date: dt.date | str, run_id: str) -> str:
    """One create-only parquet object of column metrics per gate run (or backfill)."""
    return f"{metrics_dir(date)}/{run_id}.parquet"
