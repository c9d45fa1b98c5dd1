"""The sample lake as other writers leave it: `lake generate --style wdguard|spark|adf`.

`generate_lake` writes wdguard's own layout; `restyle` then moves each bronze and silver
partition where and how another writer would have put it, so the docs and the tests can
show the gate on all three (gold is left where it is):

    wdguard  raw/{source}/{date}/{object}/part-00000.parquet + _source.json  (unchanged;
             bronze may be JSON lines or CSV: part-00000.json / .csv)
    spark    {layer}/{source}/{object}/ingest_date={date}/part-00000-<uuid>.c000.snappy.parquet
             + .crc side files, _SUCCESS in the table folder, no manifest (Databricks)
    adf      bronze landing/{source}/{object}/{yyyy}/{mm}/{dd}/data_<uuid>.parquet (Mongo
             collections as data_<uuid>.json), the Copy activity's output JSON under
             adf-runs/, no manifest; silver as spark

It returns the `[lake]` table that describes the result (also written to the lake as
`_wdguard/lake.toml`, which the gate reads when wdguard.toml has no `[lake]`).
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zlib
from collections.abc import Iterable

import polars as pl

from wdguard.errors import InputError
from wdguard.lake import layout
from wdguard.lake.manifest import Manifest, ManifestFile, load_manifest, write_manifest
from wdguard.lake.storage import Store
from wdguard.sample.common import PartitionWritten

STYLES = ("wdguard", "spark", "adf")
_SPARK = "{layer}/{source}/{object}/ingest_date={date}"
LAKE_TABLES: dict[str, dict] = {
    "wdguard": {},
    "spark": {"bronze": {"path": _SPARK}, "silver": {"path": _SPARK}},
    "adf": {
        "bronze": {
            "path": "landing/{source}/{object}/{yyyy}/{mm}/{dd}",
            "adf_output": "adf-runs/{date}/{source}_{object}.json",
        },
        "silver": {"path": _SPARK},
    },
}
_EXT = {"parquet": "parquet", "jsonl": "json", "csv": "csv"}


def _uuid(*parts: object) -> str:
    """A deterministic UUID per file: the same seed gives the same names."""
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4))


def hadoop_crc(data: bytes, chunk: int = 512) -> bytes:
    """A `.crc` side file as Hadoop's ChecksumFileSystem writes it: "crc\\0", the bytes per
    checksum, then one CRC32 per chunk. Spark verifies it when it reads the local file, so
    anything else (a bare CRC32) makes `--engine spark` fail with "Read past End of File"."""
    sums = b"".join(
        zlib.crc32(data[i : i + chunk]).to_bytes(4, "big") for i in range(0, len(data), chunk)
    )
    return b"crc\0" + chunk.to_bytes(4, "big") + sums


def _encode(df: pl.DataFrame, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "parquet":
        df.write_parquet(buf, compression="snappy", statistics=True)
    elif fmt == "jsonl":
        df.write_ndjson(buf)
    else:
        df.write_csv(buf)
    return buf.getvalue()


def _names(style: str, layer: str, source: str, fmt: str, n: int, key: str) -> list[str]:
    ext = _EXT[fmt]
    if style == "wdguard":
        return [f"part-{i:05d}.{ext}" for i in range(n)]
    if style == "adf" and layer == "bronze":
        return [f"data_{_uuid(key, i)}.{ext}" for i in range(n)]
    job, ext = _uuid(key), "snappy.parquet" if ext == "parquet" else ext
    return [f"part-{i:05d}-{job}.c000.{ext}" for i in range(n)]


def _adf_output(m: Manifest, files: list[ManifestFile]) -> str:
    size = sum(f.bytes for f in files)
    start = m.extracted_at.isoformat().replace("+00:00", "Z")
    out = {
        "dataRead": size, "dataWritten": size, "filesWritten": len(files),
        "rowsRead": m.row_count, "rowsCopied": m.row_count, "copyDuration": 12,
        "executionDetails": [{
            "source": {"type": "PostgreSql" if m.source == "postgres" else "MongoDbAtlas"},
            "sink": {"type": "AzureBlobFS"}, "status": "Succeeded", "start": start,
            "duration": 12,
        }],
    }  # fmt: skip
    return json.dumps(out, indent=2) + "\n"


def restyle(
    store: Store,
    partitions: Iterable[PartitionWritten],
    style: str,
    *,
    bronze_format: str | dict[str, str] = "parquet",
) -> dict:
    """Move every bronze/silver partition of `partitions` still present (with its
    `_source.json`) to `style`'s layout; return the `[lake]` table describing it.
    `bronze_format`: one format for bronze, or one per object (default parquet); the
    gate tells them apart by their file names."""
    if style not in STYLES:
        raise InputError(f"unknown style {style!r}: use {', '.join(STYLES)}", where="--style")
    formats = bronze_format if isinstance(bronze_format, dict) else {}
    default = bronze_format if isinstance(bronze_format, str) else "parquet"
    for fmt in {default, *formats.values()}:
        if fmt not in layout.FORMATS:
            raise InputError(f"unknown format {fmt!r}", where="--bronze-format")
    table = json.loads(json.dumps(LAKE_TABLES[style]))
    lake = layout.LakeLayout.from_table(table)
    for p in partitions:
        if p.layer not in layout.DEFAULT_PATHS or not store.exists(layout.manifest_path(p.path)):
            continue
        m = load_manifest(store, p.path)
        frames = [pl.read_parquet(store.read_bytes(f"{p.path}/{x.path}")) for x in m.files]
        fmt = formats.get(p.object, default) if p.layer == "bronze" else "parquet"
        if style == "adf" and p.layer == "bronze" and p.source == "mongodb":
            fmt = "jsonl"  # ADF copies MongoDB as JSON
        lay = lake.of(p.layer, "")
        dest = lay.path.render(layer=p.layer, source=p.source, obj=p.object, date=p.date)
        names = _names(style, p.layer, p.source, fmt, len(frames), p.path)
        for f in m.files:
            store.delete(f"{p.path}/{f.path}")
        store.delete(layout.manifest_path(p.path))
        files = []
        for name, df in zip(names, frames, strict=True):
            data = _encode(df, fmt)
            store.write_bytes(f"{dest}/{name}", data)
            files.append(ManifestFile(path=name, rows=df.height, bytes=len(data)))
            if style == "spark" or (style == "adf" and p.layer == "silver"):  # Hadoop's
                store.write_bytes(f"{dest}/.{name}.crc", hadoop_crc(data))
        if style == "wdguard":
            write_manifest(store, dest, m.model_copy(update={"files": files}))
        elif style == "adf" and p.layer == "bronze":
            assert lay.adf_output is not None
            out = lay.adf_output.render(layer=p.layer, source=p.source, obj=p.object, date=p.date)
            store.write_text(out, _adf_output(m, files))
        if style != "wdguard" and not (style == "adf" and p.layer == "bronze"):
            store.write_bytes(f"{dest.rsplit('/', 1)[0]}/_SUCCESS", b"")
    return table


def lake_toml(table: dict) -> str:
    """The `[lake]` table as wdguard.toml text."""
    lines = ["[lake]"] if not table else []
    for layer, keys in table.items():
        lines.append(f"[lake.{layer}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in keys.items()]
    return "\n".join(lines) + "\n"
