"""Read-only sampling of MongoDB collections with pymongo.

Collections are production data: wdguard only runs `$sample` aggregations (optionally after
a `$match` on a date field) with a server-side time limit, `allowDiskUse` off, and read
preference secondaryPreferred so a replica set's primary is spared. It never writes and
never builds indexes. Every failure becomes one `SourceError` line; the URI's password is
never printed (`wdguard.redact.redact_text`).
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bson import json_util
from bson.errors import BSONError
from pymongo import MongoClient, ReadPreference
from pymongo.errors import (
    ConfigurationError,
    ExecutionTimeout,
    InvalidURI,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)

from wdguard.errors import InputError, SourceError
from wdguard.redact import redact_text

DEFAULT_SAMPLE = 1000
MAX_TIME_MS = 30_000
URI_ENV = "WDGUARD_MONGO_URI"
_TIMEOUTS = {
    "serverSelectionTimeoutMS": 5_000,
    "connectTimeoutMS": 5_000,
    "socketTimeoutMS": 60_000,
}


def connect(uri: str | None) -> MongoClient:
    """A client for `--uri` or $WDGUARD_MONGO_URI, with short timeouts (no I/O yet)."""
    uri = uri or os.environ.get(URI_ENV)
    if not uri:
        raise InputError(f"no MongoDB URI: pass --uri or set {URI_ENV}", where="--uri")
    # our short timeouts are defaults: options spelt in the URI win
    query = uri.partition("?")[2].lower()
    timeouts = {k: v for k, v in _TIMEOUTS.items() if f"{k.lower()}=" not in query}
    try:
        return MongoClient(uri, **timeouts)
    except (InvalidURI, ConfigurationError, ValueError) as exc:
        raise InputError(f"invalid MongoDB URI {redact_text(uri)}: {_clean(exc)}",
                         where="--uri") from None


def _clean(exc: BaseException) -> str:
    """The driver's message on one line, without the URI's password."""
    return redact_text(" ".join(str(exc).split()))[:300]


def list_collections(client: MongoClient, database: str) -> list[str]:
    """Collection names of a database (system collections and views left out)."""
    try:
        names = client[database].list_collection_names(filter={"type": "collection"})
    except PyMongoError as exc:
        raise _source_error(exc, f"{database}") from None
    return sorted(n for n in names if not n.startswith("system."))


def sample(
    client: MongoClient,
    database: str,
    collection: str,
    *,
    size: int = DEFAULT_SAMPLE,
    since: dt.datetime | None = None,
    since_field: str | None = None,
    max_time_ms: int = MAX_TIME_MS,
) -> list[dict[str, Any]]:
    """Up to `size` random documents (newer than `since` on `since_field` when given)."""
    _check_sampling(size, since, since_field)
    pipeline: list[dict[str, Any]] = []
    if since is not None:
        pipeline.append({"$match": {since_field: {"$gte": since}}})
    pipeline.append({"$sample": {"size": size}})
    coll = client[database].get_collection(
        collection, read_preference=ReadPreference.SECONDARY_PREFERRED
    )
    try:
        cursor = coll.aggregate(pipeline, maxTimeMS=max_time_ms, allowDiskUse=False)
        return list(cursor)
    except PyMongoError as exc:
        raise _source_error(exc, f"{database}.{collection}") from None


def _check_sampling(size: int, since: dt.datetime | None, since_field: str | None) -> None:
    """The sampling options both document sources reject the same way."""
    if size <= 0:
        raise InputError("sample size must be positive", where="--sample")
    if since is not None and not since_field:
        raise InputError("--since needs a date field (--since-field)", where="--since")


def _source_error(exc: PyMongoError, where: str) -> SourceError:
    if isinstance(exc, ServerSelectionTimeoutError):
        return SourceError(f"MongoDB unreachable: {_clean(exc)}", where=where)
    if isinstance(exc, ExecutionTimeout):
        return SourceError("sampling exceeded its time limit (maxTimeMS)", where=where)
    if isinstance(exc, OperationFailure) and exc.code in (13, 18):
        return SourceError("MongoDB refused the credentials or the read", where=where)
    return SourceError(f"MongoDB error: {_clean(exc)}", where=where)


def read_extended_json(path: Path) -> list[dict[str, Any]]:
    """Documents of one Extended JSON file: an array, or one document per line (mongoexport)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read documents: {exc.strerror}", where=str(path)) from None
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            docs = json_util.loads(text)
        else:
            docs = [
                json_util.loads(line) for line in text.splitlines() if line.strip()
            ]
    except (ValueError, BSONError, TypeError) as exc:
        raise InputError(f"invalid Extended JSON: {_clean(exc)}", where=str(path)) from None
    if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
        raise InputError("expected documents (JSON objects)", where=str(path))
    return docs


def json_collections(directory: Path) -> Iterator[tuple[str, Path]]:
    """(collection, file) for every `*.json` file of a folder: the offline input."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("folder of Extended JSON files not found", where=str(directory))
    for path in sorted(directory.glob("*.json")):
        yield path.stem, path


class LiveDocuments:
    """Documents from a MongoDB database, sampled server-side."""

    def __init__(self, client: MongoClient, database: str):
        self.client = client
        self.database = database

    @property
    def label(self) -> str:
        return self.database

    def collections(self) -> list[str]:
        return list_collections(self.client, self.database)

    def sample(self, collection: str, size: int, since: dt.datetime | None = None,
               since_field: str | None = None) -> list[dict[str, Any]]:
        return sample(self.client, self.database, collection, size=size, since=since,
                      since_field=since_field)


class JsonDocuments:
    """Documents from Extended JSON files (`COLLECTION.json`), e.g. a mongoexport or the
    fixtures: the same sampling rules, applied locally and deterministically."""

    def __init__(self, directory: Path, database: str | None = None):
        self.files = dict(json_collections(directory))
        self.database = database or Path(directory).resolve().name
        self.directory = directory

    @property
    def label(self) -> str:
        return str(self.directory)

    def collections(self) -> list[str]:
        return sorted(self.files)

    def sample(self, collection: str, size: int, since: dt.datetime | None = None,
               since_field: str | None = None) -> list[dict[str, Any]]:
        _check_sampling(size, since, since_field)
        path = self.files.get(collection)
        if path is None:
            return []
        docs = read_extended_json(path)
        if since is not None:
            docs = [d for d in docs if _newer(d.get(since_field), since)]
        if len(docs) > size:
            docs = random.Random(f"{collection}:{size}").sample(docs, size)
        return docs


def _newer(value: Any, since: dt.datetime) -> bool:
    if not isinstance(value, dt.datetime):
        return False
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    return value >= since
