"""`_source.json`: what the ingestion says it landed in a partition.

Completeness checks compare the data files against it (files, rows), freshness uses its
`extracted_at` and `watermark`, drift uses `schema_fingerprint` and `migration_head`.
A malformed manifest is an input problem of that partition (exit 2), named by its path;
a missing one is too only under `[check] require_manifest = true`.

`Expected` is what the checks below the gate see: the manifest's promises, or those of
its stand-in (an ADF Copy activity's output, `lake/adf.py`), or none and why.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from wdguard.errors import InputError
from wdguard.lake.layout import manifest_path


class ManifestFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str  # relative to the partition folder: part-00000.parquet
    rows: int = Field(ge=0)
    bytes: int = Field(ge=0)


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: Literal["postgres", "mongodb"]
    layer: Literal["bronze", "silver"]
    object: str
    date: dt.date
    extracted_at: dt.datetime
    row_count: int = Field(ge=0)
    watermark: dt.datetime | None = None  # newest updated/created timestamp extracted
    schema_fingerprint: str | None = None
    migration_head: str | None = None
    files: list[ManifestFile] = Field(default_factory=list)

    def to_json(self) -> str:
        """Deterministic text (same manifest, same bytes)."""
        data = self.model_dump(mode="json")
        return json.dumps(data, indent=2, sort_keys=False) + "\n"


def load_manifest(store, partition: str) -> Manifest:
    """Read `{partition}/_source.json`; InputError naming the partition if unusable."""
    path = manifest_path(partition)
    where = f"{store.url.rstrip('/')}/{path}"
    if not store.exists(path):
        raise InputError("partition has no _source.json manifest", where=where)
    try:
        data = json.loads(store.read_text(path))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"malformed _source.json: {exc}", where=where) from None
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(top)"
        raise InputError(f"invalid _source.json: {loc}: {err['msg']}", where=where) from None


def write_manifest(store, partition: str, manifest: Manifest) -> None:
    store.write_text(manifest_path(partition), manifest.to_json())


@dataclass(frozen=True)
class Expected:
    """What a partition should hold, by whoever says so (`by`): `_source.json`, an ADF
    output, or nobody (`by` empty, `reason` says why: those checks are skipped)."""

    by: str = ""
    row_count: int | None = None
    files: tuple[ManifestFile, ...] | None = None  # listed data files (manifests only)
    file_count: int | None = None  # files written (ADF `filesWritten`)
    rows_read: int | None = None  # rows read from the source (ADF `rowsRead`)
    extracted_at: dt.datetime | None = None
    watermark: dt.datetime | None = None
    reason: str = ""

    @classmethod
    def of_manifest(cls, m: Manifest) -> Expected:
        return cls(
            by=MANIFEST_NAME, row_count=m.row_count, files=tuple(m.files),
            extracted_at=m.extracted_at, watermark=m.watermark,
        )  # fmt: skip

    @property
    def known(self) -> bool:
        return bool(self.by)


MANIFEST_NAME = "_source.json"
