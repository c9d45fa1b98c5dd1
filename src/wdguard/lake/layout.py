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

That is the default. A real lake is described by the `[lake]` table of wdguard.toml
(`LakeLayout`): per layer (and per contract) a path template, a format and where an ADF
Copy activity keeps its output. `lake/resolve.py` turns it into the partitions of a date.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field
from typing import Any, Literal

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


_SIDE_FOLDERS = frozenset({"_temporary", "_delta_log", "_spark_metadata", "_checkpoints"})


def is_side_file(path: str) -> bool:
    """Spark/Hadoop/ADF side files: `_SUCCESS`, `_committed_*`, `_started_*`, `*.crc`,
    `_source.json`, `.tmp-*`, anything in a hidden folder or under `_temporary/`,
    `_delta_log/`: never data, whatever the format. (Other folders may start with `_`:
    Prisma's implicit tables are called `_ProductToTag`.)"""
    *folders, name = path.split("/")
    return (
        name.startswith(("_", "."))
        or name.endswith(".crc")
        or any(f.startswith(".") or f in _SIDE_FOLDERS for f in folders)
    )


def data_files(names: list[str]) -> list[str]:
    """The data files among a partition listing, whatever their names (keeps the order
    given): every file but the side files. Their format is `lake/formats.py`'s business."""
    return [n for n in names if not is_side_file(n)]


def run_record_path(date: dt.date | str, run_id: str) -> str:
    return f"_wdguard/runs/{date_str(date)}/{run_id}.json"


def runs_dir(date: dt.date | str | None = None) -> str:
    return "_wdguard/runs" if date is None else f"_wdguard/runs/{date_str(date)}"


def quarantine_dir(date: dt.date | str, obj: str) -> str:
    return f"quarantine/{date_str(date)}/{obj}"


def cache_snapshot_path(date: dt.date | str, run_id: str) -> str:
    """`_wdguard/cache/{date}/{run_id}.json`: one create-only snapshot per `cache stats`."""
    return f"_wdguard/cache/{date_str(date)}/{run_id}.json"


def cache_dir(date: dt.date | str | None = None) -> str:
    return "_wdguard/cache" if date is None else f"_wdguard/cache/{date_str(date)}"


# --------------------------------------------------------------------------- templates
PLACEHOLDERS = ("source", "object", "date", "yyyy", "mm", "dd", "layer")
DATE_PLACEHOLDERS = frozenset({"date", "yyyy", "mm", "dd"})
DEFAULT_PATHS = {
    "bronze": "raw/{source}/{date}/{object}",
    "silver": "silver/{source}/{date}/{object}",
}
FORMATS = ("parquet", "jsonl", "csv")


def _values(layer: str, source: str, obj: str, date: dt.date | str) -> dict[str, str]:
    day = date_str(date)
    return {
        "layer": layer, "source": source, "object": obj, "date": day,
        "yyyy": day[:4], "mm": day[5:7], "dd": day[8:10],
    }  # fmt: skip


@dataclass(frozen=True)
class Template:
    """A path template such as `landing/{source}/{object}/{yyyy}/{mm}/{dd}` or
    `silver/{object}/ingest_date={date}` (Hive-style folders are just `key={date}`)."""

    text: str
    where: str = "wdguard.toml [lake]"

    def __post_init__(self) -> None:
        names = self.names()
        unknown = sorted(n for n in names if n not in PLACEHOLDERS)
        if unknown:
            raise InputError(
                f"path template {self.text!r} names unknown placeholder(s) "
                f"{', '.join('{' + n + '}' for n in unknown)}: use "
                f"{', '.join('{' + n + '}' for n in PLACEHOLDERS)}",
                where=self.where,
            )
        if not names & DATE_PLACEHOLDERS:
            raise InputError(
                f"path template {self.text!r} has no date placeholder ({{date}} or "
                "{yyyy}/{mm}/{dd}): it cannot name one day's partition",
                where=self.where,
            )
        if self.text.startswith("/") or ".." in self.text.split("/"):
            raise InputError(
                f"path template {self.text!r} must be relative to the lake root", where=self.where
            )

    def names(self) -> set[str]:
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(self.text) if f is not None]
        except ValueError as exc:
            raise InputError(f"path template {self.text!r}: {exc}", where=self.where) from None
        bad = [f for f in fields if not f.isidentifier()]
        if bad:
            raise InputError(
                f"path template {self.text!r} has a bad placeholder {{{bad[0]}}}", where=self.where
            )
        return set(fields)

    def render(self, *, layer: str, source: str, obj: str, date: dt.date | str) -> str:
        return self.text.format(**_values(layer, source, obj, date)).strip("/")

    def objects_root(self, *, layer: str, source: str, date: dt.date | str) -> str | None:
        """The folder whose sub-folders are the objects, when `{object}` is a whole
        segment with only known values before it (`raw/postgres/2026-11-26`); else None."""
        segments = self.text.strip("/").split("/")
        if "{object}" not in segments:
            return None
        head = "/".join(segments[: segments.index("{object}")])
        if "{object}" in head:
            return None
        return head.format(**_values(layer, source, "", date)).strip("/")

    def root(self, *, layer: str, source: str) -> str:
        """The part before the first date placeholder, for messages: `raw/postgres/`."""
        segments = self.text.strip("/").split("/")
        keep = []
        for seg in segments:
            names = {f for _, f, _, _ in string.Formatter().parse(seg) if f}
            if names & DATE_PLACEHOLDERS:
                break
            keep.append(seg.replace("{layer}", layer).replace("{source}", source))
        return "/".join(keep) + "/" if keep else "./"


@dataclass(frozen=True)
class PartitionLayout:
    """Where one contract's partitions of one layer live and how they are written."""

    path: Template
    format: str | None = None  # parquet | jsonl | csv; None: from the file names
    adf_output: Template | None = None  # where an ADF Copy activity's output JSON is kept
    # a Delta table's date: this column (a partition column, or a date column the rows are
    # filtered on); None: a date-named partition column (lake/delta/table.py)
    date_column: str | None = None
    # a catalog table's name (`main.silver.{object}`), read on Spark (lake/catalog.py)
    table: str | None = None

    def is_default(self, layer: str) -> bool:
        return (self.path.text == DEFAULT_PATHS.get(layer) and self.adf_output is None
                and self.table is None)

    def table_name(self, *, layer: str, source: str, obj: str) -> str | None:
        if self.table is None:
            return None
        return self.table.format(layer=layer, source=source, object=obj)


_LAYER_KEYS = frozenset({"path", "format", "adf_output", "date_column", "table", "contracts"})


def _layer_layout(
    table: dict[str, Any], base: PartitionLayout | None, where: str
) -> PartitionLayout:
    unknown = sorted(set(table) - _LAYER_KEYS)
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(unknown)}: use path, format, adf_output, date_column, "
            "table, contracts",
            where=where,
        )
    for key in ("path", "format", "adf_output", "date_column", "table"):
        if key in table and not isinstance(table[key], str):
            raise InputError(f"{key} must be a string", where=where)
    fmt = table.get("format", base.format if base else None)
    if fmt is not None and fmt not in FORMATS:
        raise InputError(
            f"unknown format {fmt!r}: use {', '.join(FORMATS)}", where=where
        )
    path = Template(table["path"], where) if "path" in table else base.path if base else None
    assert path is not None
    adf = (
        Template(table["adf_output"], where)
        if "adf_output" in table
        else (base.adf_output if base else None)
    )
    date_column = table.get("date_column", base.date_column if base else None)
    name = _table(table, base, date_column, where)
    return PartitionLayout(path=path, format=fmt, adf_output=adf, date_column=date_column,
                           table=name)


def _table(table: dict[str, Any], base: PartitionLayout | None, date_column: str | None,
           where: str) -> str | None:
    """The catalog table's name: this table's, else the base's unless a path is given."""
    from wdguard.lake.catalog import check_name

    if "table" in table and "path" in table:
        raise InputError("give path or table, not both", where=where)
    if "table" not in table:
        return None if "path" in table or base is None else base.table
    if date_column is None:
        raise InputError(
            f"table {table['table']!r} needs date_column: the column a date's rows are "
            "filtered on", where=where)
    return check_name(table["table"], where)


@dataclass(frozen=True)
class LakeLayout:
    """The `[lake]` table: per layer a `PartitionLayout`, and per contract overrides.

        [lake.bronze]
        path = "landing/{source}/{object}/{yyyy}/{mm}/{dd}"
        format = "parquet"
        adf_output = "_adf/{date}/{object}.json"
        [lake.bronze.contracts.Review]      # one contract lands differently
        format = "jsonl"
    """

    layers: dict[str, PartitionLayout] = field(default_factory=dict)
    overrides: dict[tuple[str, str], PartitionLayout] = field(default_factory=dict)
    source: str = "default"  # where it was read from, for messages and `lake inspect`

    @classmethod
    def default(cls) -> LakeLayout:
        return cls.from_table({}, source="default")

    @classmethod
    def from_table(cls, table: Any, *, source: str = "wdguard.toml") -> LakeLayout:
        if not isinstance(table, dict):
            raise InputError("[lake] must be a table", where=source)
        unknown = sorted(set(table) - {"bronze", "silver", "format"})
        if unknown:
            raise InputError(
                f"unknown key(s) in [lake]: {', '.join(unknown)}: use bronze, silver, format",
                where=source,
            )
        top_format = table.get("format")
        layers: dict[str, PartitionLayout] = {}
        overrides: dict[tuple[str, str], PartitionLayout] = {}
        for layer, default_path in DEFAULT_PATHS.items():
            where = f"{source} [lake.{layer}]"
            sub = table.get(layer, {})
            if not isinstance(sub, dict):
                raise InputError(f"[lake.{layer}] must be a table", where=source)
            base = PartitionLayout(Template(default_path, where))
            merged = {**({"format": top_format} if top_format is not None else {}), **sub}
            layers[layer] = lay = _layer_layout(merged, base, where)
            contracts = sub.get("contracts", {})
            if not isinstance(contracts, dict):
                raise InputError(f"[lake.{layer}.contracts] must be a table", where=source)
            for name, over in contracts.items():
                w = f"{source} [lake.{layer}.contracts.{name}]"
                if not isinstance(over, dict) or "contracts" in over:
                    raise InputError(
                        "must be a table of path, format, adf_output, date_column, table",
                        where=w)
                overrides[(layer, name)] = _layer_layout(over, lay, w)
        return cls(layers, overrides, source)

    def of(self, layer: str, contract: str) -> PartitionLayout:
        """The layout of one contract's partitions in `layer`."""
        return self.overrides.get((layer, contract)) or self.layers[layer]

    @property
    def is_default(self) -> bool:
        return not self.overrides and all(
            lay.is_default(layer) and lay.format in (None, "parquet")
            for layer, lay in self.layers.items()
        )


LAKE_TOML = "_wdguard/lake.toml"


def configured(store, config: dict[str, Any], where: str = "wdguard.toml") -> LakeLayout:
    """The lake's layout: `[lake]` of wdguard.toml, else the lake's own description
    (`_wdguard/lake.toml`, which `wdguard lake generate --style` writes), else the
    default layout."""
    if "lake" in config:
        return LakeLayout.from_table(config["lake"], source=where)
    if store.exists(LAKE_TOML):
        import tomllib

        own = f"{store.url.rstrip('/')}/{LAKE_TOML}"
        try:
            table = tomllib.loads(store.read_text(LAKE_TOML))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"invalid TOML: {exc}", where=own) from None
        return LakeLayout.from_table(table.get("lake", {}), source=own)
    return LakeLayout.default()


METRICS_DIR = "_wdguard/metrics"


def metrics_dir(date: dt.date | str | None = None) -> str:
    """`_wdguard/metrics/date=YYYY-MM-DD`: Hive-style, so Spark, Databricks SQL and Synapse
    read the folder as one table partitioned by `date`."""
    return METRICS_DIR if date is None else f"{METRICS_DIR}/date={date_str(date)}"


def metrics_path(date: dt.date | str, run_id: str) -> str:
    """One create-only parquet object of column metrics per gate run (or backfill)."""
    return f"{metrics_dir(date)}/{run_id}.parquet"
